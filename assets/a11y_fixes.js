/* Accessibility repairs for Dash 4 components, applied as the page changes.
 *
 * 1. dcc.Dropdown renders a hidden helper input (aria-hidden="true") that is in the tab order, so a
 *    screen reader can land on an unlabelled, invisible field (axe: aria-hidden-focus), while the
 *    visible button is out of the tab order. Swap them: the button takes Tab, the helper does not.
 * 2. The drop-down button names itself with aria-labelledby="<id>-value-count <id>-value", i.e. by
 *    its placeholder or selection, never by the visible <label for=id> (WCAG 2.5.3, 4.1.2), and
 *    dcc.Dropdown has no prop to change that. Prepend the label's id, so the name is "Borough All
 *    boroughs" / "Borough Camden"; the pop-up and its search box are named after the label too.
 *    React sets aria-labelledby only when its own value changes (never: it depends on the id), so
 *    the repair sticks; the observer re-applies it if a re-mount resets it.
 * 3. The navigation link of the page you are on gets aria-current ("page" on the page itself,
 *    "true" on the section a sub-page belongs to, e.g. Boroughs on /borough/camden). dcc.Link has
 *    no aria props, and Dash's router changes pages without an event, so this runs on mutation. */
(function () {
  function labelFor(id) {
    var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    if (label && !label.id) { label.id = id + "-label"; }
    return label;
  }

  function nameDropdowns(root) {
    root.querySelectorAll("button.dash-dropdown[id]").forEach(function (button) {
      var label = labelFor(button.id);
      if (!label) { return; }
      var own = button.id + "-value-count " + button.id + "-value";
      var wanted = label.id + " " + own;
      if (button.getAttribute("aria-labelledby") !== wanted) { button.setAttribute("aria-labelledby", wanted); }
      var wrapper = button.closest(".dash-dropdown-wrapper");
      if (!wrapper) { return; }
      var dialog = wrapper.querySelector(".dash-dropdown-content");
      if (dialog && dialog.getAttribute("aria-labelledby") !== label.id) {
        dialog.setAttribute("aria-labelledby", label.id);
      }
      var search = wrapper.querySelector("input.dash-dropdown-search");
      var searchName = "Search " + label.textContent.trim();
      if (search && search.getAttribute("aria-label") !== searchName) {
        search.setAttribute("aria-label", searchName);
      }
    });
  }

  function section(path) {
    var parts = path.replace(/\/+$/, "").split("/");
    if (parts[1] === "borough") { return "/boroughs"; }
    return parts.length > 1 && parts[1] ? "/" + parts[1] : "/";
  }

  function markCurrentNav(root) {
    var path = window.location.pathname.replace(/\/+$/, "") || "/";
    root.querySelectorAll("#main-nav a[href]").forEach(function (link) {
      var target = new URL(link.getAttribute("href"), window.location.href).pathname.replace(/\/+$/, "") || "/";
      var current = target === path ? "page" : (target !== "/" && target === section(path) ? "true" : null);
      if (current === null) {
        if (link.hasAttribute("aria-current")) { link.removeAttribute("aria-current"); }
      } else if (link.getAttribute("aria-current") !== current) {
        link.setAttribute("aria-current", current);
      }
    });
  }

  function repair(root) {
    root.querySelectorAll("input.dash-dropdown-focus-target").forEach(function (el) {
      if (el.getAttribute("tabindex") !== "-1") { el.setAttribute("tabindex", "-1"); }
    });
    root.querySelectorAll("button.dash-dropdown").forEach(function (el) {
      if (el.getAttribute("tabindex") !== "0") { el.setAttribute("tabindex", "0"); }
    });
    nameDropdowns(root);
    markCurrentNav(root);
  }
  // Every repair writes only when a value differs, so the observer does not feed itself.
  var observer = new MutationObserver(function () { repair(document); });
  function start() {
    repair(document);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true,
                                      attributeFilter: ["tabindex", "aria-labelledby", "href"] });
    window.addEventListener("popstate", function () { repair(document); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
