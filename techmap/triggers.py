"""The names of the components whose changes the app-state reducer reads (techmap.appstate).

The reducer is domain code without Dash, so the names it matches on live here; ids.py builds the
Dash component ids on them, so a renamed id cannot fall out of step with the reducer.
"""

from __future__ import annotations

URL = "url"  # the location: its query string replaces the state
CLEAR_ALL = "clear-all"  # the button that resets every filter

# The "type" of the pattern-matching ids ({"type": ..., ...}) that drive the reducer.
FILTER_CONTROL = "filter-control"  # {"type", "param"}: a filter's control
CHIP_REMOVE = "chip-remove"  # {"type", "param", "value"}: a chip's remove button
TOGGLE = "toggle"  # {"type", "param", "value"}: a button toggling one value of a filter
MAP_GRAPH = "map-graph"  # {"type", "page"}: the map; a click toggles a borough
TREEMAP = "treemap"  # {"type", "page"}: the suppliers treemap; a click toggles a supplier
WINDOW = "window"  # {"type", "months"}: a renewal-window button
VIEW = "view"  # {"type", "name"}: a page's view setting
SYSTEMS_GRID = "systems-grid"  # {"type", "page"}: the /systems grid; a cell or column header chosen
