"""Download links for the contracts behind a view (CSV, Excel) and its calendar file, shared by the
renewals and suppliers pages.

The links carry exactly the view's filters (FilterState's query string), never the app's other
view settings: the download routes read the whole query string, so a setting left by another page
(the data page's quality `flag`, say) must not ride along and narrow the file behind the user's
back. The calendar link adds only the lead time, which moves its re-procurement events. Calendars
are offered as subscriptions (webcal://, with a "Copy link" button) beside the download
(components.calendar_links).

When a view is over a route's limit (Excel rows, calendar contracts) the link would lead to a
plain-text refusal; the item says so and offers the way round instead.
"""

from __future__ import annotations

from typing import Any

from dash import html

from components.calendar_links import base_url_note, subscription
from techmap.appstate import AppState
from techmap.dataformat.authorities import by_code
from techmap.exports.calendar_export import MAX_CALENDAR_CONTRACTS
from techmap.analysis.filters import FilterState


def _contracts(n: int) -> str:
    return f"{n:,} contract{'' if n == 1 else 's'}"


def contract_download_items(filters: FilterState, rows: int, *, xlsx_max_rows: int,
                            subject: str = "these") -> list[Any]:
    """CSV and Excel links for the `rows` contracts that `filters` select, e.g. 'Download these
    1,455 contracts (CSV)'. `xlsx_max_rows` is the Excel route's limit (web.downloads); past it the
    Excel item explains instead of linking."""
    if rows == 0:
        return [html.Li("No contracts match these filters, so there is nothing to download.",
                        className="muted")]
    q = filters.to_query_string()
    what = f"{subject} {_contracts(rows)}"
    items: list[Any] = [html.Li(html.A(f"Download {what} (CSV)", href=f"/download/contracts.csv{q}"))]
    if rows > xlsx_max_rows:
        items.append(html.Li(
            f"Excel: up to {xlsx_max_rows:,} contracts, and these filters give {rows:,}. Download the CSV, "
            "which has no limit and opens in Excel, or narrow the filters.", className="muted download-limit"))
    else:
        items.append(html.Li(html.A(f"Download {what} (Excel)", href=f"/download/contracts.xlsx{q}")))
    return items


def calendar_query(filters: FilterState, lead: str) -> str:
    """The filters plus the lead time (the only setting a calendar file depends on)."""
    return AppState(filters).with_view("lead", lead).to_query_string()


def calendar_items(filters: FilterState, lead: str, dated: int) -> list[Any]:
    """The .ics download of the view's `dated` contracts (techmap.exports.calendar_export.calendar_contracts)
    and, with one borough chosen, that borough's subscription feed."""
    items: list[Any] = []
    if dated == 0:
        items.append(html.Li("No contract of these filters has a date to put in a calendar.", className="muted"))
    elif dated > MAX_CALENDAR_CONTRACTS:
        items.append(html.Li(
            f"Calendar file: up to {MAX_CALENDAR_CONTRACTS:,} contracts, and these filters give {dated:,} "
            "with dates. Narrow the filters (a borough, a service area or a window of end dates), or "
            "subscribe to a borough's feed.",
            className="muted download-limit"))
    else:
        items.append(html.Li(subscription(
            f"/calendar/renewals.ics{calendar_query(filters, lead)}", f"the renewals of these {_contracts(dated)}",
            "view", download_text="Download them as a file once instead (iCalendar, .ics)"), className="calendar-item"))
    authority = by_code().get(filters.authority[0]) if len(filters.authority) == 1 else None
    if authority:
        feed = calendar_query(FilterState(), lead)  # a feed holds every contract of the borough
        items.append(html.Li([
            *subscription(f"/calendar/{authority.code}.ics{feed}", f"{authority.name}'s renewals calendar",
                          "borough"),
            html.P(" Every contract of the borough, whatever the other filters.", className="small muted mb-0"),
        ], className="calendar-item"))
    else:
        items.append(html.Li("Choose one borough in the filters to get its calendar subscription link.",
                             className="small muted"))
    subscribed = (0 < dated <= MAX_CALENDAR_CONTRACTS) or authority is not None
    note = base_url_note() if subscribed else None
    return items + ([html.Li(note)] if note is not None else [])
