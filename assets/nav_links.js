/* The main navigation keeps the filters: each link's href is its page plus the address bar's
 * query string (the state, written by the shell's reducer), kept current as the URL changes, and
 * a plain click moves inside the app as dcc.Link does (no reload). Plain links kept by this script
 * rather than a Dash callback that rewrote nine hrefs after every filter change: each callback
 * costs the browser's Dash renderer a round of store updates that every component re-checks. */
(function () {
  var LINKS = "#main-nav a[data-path]";

  function sync() {
    var search = window.location.search;
    document.querySelectorAll(LINKS).forEach(function (link) {
      var href = link.getAttribute("data-path") + search;
      if (link.getAttribute("href") !== href) { link.setAttribute("href", href); }
    });
  }

  // The URL changes through history (dcc.Location, dcc.Link, the ranked list's links) or Back.
  ["pushState", "replaceState"].forEach(function (name) {
    var original = window.history[name];
    window.history[name] = function () {
      var result = original.apply(this, arguments);
      sync();
      return result;
    };
  });
  window.addEventListener("popstate", sync);

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(LINKS) : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
        || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    window.history.pushState({}, "", link.getAttribute("data-path") + window.location.search);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));  // Dash's router follows
    window.scrollTo(0, 0);
  });

  // React draws the header after this script runs (and again if the layout is redrawn).
  function start() {
    sync();
    new MutationObserver(function () {
      var first = document.querySelector(LINKS);
      if (first && first.getAttribute("href") !== first.getAttribute("data-path") + window.location.search) { sync(); }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
