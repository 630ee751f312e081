/* Accessibility repairs for Dash 4 components, applied as the page changes.
 * dcc.Dropdown renders a hidden helper input (aria-hidden="true") that is in the tab order, so a
 * screen reader can land on an unlabelled, invisible field (axe: aria-hidden-focus), while the
 * visible, labelled button is out of the tab order. Swap them: the button takes Tab, the helper
 * input does not. */
(function () {
  function repair(root) {
    root.querySelectorAll("input.dash-dropdown-focus-target").forEach(function (el) {
      if (el.getAttribute("tabindex") !== "-1") { el.setAttribute("tabindex", "-1"); }
    });
    root.querySelectorAll("button.dash-dropdown").forEach(function (el) {
      if (el.getAttribute("tabindex") !== "0") { el.setAttribute("tabindex", "0"); }
    });
  }
  var observer = new MutationObserver(function () { repair(document); });
  function start() {
    repair(document);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true,
                                      attributeFilter: ["tabindex"] });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
