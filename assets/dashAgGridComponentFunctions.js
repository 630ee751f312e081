/* Cell renderers for the data page's grid. dash-ag-grid looks them up by name on
   window.dashAgGridComponentFunctions (its documented mechanism); columnDefs name them.

   Dataset text is untrusted. It only ever becomes a React text child, which React writes as a DOM
   text node (the same as setting textContent), never as HTML; hrefs are built only from an
   allow-listed path and a slug that matches the slug pattern, or from an absolute http(s) URL. */
(function () {
  "use strict";
  var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var PROFILE_PATHS = { "/borough/": true, "/suppliers/": true };

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  /* A same-app link behaves like dcc.Link: push the URL and let Dash's router render the page,
     instead of reloading the whole app. Modified clicks (new tab, new window) are left alone. */
  function followInApp(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    window.history.pushState({}, "", event.currentTarget.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  /* The grid is one Tab stop (components/data_grid.py: arrows move between cells, Tab leaves), so
     a link in a cell is not a Tab stop of its own: Enter on the focused cell follows it. */
  function CellLink(props) {
    var ref = React.useRef(null);
    var cell = props.cell;
    React.useEffect(function () {
      if (!cell) {
        return undefined;
      }
      function onKey(event) {
        if (event.key === "Enter" && ref.current && !event.defaultPrevented) {
          event.preventDefault();
          ref.current.click();
        }
      }
      cell.addEventListener("keydown", onKey);
      return function () { cell.removeEventListener("keydown", onKey); };
    }, [cell]);
    return React.createElement("a", Object.assign({ ref: ref, tabIndex: -1 }, props.attrs), props.label);
  }

  /* Borough and supplier names link to their profiles, keeping the current filters.
     cellRendererParams: base ("/borough/" or "/suppliers/") and slugField (the row's slug key). */
  funcs.ProfileLink = function (props) {
    var label = text(props.value);
    var base = props.base;
    var slug = props.data ? text(props.data[props.slugField]) : "";
    if (!label || !PROFILE_PATHS[base] || !SLUG.test(slug)) {
      return label;
    }
    var href = base + slug + window.location.search;
    return React.createElement(CellLink, { cell: props.eGridCell, label: label,
                                           attrs: { href: href, onClick: followInApp } });
  };

  /* The row's source title (or its evidence), linked to the source when it is published at an
     http(s) address. cellRendererParams: urlField, the row's URL key (default source_url). */
  funcs.SourceLink = function (props) {
    var label = text(props.value);
    var url = props.data ? text(props.data[props.urlField || "source_url"]) : "";
    if (!label || !/^https?:\/\/[^\s]+$/i.test(url)) {
      return label;
    }
    return React.createElement(CellLink, { cell: props.eGridCell, label: label,
                                           attrs: { href: url, rel: "noopener noreferrer" } });
  };
})();
