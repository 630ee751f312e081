"""Supplier names through datasets/supplier_aliases.csv everywhere (issue 7, point 4): when a
dataset is loaded, in every import, and reported (`python -m techmap suppliers DATASET`, the
import reports) where the table does not know a name. The bundled data is all in the table."""

from __future__ import annotations

import io
from pathlib import Path

from techmap.cli import main
from techmap.dataformat.dataset import DEMO_DATASET, load_dataset, normalise_suppliers
from techmap.importers.command import run_import
from techmap.dataformat.supplier_report import run_suppliers_command
from techmap.dataformat.validate import load_validated

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "importers"
SPELLINGS = FIXTURES / "datasets" / "supplier_spellings"


def test_every_supplier_of_the_bundled_dataset_is_in_the_alias_table() -> None:
    dataset = load_dataset(DEMO_DATASET)
    assert dataset.unmatched_suppliers == ()
    assert {s.name for s in dataset.supplier_spellings if not s.matched} == {"Unknown"}
    # already canonical: loading renames nothing, and the table is the same object
    raw = load_validated(DEMO_DATASET).contracts
    frame, spellings = normalise_suppliers(raw)
    assert frame is raw and all(s.shown == s.name for s in spellings)


def test_loading_shows_each_supplier_under_its_canonical_name() -> None:
    dataset = load_dataset(SPELLINGS)
    frame = dataset.contracts.set_index("contract_id")
    assert frame["supplier"].to_dict() == {
        "OWN-1": "Capita", "OWN-2": "Capita", "OWN-3": "System C",
        "OWN-4": "Commonplace Digital Ltd.", "OWN-5": "Commonplace Digital Ltd.",
        "OWN-6": "Commonplace Digital Ltd.", "OWN-7": "Unknown"}
    assert frame.at["OWN-3", "manufacturer"] == "System C"  # 'Servelec Technologies'
    # the derived columns follow: one supplier slug, and the search text finds 'capita'
    assert frame.loc[["OWN-1", "OWN-2"], "supplier_slug"].tolist() == ["capita", "capita"]
    assert " | capita | " in frame.at["OWN-1", "search_text"]
    assert dataset.supplier_names["capita"] == "Capita"
    assert [(s.name, s.rows, s.line) for s in dataset.unmatched_suppliers] == [
        ("COMMONPLACE DIGITAL LIMITED", 1, 5), ("Commonplace Digital Ltd.", 2, 6)]
    renamed = [(p.line, p.value, p.reason) for p in dataset.warnings if p.column == "supplier"]
    assert renamed == [
        (2, "CAPITA BUSINESS SERVICES LTD", "shown as 'Capita' (datasets/supplier_aliases.csv); "
                                            "row uses this spelling"),
        (4, "Servelec Technologies Ltd", "shown as 'System C' (datasets/supplier_aliases.csv); "
                                         "row uses this spelling"),
        (5, "COMMONPLACE DIGITAL LIMITED", "shown as 'Commonplace Digital Ltd.' (another "
                                           "spelling of the same name); row uses this spelling"),
    ]
    # a public instance gets the same names
    assert load_dataset(SPELLINGS, public=True).contracts["supplier"].tolist() == \
        dataset.contracts["supplier"].tolist()


def test_suppliers_command_lists_the_names_not_in_the_table() -> None:
    out = io.StringIO()
    assert run_suppliers_command(SPELLINGS, out) == 0
    contracts = SPELLINGS / "contracts.csv"
    assert out.getvalue().splitlines() == [
        f"{contracts}:6: supplier: 'Commonplace Digital Ltd.': not in "
        "datasets/supplier_aliases.csv (2 rows)",
        f"{contracts}:5: supplier: 'COMMONPLACE DIGITAL LIMITED': not in "
        "datasets/supplier_aliases.csv (1 row; shown as 'Commonplace Digital Ltd.')",
        f"{contracts}:2: supplier: 'CAPITA BUSINESS SERVICES LTD': shown as 'Capita', the alias "
        "table's name for it (1 row)",
        f"{contracts}:4: supplier: 'Servelec Technologies Ltd': shown as 'System C', the alias "
        "table's name for it (1 row)",
        "5 supplier names: 3 in datasets/supplier_aliases.csv, 2 not; 2 spellings shown under "
        "the canonical name; 1 row with supplier 'Unknown'",
    ]


def test_suppliers_command_on_the_bundled_dataset(capsys) -> None:
    assert main(["suppliers", str(DEMO_DATASET)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("124 supplier names: 124 in "
                                                   "datasets/supplier_aliases.csv, 0 not")


def test_suppliers_command_errors(tmp_path: Path, capsys) -> None:
    assert main(["suppliers", str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    broken = FIXTURES / "datasets" / "broken_manifest"
    assert main(["suppliers", str(broken)]) == 1
    assert f"python -m techmap validate {broken} lists them" in capsys.readouterr().out


def test_each_import_report_lists_the_suppliers_the_table_does_not_know(tmp_path: Path) -> None:
    package = FIXTURES / "ocds" / "cf_release_package_2025-02.json"
    stream = io.StringIO()
    code, report = run_import("ocds", [package], tmp_path / "ds", stream=stream)
    assert code == 0
    assert report.unmatched_suppliers == ["Commonplace Digital Ltd."]
    assert "suppliers not in datasets/supplier_aliases.csv: 1 (listed in the report)" in \
        stream.getvalue().splitlines()
    text = report.report_path.read_text(encoding="utf-8")
    assert "## Suppliers not in the alias table (datasets/supplier_aliases.csv) (1)\n" \
           "Commonplace Digital Ltd.\n" in text
