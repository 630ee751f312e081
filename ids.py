"""Component ids shared across the shell and pages, so no id is a scattered string literal.

The ids the app-state reducer reads are built on techmap.triggers, the names the reducer matches.
"""

from techmap import triggers

URL = triggers.URL
APP_STATE = "app-state"  # written by the reducer only; never an Input of a server callback
STATE_CHANGE = "state-change"  # what the person changed: the Input of the reducer and page callbacks
FIRST_STATE = "first-state"  # the URL's state at the first load: the Input of the reducer only
LIVE_REGION = "live-region"
SYNTHETIC_BANNER = "synthetic-banner"
BANNER_LONG = "banner-long"  # the banner's two sentences, written by the reducer
BANNER_SHORT = "banner-short"
CHIPS = "filter-chips"
CLEAR_ALL = triggers.CLEAR_ALL
FILTER_NOTICE = "filter-notice"  # a refused filter change says why (role=alert)
FILTER_TOGGLE = "filter-toggle"
FILTER_COLLAPSE = "filter-collapse"
NAV = "main-nav"
URL_SYNC = "url-sync"
MAIN = "main"  # the skip link's target
BRAND_LINK = "brand-link"
HEADLINE_FIGURES = "headline-figures"  # the map page's headline figures
BOROUGH_SUMMARY = "borough-summary"  # a borough profile's opening summary

# One control per filter parameter; the reducer reads and writes them all.
FILTER_CONTROLS = {
    "authority": "filter-authority",
    "area": "filter-area",
    "supplier": "filter-supplier",
    "system": "filter-system",
    "manufacturer": "filter-manufacturer",
    "group": "filter-group",
    "ends_from": "filter-ends-from",
    "ends_to": "filter-ends-to",
    "q": "filter-q",
}

# The drop-downs' faceted options (shell/facets.py): labels once, counts per filter change.
FACET_LABELS = "facet-labels"
FACET_COUNTS = "facet-counts"
FACET_DIGESTS = "facet-digests"


def filter_control(param: str) -> dict:
    """How the reducer names a filter's control when it fires (its Dash id is FILTER_CONTROLS[param])."""
    return {"type": triggers.FILTER_CONTROL, "param": param}


def toggle(param: str, value: str) -> dict:
    """A button that toggles one value of a repeatable filter (ranked lists, tables)."""
    return {"type": triggers.TOGGLE, "param": param, "value": value}


def pick(param: str) -> dict:
    """A store that a list drawn in the browser sets to {"value": V, "n": k} when its Select button
    for V is pressed: a toggle of V in filter `param` (shell/state_change.py)."""
    return {"type": "pick", "param": param}


def chip_remove(param: str, value: str) -> dict:
    return {"type": triggers.CHIP_REMOVE, "param": param, "value": value}


def view(name: str) -> dict:
    """A page's view setting (metric, size, group, ...), kept in the URL by the reducer."""
    return {"type": triggers.VIEW, "name": name}


def window(months: int) -> dict:
    return {"type": triggers.WINDOW, "months": months}


# Borough pages: the part that follows the filters, and the borough it is about.
BOROUGH_BODY = "borough-profile-body"
BOROUGH_CODE = "borough-profile-code"
BOROUGHS_TABLE = "boroughs-table"

MAP_GRAPH = {"type": triggers.MAP_GRAPH, "page": "map"}
TREEMAP = {"type": triggers.TREEMAP, "page": "suppliers"}
SYSTEMS_GRID = {"type": triggers.SYSTEMS_GRID, "page": "systems"}  # a store: the cell last chosen


def nothing_matches(scope: str) -> dict:
    """A page's "nothing matches" slot; `scope` names what the page fixes ("" for none,
    "authority:E09000007" on a borough profile, "supplier:capita" on a supplier profile)."""
    return {"type": "nothing-matches", "scope": scope}
