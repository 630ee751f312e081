// Builds plotly.min.js from index.js with esbuild, as plotly.js builds its own dist files (an IIFE
// defining window.Plotly), minified, with plotly.js's licence header naming its version.
// Run through scripts/build-plotly-bundle, which installs the locked packages first.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const version = require('plotly.js/package.json').version;
const out = process.argv[2] || 'plotly.min.js';
const traces = [...readFileSync('index.js', 'utf8').matchAll(/require\('plotly\.js\/lib\/(\w+)'\),/g)].map((m) => m[1]);

const banner = `/**
* plotly.js v${version} (London Tech Map bundle: ${['scatter', ...traces].join(', ')})
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/`;

const result = await build({
    entryPoints: ['index.js'],
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    // plotly.js's own settings (esbuild-config.js in its package), less the plugins for traces
    // this bundle leaves out: WebGL shaders, and the MapLibre stylesheet its registry requires
    // only for `map` traces (an empty module here).
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    loader: { '.css': 'empty' },
    target: 'es2016',
    banner: { js: banner },
    footer: { js: 'window.Plotly = Plotly;' },
    write: false,
    logLevel: 'warning',
});
writeFileSync(out, result.outputFiles[0].contents);
console.log(`wrote ${out}: plotly.js v${version}, ${result.outputFiles[0].contents.length} bytes`);
