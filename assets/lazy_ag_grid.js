/* dash-ag-grid's bundle (1.3 MB, about 290 KB compressed) only on pages that show a grid.

   Dash puts every component library's bundle on every page, and its renderer looks a component up
   synchronously (window[namespace][type]). web/lazy_grid.py takes dash-ag-grid's bundle off the
   page; this stands in for its namespace: an AgGrid that loads the real bundle the first time a grid
   is drawn and then renders the real AgGrid with the same props. It tells Dash's renderer that it
   is not ready yet the way Dash's own lazy components do (dcc.Graph, through
   dash-component-plugins' asyncDecorator): _dashprivate_isLazyComponentReady, a promise until the
   bundle has loaded, so callbacks that target a grid wait for it. getApi/getApiAsync (used by
   clientside callbacks) pass through to the real ones. */
(function () {
  "use strict";
  if (window.dash_ag_grid || !window.React) {
    return; // the real bundle is on the page (lazy loading turned off): nothing to stand in for
  }
  var React = window.React;
  var BUNDLE = "_dash-component-suites/dash_ag_grid/dash_ag_grid.min.js";
  var real = null;
  var loading = null;
  var namespace = {};

  function prefix() {
    var config = document.getElementById("_dash-config");
    return (config && JSON.parse(config.textContent).requests_pathname_prefix) || "/";
  }

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = prefix() + BUNDLE;
        script.onload = function () {
          real = window.dash_ag_grid; // the bundle sets its namespace; keep this one in its place
          window.dash_ag_grid = namespace;
          resolve(real);
        };
        script.onerror = function () {
          loading = null; // a later grid tries again
          reject(new Error("dash-ag-grid's bundle did not load"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  var RealGrid = React.lazy(function () {
    return load().then(function (grids) { return { "default": grids.AgGrid }; });
  });

  function AgGrid(props) {
    return React.createElement(React.Suspense, { fallback: null }, React.createElement(RealGrid, props));
  }
  // What the renderer reads off the component itself: dash-ag-grid's persistence defaults and its
  // request for the render type (dash_ag_grid.min.js sets the same two).
  AgGrid.dashPersistence = { persisted_props: ["selectedRows"], persistence_type: "local" };
  AgGrid.dashRenderType = true;
  Object.defineProperty(AgGrid, "_dashprivate_isLazyComponentReady", {
    get: function () { return real ? true : load().then(function () { return true; }); }
  });

  namespace.AgGrid = AgGrid;
  namespace.getApi = function (id) {
    if (!real) { throw new Error("the grid " + id + " has not loaded yet"); }
    return real.getApi(id);
  };
  namespace.getApiAsync = function (id) {
    return load().then(function (grids) { return grids.getApiAsync(id); });
  };
  window.dash_ag_grid = namespace;
})();
