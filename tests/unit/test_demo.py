"""The illustrative data generator, the real inventory conversion and the bundled London dataset."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from techmap.demo import generate as demo
from techmap.sources import real_inventory
from techmap.dataformat import validate
from techmap.dataformat.authorities import authorities
from techmap.cli import main as cli_main
from techmap.demo.catalogue import SHARED_GROUPS, SLOTS
from techmap.dataformat.problems import DatasetError
from techmap.dataformat.schema import COLUMN_NAMES, COLUMNS, SERVICE_AREAS, SERVICE_AREAS_BY_SLUG
from tests.paths import shared as shared_data

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "datasets" / "demo"
REAL_AREAS = {"libraries", "planning-building-control", "elections"}
# Every service area but the ones the real rows fill for every borough has illustrative products
# (highways, environmental health, democratic services and online payments included).
DEMO_AREAS = set(SERVICE_AREAS_BY_SLUG) - REAL_AREAS - {"unclassified"}
ALL_CODES = {a.code for a in authorities()}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return demo.generate(seed=2019, scale=1)


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return real_inventory.real_contracts()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return demo.to_csv_text(frame).to_csv(index=False, lineterminator="\n").encode()


def top10_share(frame: pd.DataFrame) -> float:
    counts = frame["supplier"].value_counts()
    return counts.head(10).sum() / len(frame)


# --- small helpers, values worked out by hand ----------------------------------------------------

def test_pick_is_the_inverse_cdf() -> None:
    u = np.array([0.0, 0.29, 0.3, 0.5, 0.999])
    assert demo._pick(u, [0.3, 0.7]).tolist() == [0, 0, 1, 1, 1]
    assert demo._pick(u, [1, 1, 2]).tolist() == [0, 1, 1, 2, 2]  # cdf 0.25, 0.5, 1


def test_round_money_keeps_three_significant_figures_and_a_floor() -> None:
    values = np.array([123456.0, 99.0, 1004.9, 98765.0])
    assert demo._round_money(values).tolist() == [123000, 500, 1000, 98800]


def test_shared_refs_are_numbered_by_first_appearance() -> None:
    refs = demo._shared_refs(np.array([-1, 7, 3, 7, -1, 3]))
    assert refs.tolist() == ["", "SHARED-0001", "SHARED-0002", "SHARED-0001", "", "SHARED-0002"]


def test_size_factors_favour_big_and_inner_boroughs() -> None:
    size = dict(zip([a.code for a in authorities()], demo.size_factors(), strict=True))
    assert size["E09000001"] < 0.75  # City of London: 315 hectares
    assert size["E09000006"] > 1.3  # Bromley: the largest borough
    # Hackney (inner, 1,905 ha) against the median borough (Newham, 3,858 ha):
    # (1904.902 / 3857.806) ** 0.25 = 0.8383, times 1.25 for an inner borough = 1.048
    assert size["E09000012"] == pytest.approx(1.048, abs=1e-3)
    assert size["E09000025"] == pytest.approx(1.25)  # Newham: the median area, inner


def test_framework_is_the_one_open_when_the_contract_started() -> None:
    starts = np.array(["2016-01-01", "2022-11-13", "2022-11-14", "2026-01-01"],
                      dtype="datetime64[D]")
    assert demo._framework(starts, demo.G_CLOUD).tolist() == [
        "G-Cloud 7", "G-Cloud 12", "G-Cloud 13", "G-Cloud 14"]


# --- generate() ----------------------------------------------------------------------------------

def test_same_seed_same_bytes_different_seed_different() -> None:
    first = csv_bytes(demo.generate(7, 1))
    assert first == csv_bytes(demo.generate(7, 1))
    assert first != csv_bytes(demo.generate(8, 1))


def test_columns_are_the_schema_columns_in_order(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(COLUMN_NAMES)


@pytest.mark.parametrize("seed", [2019, 0, 1, 2, 3])
def test_row_count_at_scale_1(seed: int) -> None:
    assert 1_000 <= len(demo.generate(seed, 1)) <= 1_700


def test_scale_3_roughly_triples() -> None:
    one, three = len(demo.generate(5, 1)), len(demo.generate(5, 3))
    assert 2.8 <= three / one <= 3.2


def test_scale_100_is_about_a_hundred_times() -> None:
    big = demo.generate(2019, 100)
    assert 100_000 <= len(big) <= 170_000
    assert big["contract_id"].is_unique
    assert big["shared_ref"].ne("").sum() > 100 * 30


@pytest.mark.parametrize("scale", [0, -1, float("nan"), 10_000])
def test_bad_scale_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        demo.generate(1, scale)


def test_every_row_is_synthetic_demo(frame: pd.DataFrame) -> None:
    assert frame["synthetic"].all()
    assert set(frame["source"]) == {"demo"}


def test_ids_unique_and_numbered(frame: pd.DataFrame) -> None:
    assert frame["contract_id"].is_unique
    assert frame["contract_id"].iloc[0] == "DEMO-000001"
    assert frame["contract_id"].iloc[-1] == f"DEMO-{len(frame):06d}"


def test_all_boroughs_and_only_the_demo_areas(frame: pd.DataFrame) -> None:
    assert set(frame["authority_code"]) == ALL_CODES
    assert set(frame["service_area"]) == DEMO_AREAS
    assert set(frame["hosting"]) <= {"saas", "hosted", "on_premises", "unknown"}


def test_dates_are_ordered(frame: pd.DataFrame) -> None:
    has_end = frame["end_date"].notna()
    assert (frame.loc[has_end, "end_date"] >= frame.loc[has_end, "start_date"]).all()
    has_max = frame["max_end_date"].notna()
    assert (frame.loc[has_max, "max_end_date"] >= frame.loc[has_max, "end_date"]).all()
    has_review = frame["review_date"].notna()
    assert (frame.loc[has_review, "review_date"] < frame.loc[has_review, "end_date"]).all()
    assert frame["start_date"].notna().all()


def test_end_dates_spread_from_last_year_to_the_next_decade(frame: pd.DataFrame) -> None:
    as_of = pd.Timestamp(demo.DEFAULT_AS_OF)
    end = frame["end_date"].dropna()
    assert end.min() >= as_of - pd.Timedelta(days=366)
    assert (end < as_of).sum() > 50  # overdue renewals exist
    assert end.max() >= as_of + pd.DateOffset(years=7)
    assert frame["start_date"].min() < pd.Timestamp("2018-01-01")
    assert frame["start_date"].max() <= as_of
    # contracts last 2 to 10 years: end = start + whole years - 1 day
    years = (end - frame.loc[end.index, "start_date"] + pd.Timedelta(days=1)).dt.days / 365.25
    assert years.between(1.9, 10.1).all()


def test_traits_have_the_intended_shares(frame: pd.DataFrame) -> None:
    n = len(frame)
    assert 0.005 <= frame["end_date"].isna().sum() / n <= 0.04
    extended = frame["max_end_date"] > frame["end_date"]
    assert 0.35 <= extended.mean() <= 0.6
    assert set((frame.loc[extended, "max_end_date"] - frame.loc[extended, "end_date"]).dt.days) <= {
        365, 366, 730, 731}
    assert 0.01 <= (~frame["value_public"]).mean() <= 0.08
    assert 0.75 <= frame["satisfaction"].notna().mean() <= 0.95
    assert set(frame["satisfaction"].dropna()) <= {1, 2, 3, 4, 5}


def test_values_positive_and_total_is_annual_times_years(frame: pd.DataFrame) -> None:
    assert (frame["annual_value_gbp"] > 0).all()
    known = frame["total_value_gbp"].notna()
    assert (frame.loc[known, "total_value_gbp"] > 0).all()
    years = frame.loc[known, "total_value_gbp"] / frame.loc[known, "annual_value_gbp"]
    assert set(years.round(6)) <= set(range(2, 11))
    # unknown end date: no whole-life value either
    assert frame.loc[frame["end_date"].isna(), "total_value_gbp"].isna().all()


def test_values_follow_area_and_borough_size() -> None:
    big = demo.generate(11, 10)
    mean = big.groupby("service_area")["annual_value_gbp"].mean()
    assert mean["finance-erp"] > 4 * mean["parking"]
    assert mean["adult-social-care"] > 2 * mean["parking"]
    erp = big[big["system"].str.contains("ERP|Agresso|S/4HANA|Financials", regex=True)
              & (big["service_area"] == "finance-erp")]
    by_borough = erp.groupby("authority_code")["annual_value_gbp"].median()
    assert by_borough["E09000006"] > by_borough["E09000001"]  # Bromley pays more than the City


def test_shared_contracts_are_consistent(frame: pd.DataFrame) -> None:
    shared = frame[frame["shared_ref"] != ""]
    assert shared["shared_ref"].nunique() >= 5
    groups = {frozenset(g) for g in SHARED_GROUPS}
    for ref, rows in shared.groupby("shared_ref"):
        assert rows["authority_code"].nunique() == len(rows), ref
        assert 2 <= len(rows) <= 3, ref
        assert frozenset(rows["authority_code"]) in groups, ref
        for column in ("service_area", "supplier", "system", "manufacturer", "start_date",
                       "procurement_route", "hosting"):
            assert rows[column].nunique() == 1, (ref, column)
        for column in ("end_date", "max_end_date", "review_date"):
            assert rows[column].nunique(dropna=False) == 1, (ref, column)


def test_no_borough_has_two_contracts_for_one_role(frame: pd.DataFrame) -> None:
    # one contract per borough and role, shared or not: count rows per borough and role's system set
    role_of = {(s.area, p.system): s.role for s in SLOTS for p in s.products}
    roles = [role_of.get((a, s), f"{a}:{s}") for a, s in zip(frame["service_area"], frame["system"],
                                                              strict=True)]
    keyed = frame.assign(role=roles)
    counts = keyed.groupby(["authority_code", "service_area", "role"]).size()
    # 'Alloy' (waste) and 'EMIS Web' (public health) serve two roles of one area: at most two
    assert counts.max() <= 2


@pytest.mark.parametrize("seed", [2019, 0, 1, 2, 3, 4])
def test_top_ten_suppliers_hold_over_half(seed: int) -> None:
    assert top10_share(demo.generate(seed, 1)) > 0.5


def test_resold_products_name_maker_and_reseller(frame: pd.DataFrame) -> None:
    m365 = frame[frame["system"] == "Microsoft 365"]
    assert len(m365) >= 25
    assert set(m365["manufacturer"]) == {"Microsoft"}
    assert set(m365["supplier"]) <= {"Bytes", "Softcat", "Computacenter"}
    mosaic = frame[frame["system"] == "Mosaic"]
    assert (mosaic["supplier"] == mosaic["manufacturer"]).all()


def test_g_cloud_call_offs_respect_the_four_year_limit_and_the_iteration(frame: pd.DataFrame
                                                                         ) -> None:
    g = frame[frame["procurement_route"].str.startswith("G-Cloud")]
    assert len(g) > 100
    latest = g["max_end_date"].fillna(g["end_date"]).dropna()
    assert len(latest) > 100
    assert ((latest - g.loc[latest.index, "start_date"]).dt.days <= 4 * 366).all()
    g14 = g[g["procurement_route"] == "G-Cloud 14"]
    assert (g14["start_date"] >= pd.Timestamp("2024-11-11")).all()


def test_csv_text_is_plain(frame: pd.DataFrame) -> None:
    text = demo.to_csv_text(frame)
    row = text.iloc[0]
    assert row["start_date"] == frame["start_date"].iloc[0].strftime("%Y-%m-%d")
    assert row["annual_value_gbp"].isdigit()
    assert set(text["value_public"]) == {"true", "false"}
    assert set(text["synthetic"]) == {"true"}
    assert set(text["satisfaction"]) == {"", "1", "2", "3", "4", "5"}
    assert (text.loc[frame["end_date"].isna(), "end_date"] == "").all()


def test_supplier_names_are_already_canonical(real: pd.DataFrame) -> None:
    # The bundled data should need no renaming by techmap.analysis.suppliers: every name it writes is the
    # canonical name of datasets/supplier_aliases.csv (or a name the table does not know).
    from techmap.analysis.suppliers import normalise_supplier

    names = {p.manufacturer for s in SLOTS for p in s.products}
    names |= {n for s in SLOTS for p in s.products for n, _ in p.suppliers}
    names |= set(real["supplier"]) | (set(real["manufacturer"]) - {""})
    renamed = {n: normalise_supplier(n)[0] for n in names if normalise_supplier(n)[0] != n}
    assert renamed == {}


# --- the real inventory --------------------------------------------------------------------------

def test_real_rows(real: pd.DataFrame) -> None:
    assert len(real) == 99
    assert list(real.columns) == list(COLUMN_NAMES)
    assert set(real["synthetic"]) == {"false"}
    assert real["contract_id"].is_unique
    assert real.groupby("service_area").size().to_dict() == {
        "elections": 33, "libraries": 33, "planning-building-control": 33}
    assert set(real["authority_code"]) == ALL_CODES
    for column in ("start_date", "end_date", "annual_value_gbp", "total_value_gbp"):
        assert set(real[column]) == {""}


def test_real_rows_hand_checked(real: pd.DataFrame) -> None:
    row = real.set_index("contract_id").loc
    camden_lib = row["real-E09000007-libraries"]
    assert (camden_lib["system"], camden_lib["supplier"], camden_lib["source"]) == (
        "Spydus", "Civica", "libraree-2024-06")
    camden_plan = row["real-E09000007-planning-building-control"]
    assert (camden_plan["system"], camden_plan["supplier"]) == (
        "Northgate Planning Explorer", "NEC Software Solutions")
    barking = row["real-E09000002-elections"]
    assert (barking["system"], barking["supplier"], barking["source"]) == (
        "Xpress", "Xpress Software Solutions", "democracyclub-ems-2026-08")
    merton_lib = row["real-E09000024-libraries"]
    assert (merton_lib["system"], merton_lib["supplier"], merton_lib["manufacturer"]) == (
        "Luci", "Unknown", "")
    rbkc = row["real-E09000020-planning-building-control"]
    assert rbkc["system"] == "In-house planning search (Kensington and Chelsea)"
    assert rbkc["supplier"] == "Unknown"
    assert row["real-E09000013-elections"]["system"] == "Idox Eros"
    assert row["real-E09000016-planning-building-control"]["system"] == "OcellaWeb"
    counts = real[real["service_area"] == "elections"]["system"].value_counts().to_dict()
    assert counts == {"Xpress": 21, "Democracy Counts": 6, "Idox Eros": 3, "FCS ElectionsPro": 3}
    # Luci (3), SmartAdmin (4) and the six planning sites named "Custom (...)" have no vendor_hint
    assert (real["supplier"] == "Unknown").sum() == 3 + 4 + 6


def test_real_sources_metadata() -> None:
    sources = real_inventory.real_sources()
    assert set(sources) == {"libraree-2024-06", "sebvett-planning-2025-03",
                            "democracyclub-ems-2026-08"}
    assert sources["libraree-2024-06"]["attribution"] == "Copyright (c) 2023 Libraree"
    assert sources["democracyclub-ems-2026-08"]["url"] == (
        "https://github.com/DemocracyClub/UK-Polling-Stations")
    assert {s["as_of"] for s in sources.values()} == {"2024-06-26", "2025-03-12", "2026-08-12"}
    assert all(s["licence"] == "MIT" and s["synthetic"] is False for s in sources.values())


def test_real_inventory_problems_are_listed_with_lines(tmp_path: Path) -> None:
    bad = tmp_path / "inventory.csv"
    lines = real_inventory.REAL_INVENTORY_CSV.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("E09000001", "E09000099", 1)
    lines[3] = lines[3].replace(",Planning,", ",Parks,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        real_inventory.real_contracts(bad)
    report = err.value.report()
    assert "inventory.csv:3: gss_code: 'E09000099': not a London ONS code" in report
    assert "inventory.csv:4: service_area: 'Parks': expected one of" in report


def test_real_inventory_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="1 error"):
        real_inventory.real_contracts(tmp_path / "nope.csv")


# --- the command and the bundled dataset ---------------------------------------------------------

def test_committed_demo_dataset_equals_a_fresh_generation(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    out = tmp_path / "demo"
    assert cli_main(["generate-demo", "--seed", "2019", "--scale", "1", "--out", str(out)]) == 0
    for name in ("manifest.json", "contracts.csv", "skills.csv"):
        assert (out / name).read_bytes() == (DEMO / name).read_bytes(), name
    line = capsys.readouterr().out.strip()
    assert line.endswith("wrote 1,544 contracts (211 real, 1,333 illustrative; seed 2019, scale 1)")
    assert "\n" not in line


def test_demo_fills_only_the_pairs_the_real_rows_leave_unknown() -> None:
    contracts = pd.read_csv(DEMO / "contracts.csv", dtype=str, keep_default_na=False)
    real = contracts[contracts["synthetic"] == "false"]
    known = set(zip(real["authority_code"], real["service_area"], strict=True))
    illustrative = contracts[contracts["synthetic"] == "true"]
    filled = set(zip(illustrative["authority_code"], illustrative["service_area"], strict=True))
    assert known and filled and not known & filled
    # --scale scales only the illustrative rows: the real rows stay as they are.
    assert len(demo.build_contracts(2019, 2, True).query("synthetic == 'false'")) == len(real)


def test_demo_dataset_shape() -> None:
    contracts = pd.read_csv(DEMO / "contracts.csv", dtype=str, keep_default_na=False)
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    assert list(contracts.columns) == list(COLUMN_NAMES)
    assert (contracts["synthetic"] == "false").sum() == 211
    assert contracts["contract_id"].is_unique
    assert set(contracts["source"]) == set(manifest["sources"])
    assert manifest["title"] == "London borough technology contracts (demo: real and illustrative)"
    assert manifest["as_of"] == "2026-11-01"
    assert manifest["synthetic"] == "mixed"
    assert manifest["sources"]["demo"]["synthetic"] is True
    assert manifest["sources"]["demo"]["licence"].startswith("CC0-1.0")
    assert top10_share(contracts[contracts["synthetic"] == "true"]) > 0.5


def test_demo_dataset_passes_the_validator() -> None:
    problems = validate.validate_path(DEMO)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []
    # only blank-end-date warnings, and shared contracts whose rows disagree on value_public (the
    # generator draws it per row; a public instance hides the whole group's values)
    assert {p.column for p in problems} <= {"end_date", "value_public"}


def test_scaled_no_real_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "big"
    assert demo.run_generate_command(seed=3, scale=2, out=out, include_real=False) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    contracts = pd.read_csv(out / "contracts.csv", dtype=str, keep_default_na=False)
    assert manifest["synthetic"] == "all"
    assert set(manifest["sources"]) == {"demo"}
    assert set(contracts["synthetic"]) == {"true"}
    assert 2_000 <= len(contracts) <= 3_400
    assert "0 real" in capsys.readouterr().out
    assert not [p for p in validate.validate_path(out) if p.severity == "error"]


def test_bad_arguments_give_a_message_not_a_traceback(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.run_generate_command(seed=1, scale=0, out=tmp_path / "x", include_real=True) == 1
    assert "--scale" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert demo.run_generate_command(seed=1, scale=1, out=a_file, include_real=True) == 1
    assert "not a folder" in capsys.readouterr().err


# --- documentation carried with the data ---------------------------------------------------------

def test_readme_documents_every_column_and_area() -> None:
    readme = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.name}` | {'yes' if column.required else 'no'} |" in readme, column.name
    for area in SERVICE_AREAS:
        assert f"| `{area.slug}` | {area.name} |" in readme, area.slug
    assert "python -m techmap validate" in readme
    assert "`Unknown`" in readme


def test_licence_files_carry_the_notices() -> None:
    licences = (REPO / "datasets" / "sources" / "LICENCES.md").read_text(encoding="utf-8")
    for line in ("Copyright (c) 2023 Libraree",
                 "Copyright (c) 2024 Tract UK Ltd, PricedOut Limited",
                 "Copyright (c) 2025 Democracy Club"):
        assert f"MIT License\n\n{line}\n\nPermission is hereby granted" in licences
    # the three notices above, and those of the four sources added for issue 13
    assert licences.count("THE SOFTWARE IS PROVIDED \"AS IS\"") == 7
    boundaries = (REPO / "datasets" / "boundaries" / "LICENCE.md").read_text(encoding="utf-8")
    for text in ("Contains National Statistics data © Crown copyright and database right [2015]",
                 "Contains Ordnance Survey data © Crown copyright and database right [2015]",
                 "Étienne Tétreault-Pinard"):
        assert text in boundaries


def test_source_copies_match_the_shared_originals() -> None:
    shared = shared_data()
    for name in ("london_borough_systems_long.csv",
                 "uk_library_catalogue_platforms_libraree_2024-06.csv",
                 "uk_planning_portal_platforms_sebvett_2025-03.csv",
                 "london_electoral_management_software_democracyclub.csv"):
        assert (REPO / "datasets" / "sources" / name).read_bytes() == (shared / name).read_bytes()


def test_as_of_moves_the_window() -> None:
    early = demo.generate(2019, 1, as_of=date(2022, 4, 1))
    assert early["start_date"].max() <= pd.Timestamp("2022-04-01")
    assert early["end_date"].min() >= pd.Timestamp("2021-03-31")
