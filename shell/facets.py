"""The filter drop-downs offer only values that exist under the other filters, with counts.

Per filter change the server sends only the counts that changed (a Patch of the counts store,
under 3 KB even at --scale 100: benchmarks/facets.py); the browser rebuilds the options from them
and the labels it got once with the page. The counts follow ids.STATE_CHANGE (shell/state_change.py),
in the same round trip as the change. Imported by app.py."""

from __future__ import annotations

import json
from typing import Any

from dash import Input, Output, Patch, State, callback, clientside_callback
from dash.exceptions import PreventUpdate

import ids
from techmap.analysis.facets import FACET_PARAMS, counts_digests
from shell.state_change import FILTERS, STATE_CHANGED, new_state
from techmap.service.facet_views import facet_counts_for


@callback(
    Output(ids.FACET_COUNTS, "data"),
    Output(ids.FACET_DIGESTS, "data"),
    STATE_CHANGED,
    State(ids.FACET_DIGESTS, "data"),
    prevent_initial_call=True,
)
def update_facet_counts(change: Any, digests: Any) -> tuple[Any, Any]:
    counts = facet_counts_for(new_state(change, FILTERS).filters)
    new = counts_digests(counts)
    old = digests if isinstance(digests, dict) else {}
    changed = [param for param in FACET_PARAMS if new[param] != old.get(param)]
    if not changed:  # e.g. a view setting changed, or a filter that moves no count
        raise PreventUpdate
    patch = Patch()
    for param in changed:
        patch[param] = sparse_or_dense(counts[param])
    return patch, new


def sparse_or_dense(counts: list[int]) -> list[int] | dict[str, list[list[int]]]:
    """The counts as sent: the list, or {"nz": [[index, count], ...]} when naming only the non-zero
    ones is shorter (a narrow filter leaves most of the ~300 suppliers at zero)."""
    nonzero = [[i, n] for i, n in enumerate(counts) if n]
    dense, sparse = json.dumps(counts, separators=(",", ":")), json.dumps(nonzero, separators=(",", ":"))
    return {"nz": nonzero} if len(sparse) + 8 < len(dense) else counts


# Options: every value with contracts under the other filters, "Name (count)", plus the values
# chosen (so a selection never vanishes from its own control). Only drop-downs whose counts moved
# are redrawn.
clientside_callback(
    """
    function(counts, labels, ...chosen) {
        const params = %s;
        const drawn = (window.techmapFacetsDrawn = window.techmapFacetsDrawn || {});
        const number = new Intl.NumberFormat("en-GB");
        return params.map((param, i) => {
            let n = (counts || {})[param];
            const base = (labels || {})[param];
            if (!n || !base) { return window.dash_clientside.no_update; }
            if (n.nz) {  // sparse: only the non-zero counts (sparse_or_dense)
                const dense = new Array(base[0].length).fill(0);
                n.nz.forEach(function(pair) { dense[pair[0]] = pair[1]; });
                n = dense;
            }
            const picked = new Set(chosen[i] || []);
            const options = [];
            base[0].forEach((value, j) => {
                if (n[j] > 0 || picked.has(value)) {
                    options.push({label: base[1][j] + " (" + number.format(n[j] || 0) + ")", value: value});
                }
            });
            const key = JSON.stringify(options);
            if (drawn[param] === key) { return window.dash_clientside.no_update; }
            drawn[param] = key;
            return options;
        });
    }
    """ % json.dumps(list(FACET_PARAMS)),
    [Output(ids.FILTER_CONTROLS[p], "options") for p in FACET_PARAMS],
    Input(ids.FACET_COUNTS, "data"),
    State(ids.FACET_LABELS, "data"),
    [State(ids.FILTER_CONTROLS[p], "value") for p in FACET_PARAMS],
    prevent_initial_call=True,
)
