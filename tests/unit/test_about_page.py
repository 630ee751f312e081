"""The About page: its sections and anchors, headings in order, the data sources and licence
notices, the configurable contact in the accessibility statement, the data dictionary, and the
contributor templates (which must validate as they are)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from plotly.utils import PlotlyJSONEncoder

import app as app_module  # noqa: F401  (loads the pages, as Dash does)
from components import about_content
from components.about_content import BOUNDARY_LICENCE, SOURCES_LICENCES, licence_notices
from components.shell import BOUNDARY_ATTRIBUTION
from techmap.dataformat.schema import COLUMN_NAMES, COLUMNS, COLUMNS_BY_NAME
from techmap.service import context
from techmap.dataformat.validate import load_validated
from tests.unit.component_tree import components_in
from tests.unit.test_api import instance
from web import templates_download

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "data_page" / "dataset"


def about() -> Any:
    return sys.modules["pages.about"].layout()


def render(component: Any) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


@pytest.fixture()
def data(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with instance(monkeypatch, public=False, dataset=FIXTURE):
        yield


def test_sections_and_the_anchor_the_banner_links_to(data: None) -> None:
    layout = about()
    section_ids = [c.id for c in components_in(layout) if type(c).__name__ == "Section"]
    assert section_ids == ["what", "data", "method", "contribute", "accessibility", "privacy", "licence"]
    toc = [c.href for c in components_in(layout) if type(c).__name__ == "A" and str(c.href).startswith("#")]
    assert toc[:7] == [f"#{s}" for s in section_ids]


def test_one_h1_and_headings_never_skip_a_level(data: None) -> None:
    levels = [int(type(c).__name__[1]) for c in components_in(about())
              if type(c).__name__ in ("H1", "H2", "H3", "H4", "H5", "H6")]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def test_every_source_with_its_licence_and_only_http_links(data: None) -> None:
    text = render(about())
    for title in ("Camden contracts register", "Old survey <b>bold</b>", "Illustrative contracts"):
        assert f'"{title}"' in text  # plain text children, never markup
    assert '"href": "https://example.org/register"' in text
    assert "javascript:" not in text
    assert "3 of its 6 rows are illustrative" in text
    for line in BOUNDARY_ATTRIBUTION:
        assert line in text
    assert "Open Government Licence v3.0" in text


def test_licence_notices_are_read_verbatim_from_the_licence_files() -> None:
    notices = licence_notices(SOURCES_LICENCES)
    assert [n.heading.split(" ")[0] for n in notices] == [
        "Libraree/uk-libraries-search", "sebvett/planning-applications", "DemocracyClub/UK-Polling-Stations",
        "mysociety/procurement_data", "DemocracyClub/LGSF", "alphagov/pay-product-page",
        "robbrad/UKBinCollectionData"]
    assert "Copyright (c) 2023 Libraree" in notices[0].text
    assert notices[2].text.startswith("MIT License") and notices[2].text.endswith("SOFTWARE.")
    base_map = licence_notices(BOUNDARY_LICENCE)
    assert len(base_map) == 1 and "Étienne Tétreault-Pinard" in base_map[0].text
    assert licence_notices(Path("/no/such/file.md")) == []


def test_accessibility_statement_uses_the_configured_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TECHMAP_CONTACT_EMAIL", "access@camden.example")
    with instance(monkeypatch, public=False, dataset=FIXTURE):
        text = render(about())
    assert '"href": "mailto:access@camden.example"' in text
    assert "techmap@example.org" not in text
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    for heading in ("How accessible this website is", "Feedback and contact information",
                    "Reporting accessibility problems with this website", "Enforcement procedure",
                    "Technical information about this website's accessibility", "Compliance status",
                    "Non-accessible content", "Preparation of this accessibility statement"):
        assert f'"{heading}"' in text, heading
    assert "axe-core" in text and "keyboard" in text


def test_compliance_status_follows_the_known_issues(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(about_content, "KNOWN_ISSUES", ())
    text = render(about_content.accessibility_statement("a@b.example"))
    assert "fully compliant" in text and "partially compliant" not in text


def test_data_dictionary_lists_every_column_and_a_public_instance_hides_satisfaction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    private = render(about_content.data_dictionary(public=False))
    for column in COLUMNS:
        assert f'"{column.name}"' in private
    public = render(about_content.data_dictionary(public=True))
    assert COLUMNS_BY_NAME["satisfaction"].label not in public and '"satisfaction"' not in public
    assert '"contract_id"' in public


def test_csv_template_is_the_dictionary_and_validates_as_it_is(tmp_path: Path) -> None:
    server = Flask("about-test")
    server.register_blueprint(templates_download.bp)
    response = server.test_client().get("/download/contracts-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))
    assert rows[0] == list(COLUMN_NAMES)
    assert rows[1] == [c.example for c in COLUMNS] and len(rows) == 2
    (tmp_path / "contracts.csv").write_bytes(response.data)
    (tmp_path / "manifest.json").write_text(json.dumps({
        "title": "Template check", "as_of": "2026-11-01", "licence": "OGL-UK-3.0", "synthetic": "none",
        "sources": {"demo": {"title": "Template", "url": "", "publisher": "", "licence": "OGL-UK-3.0",
                             "attribution": "", "as_of": "2026-11-01", "synthetic": False}}}))
    loaded = load_validated(tmp_path)  # raises DatasetError on any error
    assert loaded.contracts["contract_id"].tolist() == ["LBC-2021-0042"]


def test_survey_template_download_is_an_excel_file() -> None:
    server = Flask("about-test")
    server.register_blueprint(templates_download.bp)
    response = server.test_client().get("/download/survey-template.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"  # a zip container, as every .xlsx is
    assert response.mimetype == templates_download.XLSX_MEDIA_TYPE


def test_template_routes_are_registered_on_the_app() -> None:
    rules = {r.rule for r in app_module.server.url_map.iter_rules()}
    assert {"/download/contracts-template.csv", "/download/survey-template.xlsx"} <= rules


def test_the_page_is_served_with_the_default_dataset() -> None:
    context.reset()
    text = render(about())
    assert "UK library catalogue platforms (Libraree, uk-libraries-search)" in text
    assert "Copyright (c) 2025 Democracy Club" in text


def test_the_statement_says_what_the_browser_tests_do(data: None) -> None:
    """The widths named under 'Preparation' are the widths the accessibility tests use, and the
    statement claims no keyboard test the suite does not have."""
    import re

    browser_tests = Path(__file__).resolve().parents[1] / "browser"
    used = set()
    for name in ("conftest.py", "test_accessibility.py"):
        used |= {int(w) for w in re.findall(r'"width": (\d+)', (browser_tests / name).read_text())}
    tested = " ".join(about_content.TESTED)
    assert {int(w) for w in re.findall(r"(\d+) pixels", tested)} == used == {1280, 320}
    # The Data page's table by keyboard (sort, page, follow a link) is claimed only with its test.
    journeys = (browser_tests / "test_keyboard_journeys.py").read_text()
    assert "Enter sorts by a column and follows the link in a cell" in tested
    assert "def test_data_table_by_keyboard_sort_page_and_follow_a_link" in journeys
    assert not any("Tab" in issue.summary for issue in about_content.KNOWN_ISSUES)


def test_every_known_issue_has_a_plan_and_the_fixed_drop_down_issue_is_gone(data: None) -> None:
    page = about()
    plans = next(c for c in components_in(page) if getattr(c, "id", None) == "accessibility-plans")
    items = [li.children for li in plans.children]
    assert items[:-1] == [issue.plan for issue in about_content.KNOWN_ISSUES]
    assert "screen readers" in items[-1]
    statement = render(about_content.accessibility_statement("a@b.example"))
    assert "placeholder" not in statement  # the drop-downs are named by their labels now
    assert not any("drop-down" in issue.summary for issue in about_content.KNOWN_ISSUES)
    assert all(issue.plan and issue.criteria for issue in about_content.KNOWN_ISSUES)


def test_the_privacy_notice_says_what_is_kept_about_signed_in_users(data: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    section = next(c for c in components_in(about()) if type(c).__name__ == "Section" and c.id == "privacy")
    text = render(section)
    for kept in ("email address", "role", "Argon2id", "audit log", "failed sign-in", "techmap_session"):
        assert kept in text, kept
    with instance(monkeypatch, public=True, dataset=FIXTURE):
        section = next(c for c in components_in(about()) if type(c).__name__ == "Section" and c.id == "privacy")
        public_text = render(section)
    assert "no sign-in" in public_text and "Argon2id" not in public_text
