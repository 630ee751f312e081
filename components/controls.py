"""Controls shared by pages."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

import ids


def view_radio(name: str, options: list[dict[str, str]], value: str, legend: str) -> html.Fieldset:
    """A page's view setting (ids.view(name)) as a group of native radio buttons in a fieldset.

    dbc.RadioItems rather than dcc.RadioItems: Dash 4's version wraps each input in a label with
    role="option", which nests an interactive control inside another (axe: nested-interactive)."""
    return html.Fieldset(
        [
            html.Legend(legend, className="form-label"),
            dbc.RadioItems(id=ids.view(name), options=options, value=value, inline=True,
                           className="option-group", inputClassName="form-check-input",
                           labelClassName="form-check-label"),
        ],
        className="view-picker",
    )
