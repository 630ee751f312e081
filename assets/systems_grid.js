/* The /systems grid (components/systems_grid.py): one listener for all its buttons.
 *
 * A cell's button (or a column header's) has no Dash id, so that the grid's 825 cells are not
 * 825 inputs of the shell's reducer; a click (Enter and Space on a focused button are clicks)
 * writes {authority, area} to the store {"type": "systems-grid", "page": "systems"}, which the
 * reducer reads. The borough is the row's data-a; the area, the column's entry in the table's
 * data-areas. Escape hides the tip of the cell under the pointer or focus (WCAG 1.4.13). */
(function () {
  var STORE = {type: "systems-grid", page: "systems"};
  var count = 0;

  function choose(authority, area) {
    if (!window.dash_clientside || !window.dash_clientside.set_props) { return; }
    count += 1;
    window.dash_clientside.set_props(STORE, {data: {authority: authority, area: area, n: count}});
  }

  // The chosen button keeps the focus while the page redraws (Tab goes on from it): if a redraw
  // drops the focus to the page body, it goes back to the button now in the same place.
  function keepFocus(button) {
    var row = button.closest("tr"), code = row && row.getAttribute("data-a");
    var index = button.parentElement.cellIndex, until = Date.now() + 10000;
    function check() {
      var now = document.activeElement;
      if (now && now !== document.body) {
        if (now !== button || Date.now() > until) { return; }
      } else {
        var rows = document.querySelectorAll(".systems-grid " + (code ? "tbody tr[data-a='" + code + "']" : "tr.areas"));
        var cell = rows.length ? rows[0].children[index] : null;
        var again = cell && cell.querySelector("button");
        if (!again) { return; }
        button = again;
        again.focus({preventScroll: true});
      }
      setTimeout(check, 100);
    }
    setTimeout(check, 100);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".systems-grid button");
    if (!button) { return; }
    keepFocus(button);
    var table = button.closest(".systems-grid");
    if (button.classList.contains("col-btn")) {
      choose(null, button.getAttribute("data-area"));
      return;
    }
    var cell = button.closest("td");
    var row = cell && cell.parentElement;
    if (!row || !table) { return; }
    var areas = (table.getAttribute("data-areas") || "").split(" ");
    var area = areas[cell.cellIndex - 1];  // the row header is cell 0
    if (area) { choose(row.getAttribute("data-a"), area); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll(".systems-grid td > button:hover, .systems-grid td > button:focus")
      .forEach(function (b) { b.classList.add("tip-off"); });
  });
  function tipBack(event) {
    var button = event.target.closest && event.target.closest(".systems-grid td > button");
    if (button) { button.classList.remove("tip-off"); }
  }
  document.addEventListener("focusout", tipBack);
  document.addEventListener("mouseout", tipBack);
})();
