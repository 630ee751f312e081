"""Views of the filter state shared by every page: removable chips, the synthetic-data banner and
the sentence announced to screen readers after each change."""

from __future__ import annotations

from typing import Any

from dash import html

import ids
from components.safe_text import short_label
from techmap.dataformat.authorities import by_code
from techmap.dataformat.dataset import Dataset
from techmap.analysis.filters import MULTI_PARAMS, FilterState
from techmap.dataformat.schema import GROUP_NAMES, SERVICE_AREAS_BY_SLUG

_PARAM_LABELS = {
    "authority": "Borough",
    "area": "Service area",
    "supplier": "Supplier",
    "system": "System",
    "manufacturer": "Manufacturer",
    "group": "Service group",
    "ends_from": "Ends from",
    "ends_to": "Ends by",
    "q": "Search",
}


def param_label(param: str) -> str:
    """'Supplier', 'Ends from', ...: a filter parameter's name as the chips show it."""
    return _PARAM_LABELS.get(param, param)


def value_label(param: str, value: str, data: Dataset) -> str:
    """Human name of one filter value (ONS code -> borough name, slug -> supplier name...)."""
    if param == "authority":
        authority = by_code().get(value)
        return authority.name if authority else value
    if param == "area":
        area = SERVICE_AREAS_BY_SLUG.get(value)
        return area.name if area else value
    if param == "supplier":
        return short_label(data.supplier_names.get(value, value))
    if param == "system":
        return short_label(data.system_names.get(value, value))
    if param == "manufacturer":
        return short_label(data.manufacturer_names.get(value, value))
    if param == "group":
        return GROUP_NAMES.get(value, value)
    return value


def _chip(param: str, value: str, label: str) -> html.Button:
    text = f"{_PARAM_LABELS[param]}: {label}"
    return html.Button(
        [html.Span(text), html.Span("×", className="chip-x", **{"aria-hidden": "true"})],
        id=ids.chip_remove(param, value),
        n_clicks=0,
        className="chip",
        title=f"Remove filter {text}",
        **{"aria-label": f"Remove filter {text}"},
    )


def filter_chips(filters: FilterState, data: Dataset) -> list[Any]:
    chips: list[Any] = []
    for param in MULTI_PARAMS:
        for value in getattr(filters, param):
            chips.append(_chip(param, value, value_label(param, value, data)))
    for param in ("ends_from", "ends_to"):
        value = getattr(filters, param)
        if value:
            chips.append(_chip(param, "", value.strftime("%-d %b %Y")))
    if filters.q:
        chips.append(_chip("q", "", f"“{filters.q}”"))
    if not chips:
        return [html.Span("No filters: showing all of London.", className="chips-empty")]
    return chips


def _and_list(names: tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B, and C' (the serial comma: area names contain "and" themselves)."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


MAX_NAMED_AREAS = 3  # past this the banner counts the areas rather than naming them


def banner_sentences(contracts: int, synthetic: int,
                     public_areas: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The illustrative-data banner's long and short sentences (the short one alone on a phone,
    assets/20_phone.css); None when no illustrative rows are in view. `public_areas`: the service
    areas with rows from public sources (public_source_areas), named so that readers know which
    part is real; that sentence is left out when there are none."""
    if not synthetic:
        return None
    scope = "All" if synthetic == contracts else f"{synthetic:,} of the {contracts:,}"
    real = (f"The contracts that come from public sources are all in {_and_list(public_areas)}. "
            if 0 < len(public_areas) <= MAX_NAMED_AREAS else "")
    if len(public_areas) > MAX_NAMED_AREAS:  # counted, and only when some in view are real
        real = (f"The other {contracts - synthetic:,} are real, from public sources, in "
                f"{len(public_areas)} service areas (the Data page marks each row). "
                if synthetic < contracts else "")
    return (f"{scope} contracts shown are made up for demonstration ({synthetic / contracts:.0%}), "
            f"not real contracts of any council. {real}",
            f"{synthetic / contracts:.0%} of these contracts are made up, not real. ")


def synthetic_banner() -> html.P:
    """The banner's paragraph, drawn once in the shell: the reducer writes its two sentences and
    shows or hides it (re-sending the paragraph made Dash re-create its five components per change)."""
    return html.P(
        [
            html.Strong("Illustrative data. "),
            html.Span(id=ids.BANNER_LONG, className="banner-long"),
            html.Span(id=ids.BANNER_SHORT, className="banner-short"),
            html.A("Why?", href="/about#data"),
        ],
        className="mb-0",
    )


def live_message(contracts: int, boroughs: int) -> str:
    """'Showing 214 contracts in 3 boroughs.' announced through the aria-live region."""
    if not contracts:
        return "No contracts match these filters."
    noun = "contract" if contracts == 1 else "contracts"
    borough_noun = "borough" if boroughs == 1 else "boroughs"
    return f"Showing {contracts:,} {noun} in {boroughs} {borough_noun}."
