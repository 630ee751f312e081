"""About page (/about): what the map is and is not, the data's sources and licences (section id
"data", which the synthetic-data banner links to), the method, how to contribute or correct data,
the accessibility statement and the open-source licence. Static apart from the dataset and the
instance's contact address, so it has no callbacks."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, clientside_callback, dcc, html

from components.about_content import (
    SCROLL_TO_HASH,
    SECTIONS,
    accessibility_statement,
    contribute,
    data_sources,
    method,
    open_source_licence,
    toc,
    what_it_is,
)
from components.privacy_notice import privacy_notice
from techmap.service import context

dash.register_page(__name__, path="/about", title="About the map, its data and accessibility – London Tech Map",
                   name="About", order=5)


RENDERED = "about-rendered"
SCROLLED = "about-scrolled"


def layout(**_: Any) -> html.Div:
    data = context.dataset()
    cfg = context.settings()
    bodies = {
        "what": what_it_is(data),
        "data": data_sources(data),
        "method": method(),
        "contribute": contribute(cfg.contact_email, public=context.public_only()),
        "accessibility": accessibility_statement(cfg.contact_email),
        "privacy": privacy_notice(cfg.contact_email, sign_in=not cfg.public),
        "licence": open_source_licence(),
    }
    return html.Div(
        [
            html.H1("About London Tech Map"),
            html.P("What the map shows, where its data comes from, how to add to it, and how "
                   "accessible it is.", className="lead"),
            toc(),
            *[html.Section([html.H2(label, className="h3"), *bodies[anchor]], id=anchor,
                           className="about-section")
              for anchor, label in SECTIONS],
            dcc.Store(id=RENDERED, data=True),
            dcc.Store(id=SCROLLED),
        ],
        className="about-page",
    )


clientside_callback(SCROLL_TO_HASH, Output(SCROLLED, "data"), Input(RENDERED, "data"))
