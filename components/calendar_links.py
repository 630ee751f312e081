"""A calendar subscription, offered three ways: a webcal:// link that calendar apps open as a feed
to subscribe to, the same link in a text field with a "Copy link" button (for "subscribe from URL"
in Outlook or Google Calendar), and the https download of the file as it is today.

The webcal link is built from the instance's configured address (TECHMAP_BASE_URL), never from the
request's Host header, so every page shows one link whoever asked and however it was cached. Where
the address is not configured the link uses the address the app listens on, and base_url_note()
says so.
The copying is assets/copy_link.js, the look assets/20_calendar_links.css (clientside, announced in a live region)."""

from __future__ import annotations

from typing import Any

from dash import html

from techmap import urls

NOT_CONFIGURED_NOTE = ("This instance's public address is not configured (TECHMAP_BASE_URL), so the "
                       "subscription link uses the address the app runs on, which may not work from other "
                       "computers; the download works everywhere.")


def copy_link(url: str, key: str, label: str) -> list[Any]:
    """`url` as selectable text, a "Copy link" button and the live region that says "Copied".
    `key` makes the ids unique on the page; `label` names what the button copies."""
    field_id, status_id = f"copy-field-{key}", f"copy-status-{key}"
    return [
        html.Code(url, id=field_id, className="copy-field"),
        html.Button("Copy link", type="button", className="btn btn-sm btn-outline-primary copy-link",
                    **{"data-copy": url, "data-field": field_id, "aria-controls": status_id,
                       "aria-label": f"Copy link: {label}"}),
        html.Span(id=status_id, role="status", className="copy-status", **{"aria-live": "polite"}),
    ]


def subscription(path: str, what: str, key: str, *, download_text: str | None = None) -> list[Any]:
    """The children of a list item subscribing to the calendar at `path` (with its query), e.g.
    "/calendar/E09000007.ics?lead=12": '<Subscribe to `what`> | field | Copy link | or download'."""
    webcal = urls.webcal_url(path)
    return [
        html.A(f"Subscribe to {what}", href=webcal, className="calendar-subscribe"),
        html.Span(" (opens your calendar app) or copy the link into Outlook or Google Calendar "
                  "(“subscribe from web” / “from URL”); it stays up to date.", className="small muted"),
        html.Div(copy_link(webcal, key, f"Subscription link for {what}"), className="copy-row"),
        html.A(download_text or "Download the file once instead (.ics)", href=path, className="small"),
    ]


def base_url_note() -> html.P | None:
    """Under the subscriptions of a page, once: where the instance's address is not configured,
    a note that the webcal links use the address the app runs on; None when it is configured."""
    return None if urls.base_url_configured() else html.P(NOT_CONFIGURED_NOTE, className="small muted mb-0")
