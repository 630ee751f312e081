/* The header's "Sign in" link names the signed-in user instead, and leads to their account.
 * The server sets the (not HttpOnly) techmap_signed_in cookie at sign-in and clears it at sign-out
 * or when the session ends; the session itself is in an HttpOnly cookie this script cannot read. */
(function () {
  function signedInName() {
    var match = document.cookie.match(/(?:^|;\s*)techmap_signed_in=([^;]*)/);
    if (!match || !match[1]) { return ""; }
    try { return decodeURIComponent(match[1]); } catch (e) { return ""; }
  }

  function update() {
    var link = document.getElementById("account-link");
    if (!link) { return false; }
    var name = signedInName();
    if (name && link.dataset.signedIn !== name) {
      link.textContent = name;
      link.href = "/account";
      link.setAttribute("aria-label", "Your account (signed in as " + name + ")");
      link.dataset.signedIn = name;
    }
    return true;
  }

  // Dash renders the header after this script runs: wait for it.
  if (!update()) {
    var observer = new MutationObserver(function () { if (update()) { observer.disconnect(); } });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
