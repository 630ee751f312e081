/* A ranked list drawn in the browser from a compact payload (components/map_panel.py ranked_rows):
 * a filter change sends ~1.5 KB of [code, rank, value, selected] rows (and the headline's values) instead of ~33 KB
 * of Dash components, and the rows are updated in place, keyed by borough, so the Select button
 * you just pressed keeps focus and Dash does not re-create 300 components.
 *
 * The markup is what the server used to send: rank, the borough's name linking to its profile
 * (keeping the filters), its value, and a Select/Selected toggle button with aria-pressed.
 * A Select button sets the page's pick store (ids.pick(param)); the shell's collector turns that
 * into a toggle of the borough, like any other filter change (shell/state_change.py).
 * A profile link navigates inside the app as dcc.Link does (no page reload). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  techmap_ranked: {
    draw: function (payload, names, wrapId, pickId, headlineId) {
      var wrap = document.getElementById(wrapId);
      if (!wrap || !payload || !names || !Array.isArray(payload.rows)) { return window.dash_clientside.no_update; }
      drawHeadline(document.getElementById(headlineId), payload.headline);
      var table = wrap.querySelector("table") || makeTable(wrap, pickId);
      setText(table.caption, payload.caption);
      setText(table.tHead.rows[0].cells[2], payload.head);
      var body = table.tBodies[0];
      var byCode = {};
      Array.prototype.forEach.call(body.children, function (tr) { byCode[tr.dataset.code] = tr; });
      payload.rows.forEach(function (row, i) {
        var tr = byCode[row[0]] || makeRow(row[0]);
        fill(tr, row, names[row[0]] || [row[0], ""], payload.query || "");
        if (body.children[i] !== tr) { body.insertBefore(tr, body.children[i] || null); }
      });
      while (body.children.length > payload.rows.length) { body.removeChild(body.lastChild); }
      return payload.rows.length;
    }
  }
});

function makeTable(wrap, pickId) {
  var table = document.createElement("table");
  table.className = "table table-sm ranked-table";
  table.createCaption();
  var head = table.createTHead().insertRow();
  [["Rank", "num"], ["Borough", ""], ["", "num"], ["Filter", ""]].forEach(function (h) {
    var th = document.createElement("th");
    th.scope = "col"; th.textContent = h[0];
    if (h[1]) { th.className = h[1]; }
    head.appendChild(th);
  });
  wire(table.createTBody(), pickId);
  wrap.appendChild(table);
  return table;
}

function makeRow(code) {
  var tr = document.createElement("tr");
  tr.dataset.code = code;
  var rank = document.createElement("td"); rank.className = "num";
  var th = document.createElement("th"); th.scope = "row";
  th.appendChild(document.createElement("a"));
  var value = document.createElement("td"); value.className = "num";
  var cell = document.createElement("td");
  var button = document.createElement("button");
  button.type = "button";
  button.appendChild(document.createTextNode(""));
  var hidden = document.createElement("span"); hidden.className = "visually-hidden";
  button.appendChild(hidden);
  cell.appendChild(button);
  [rank, th, value, cell].forEach(function (c) { tr.appendChild(c); });
  return tr;
}

/* The headline figures' values, written into the cards the server drew (their labels do not
 * change): Dash would re-create the cards' 16 components for a patch of their texts. */
function drawHeadline(cards, values) {
  if (!cards || !Array.isArray(values)) { return; }
  var cells = cards.querySelectorAll("dd");
  values.forEach(function (value, i) { if (cells[i]) { setText(cells[i], String(value)); } });
}

function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }

function fill(tr, row, known, query) {
  var name = known[0], selected = row[3] === true;
  var cells = tr.children;
  setText(cells[0], row[1]);
  var link = cells[1].firstChild;
  setText(link, name);
  var href = "/borough/" + encodeURIComponent(known[1]) + query;
  if (link.getAttribute("href") !== href) { link.setAttribute("href", href); }
  setText(cells[2], row[2]);
  var button = cells[3].firstChild;
  button.dataset.code = row[0];
  button.className = "btn btn-sm " + (selected ? "btn-primary" : "btn-outline-primary");
  button.setAttribute("aria-pressed", selected ? "true" : "false");
  setText(button.firstChild, selected ? "Selected" : "Select");
  setText(button.lastChild, " " + name);
  tr.className = selected ? "is-selected" : "";
}

function wire(body, pickId) {
  var presses = 0;
  body.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-code]");
    if (button) {
      presses += 1;
      window.dash_clientside.set_props(pickId, {data: {value: button.dataset.code, n: presses}});
      return;
    }
    var link = event.target.closest("a[href]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();  // as dcc.Link: move inside the app, which Dash's router follows
    window.history.pushState({}, "", link.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  });
}
