"""A borough's contracts as cards, for phones: system, supplier, end and review dates (marked
"Passed" / "Due soon", components.deadline_marks), whether the row is real or illustrative, and
its evidence. The profile draws both these and its wide tables; CSS (assets/20_phone.css) shows
the cards only on small screens and the tables only on wider ones, so neither scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from dash import dcc, html

from components.deadline_marks import date_with_mark
from components.fast_html import el
from techmap import wording
from techmap.dataformat.evidence import evidence_link
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG

CARD_COLUMNS = ["service_area", "system", "supplier", "supplier_slug", "end_date", "review_date",
                "synthetic", "evidence", "observed_date", "confidence"]
# Extra badges for a card, from its row (a dict of CARD_COLUMNS): e.g. a finder's "shared".
BadgeMaker = Callable[[dict[str, Any]], list[Any]]


def _date(value: Any, today: date) -> Any:
    return date_with_mark(wording.fmt_date(value, missing=wording.NOT_KNOWN), value, today)


def _provenance(row: dict[str, Any]) -> list[Any]:
    """The real / illustrative badge and, for real rows, the evidence link."""
    if row["synthetic"]:
        return [el(html.Span, "Illustrative", className="row-badge row-illustrative",
                   title="Made up for demonstration: not a real contract")]
    words = ", ".join(w for w in (str(row["confidence"] or ""), wording.fmt_date(row["observed_date"], missing=""))
                      if w and w != "nan") or "public source"
    link = evidence_link(row["evidence"])
    evidence = el(html.A, f"Evidence: {words}", href=link, rel="noopener noreferrer") if link else words
    return [el(html.Span, "Real", className="row-badge row-real", title="From a public source"), " ", evidence]


def _card(row: dict[str, Any], query: str, today: date, badges: BadgeMaker | None) -> Any:
    facts = [
        el(html.Dt, "Supplier"),
        el(html.Dd, el(dcc.Link, row["supplier"], href=f"/suppliers/{row['supplier_slug']}{query}")),
        el(html.Dt, "Ends"), el(html.Dd, _date(row["end_date"], today)),
    ]
    if pd.notna(row["review_date"]):
        facts += [el(html.Dt, "Review or notice by"), el(html.Dd, _date(row["review_date"], today))]
    return el(html.Li, [
        el(html.H4, row["system"], className="card-system"),
        el(html.Dl, facts),
        el(html.P, [*_provenance(row), *(badges(row) if badges else [])], className="card-provenance"),
    ], className="contract-card")


def contract_cards(rows: pd.DataFrame, query: str, today: date, badges: BadgeMaker | None = None) -> html.Div:
    """One list of cards per service area, in the tables' order."""
    ordered = rows[CARD_COLUMNS].sort_values(["service_area", "system"])
    groups: dict[str, list[Any]] = {}
    for row in ordered.astype(object).to_dict("records"):
        groups.setdefault(str(row["service_area"]), []).append(_card(row, query, today, badges))
    sections = []
    for slug, cards in groups.items():
        area = SERVICE_AREAS_BY_SLUG.get(slug)
        sections.append(html.Section([html.H3(area.name if area else slug, className="h6 mt-3"),
                                      html.Ul(cards, className="contract-card-list")]))
    return html.Div(sections, className="contract-cards phone-only")
