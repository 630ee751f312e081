/* The compact filter bar (components/filter_bar.py).
 *
 * 1. "More filters" is a disclosure button: a click (or Enter/Space) shows or hides its panel and
 *    flips aria-expanded.
 * 2. Both disclosure buttons say how many of their filters are active, counted from the chips the
 *    shell draws for the current state: "Filters (3 active)" (all of them, the phone's button) and
 *    "More filters (1 active)" (the filters behind it). The count is in the button's name.
 * 3. When the state comes to hold one of the filters behind "More filters" (a shared link, Back or
 *    Forward), the panel opens, so no active filter is out of sight. The shell is drawn once per
 *    dataset version, not per URL, so the server cannot do this.
 * No Dash callback: nothing here changes the app's state, only what is shown. */
(function () {
  var MORE = ["group", "manufacturer", "system", "q"];  // components/filter_bar.py MORE_PARAMS
  var lastMore = 0;

  function chipParams() {
    var params = [];
    document.querySelectorAll("#filter-chips .chip[id]").forEach(function (chip) {
      try { params.push(JSON.parse(chip.id).param); } catch (e) { /* not a chip id */ }
    });
    return params;
  }

  function setCount(button, n) {
    var span = button && button.querySelector(".filter-count");
    var text = n ? " (" + n + " active)" : "";
    if (span && span.textContent !== text) { span.textContent = text; }
  }

  function setOpen(button, open) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (panel) { panel.classList.toggle("is-open", open); }
  }

  function update() {
    var more = document.getElementById("filter-more-toggle");
    if (!more || !document.getElementById("filter-chips")) { return; }
    var params = chipParams();
    var moreCount = params.filter(function (p) { return MORE.indexOf(p) >= 0; }).length;
    setCount(document.getElementById("filter-toggle"), params.length);
    setCount(more, moreCount);
    if (moreCount > 0 && lastMore === 0 && more.getAttribute("aria-expanded") !== "true") {
      setOpen(more, true);
    }
    lastMore = moreCount;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#filter-more-toggle");
    if (button) { setOpen(button, button.getAttribute("aria-expanded") !== "true"); }
  });

  var queued = false;
  new MutationObserver(function () {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; update(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
