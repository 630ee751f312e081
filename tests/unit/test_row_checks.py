"""Input the column parsers accept but that would break the pages, and shared contracts that
disagree on value_public (techmap.dataformat.row_checks, techmap.dataformat.shared_refs, techmap.dataformat.redaction): each is
reported as file:line: column: value: reason, and a public instance hides the whole group."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from techmap.dataformat.dataset import load_dataset
from techmap.dataformat.contract_checks import read_contracts
from techmap.dataformat.validate import validate_path

API_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "dataset"
HEADER = ["contract_id", "authority_code", "service_area", "system", "supplier", "end_date",
          "annual_value_gbp", "shared_ref", "value_public", "source", "synthetic"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(n: int, system: str = "Northgate", supplier: str = "Northgate Public Services",
         shared: str = "", public: str = "true", value: str = "1000") -> list[str]:
    return [f"R-{n}", "E09000007", "housing", system, supplier, "2027-03-31", value, shared, public,
            "demo", "true"]


def test_hostile_text_is_reported_where_it_is(tmp_path):
    path = _write(tmp_path / "contracts.csv", [
        _row(1),
        _row(2, system="S" * 32_767),
        _row(3, supplier="Evil\u202egnp.exe Ltd"),
        _row(4, supplier="Bell\u0007 Systems"),
        _row(5, supplier="!!!"),
        _row(6, system="x" * 200),  # at the cap: fine
    ])
    _, problems = read_contracts(path, file_label="contracts.csv")
    got = [(p.line, p.column, p.severity) for p in problems]
    assert got == [(3, "system", "error"), (4, "supplier", "warning"), (5, "supplier", "warning"),
                   (6, "supplier", "error")]
    long, rlo, bell, empty = (str(p) for p in problems)
    assert long.startswith("contracts.csv:3: system: 'SSS") and "32,767 characters; at most 200" in long
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in rlo and "direction control" in rlo
    assert "U+0007" in bell and "control character" in bell
    assert empty == ("contracts.csv:6: supplier: '!!!': has no letter or digit, so it gets no page "
                     "address: use the name as the organisation writes it")


def test_a_shared_contract_with_mixed_value_public_is_a_warning_on_the_public_rows(tmp_path):
    path = _write(tmp_path / "contracts.csv", [
        _row(1, shared="SHARED-1", public="false", value="918273"),
        _row(2, shared="SHARED-1", public="true", value="918273"),
        _row(3, shared="SHARED-2", public="true"),
        _row(4, shared="SHARED-2", public="true"),
        _row(5, public="false"),
    ])
    _, problems = read_contracts(path, file_label="contracts.csv")
    assert [str(p) for p in problems] == [
        "contracts.csv:3: value_public: 'true': another row of this shared contract (same shared_ref) "
        "withholds its values (value_public false): a public instance hides the values of every row "
        "of it (warning)"]


def _twin_dataset(tmp_path: Path) -> Path:
    """The API fixture plus a public twin of A-008 (Lambeth, value_public false) in Southwark,
    carrying the same shared_ref and the same sentinel values."""
    folder = tmp_path / "dataset"
    shutil.copytree(API_FIXTURE, folder)
    contracts = folder / "contracts.csv"
    lines = contracts.read_text(encoding="utf-8").splitlines()
    twin_of = next(line for line in lines if line.startswith("A-008,"))
    fields = twin_of.split(",")
    fields[14] = "SHARED-MOSAIC"  # shared_ref
    lines = [",".join(fields) if line == twin_of else line for line in lines]
    twin = fields.copy()
    twin[0], twin[1], twin[16] = "A-009", "E09000028", "true"  # Southwark, marked public
    lines.append(",".join(twin))
    contracts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_public_instance_hides_the_values_of_the_whole_group(tmp_path):
    folder = _twin_dataset(tmp_path)
    problems = validate_path(folder)
    assert [(p.column, p.severity) for p in problems if p.column == "value_public"] == [
        ("value_public", "warning")]
    private = load_dataset(folder).contracts.set_index("contract_id")
    assert private.loc["A-009", "annual_value_gbp"] == 643219  # the value is there to leak
    public = load_dataset(folder, public=True).contracts.set_index("contract_id")
    for row in ("A-008", "A-009"):
        assert public[["annual_value_gbp", "total_value_gbp"]].loc[row].isna().all()
        assert not public.loc[row, "value_public"]  # shown as "not published"
    text = json.dumps(public.astype(str).to_dict())
    assert "643219" not in text and "3216095" not in text
    assert public.loc["A-001", "annual_value_gbp"] == 120000  # other rows keep their values


def test_long_names_are_shortened_in_drop_downs_chips_and_titles(tmp_path, monkeypatch):
    from components.chips import value_label
    from components.safe_text import LABEL_LIMIT
    from components.filter_bar import filter_options
    from techmap.service import context

    folder = tmp_path / "dataset"
    shutil.copytree(API_FIXTURE, folder)
    contracts = folder / "contracts.csv"
    long_name = "Zenith " + "Library Management Services " * 6  # 175 characters: under the cap
    contracts.write_text(contracts.read_text(encoding="utf-8").replace(",Civica,Civica,", f",Civica,{long_name},"),
                         encoding="utf-8")
    data = load_dataset(folder)
    slug = next(s for s, n in data.supplier_names.items() if n.startswith("Zenith Library"))
    labels = [o["label"] for o in filter_options(data)["supplier"]]
    assert all(len(label) <= LABEL_LIMIT for label in labels)
    assert any(label.startswith("Zenith Library") and label.endswith("…") for label in labels)
    assert len(value_label("supplier", slug, data)) <= LABEL_LIMIT

    import app  # noqa: F401  (the Dash app registers the pages)
    import pages.supplier as supplier_page

    monkeypatch.setenv("TECHMAP_DATASET", str(folder))
    context.reset()
    try:
        title = supplier_page._title(slug)
    finally:
        monkeypatch.undo()
        context.reset()
    assert title.startswith("Zenith Library") and len(title) < LABEL_LIMIT + 50
