"""Names at the validator's cap (200 characters) and with direction controls: the page keeps
working, and drop-down labels and titles show them shortened."""

from __future__ import annotations

import re

import csv
import shutil
from pathlib import Path

import pytest

from components.safe_text import LABEL_LIMIT
from techmap.dataformat.dataset import load_dataset
from tests.browser.conftest import serving, type_in_dropdown, wait_for_dash

pytestmark = pytest.mark.browser
HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile_dataset"
LONG_SUPPLIER = "Zenith " + "Library Management Services " * 6  # 175 characters
RLO_SYSTEM = "Invoice\u202egnp.exe Suite"


@pytest.fixture(scope="module")
def long_names(tmp_path_factory):
    folder = tmp_path_factory.mktemp("long-names") / "dataset"
    shutil.copytree(HOSTILE, folder)
    contracts = folder / "contracts.csv"
    with contracts.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, first = rows[0], rows[1]
    extra = dict(zip(header, first, strict=True))
    extra.update(contract_id="X-LONG", supplier=LONG_SUPPLIER, manufacturer=LONG_SUPPLIER, system=RLO_SYSTEM)
    with contracts.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([extra[h] for h in header])
    slug = next(s for s, n in load_dataset(folder).supplier_names.items() if n.startswith("Zenith"))
    with serving({"TECHMAP_DATASET": str(folder)}) as base:
        yield base, slug


def test_long_names_are_shortened_in_the_drop_down_and_the_title(browser, long_names):
    base, slug = long_names
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base + "/")
    wait_for_dash(page)
    page.locator("#filter-supplier").focus()
    type_in_dropdown(page, "Zenith")
    label = page.locator(".dash-dropdown-content [role=option]").first.text_content().strip()
    label = re.sub(r" \([\d,]+\)$", "", label)  # the option's count of contracts, e.g. " (1)"
    assert label.startswith("Zenith Library") and label.endswith("…") and len(label) <= LABEL_LIMIT
    page.keyboard.press("Escape")

    page.goto(f"{base}/suppliers/{slug}")
    wait_for_dash(page)
    title = page.title()
    assert title.startswith("Zenith Library") and "…" in title and len(title) < LABEL_LIMIT + 50
    assert "Library Management Services" in page.inner_text("main")  # the page itself names it
    page.context.close()
