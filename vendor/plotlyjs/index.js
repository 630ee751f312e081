'use strict';
// The plotly.js the app's graphs load: the core (which always holds `scatter`) and the trace types
// the app's figure builders create. tests/browser/test_plotly_bundle.py checks that every trace
// type the pages build is registered here; add a type below and run scripts/build-plotly-bundle.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/treemap'),
]);

module.exports = Plotly;
