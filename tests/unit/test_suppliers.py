"""Supplier-name normalisation: the alias table, wildcards, company numbers, unmatched names."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from techmap.suppliers import (
    ALIASES_CSV,
    company_number_key,
    load_aliases,
    normalise_frame,
    normalise_supplier,
    supplier_key,
)


@pytest.mark.parametrize(("name", "canonical"), [
    ("Capita Business Services Ltd", "Capita"),
    ("CAPITA PLC", "Capita"),
    ("Capita", "Capita"),
    ("CAPITA RESOURCING LTD T/AS VEREDUS", "Capita"),  # wildcard Capita*
    ("Northgate Public Services (UK) Limited", "NEC Software Solutions"),
    ("NEC Software Solutions (formerly Northgate Public Services)", "NEC Software Solutions"),
    ("Servelec Technologies", "System C"),
    ("Liquidlogic Ltd", "System C"),
    ("BRITISH TELECOMMUNICATIONS PUBLIC LIMITED COMPANY T/A OPENREACH", "BT"),
    ("Computacenter (UK) Ltd.", "Computacenter"),
    ("Granicus-Firmstep Ltd", "Granicus"),
    ("ORACLE CORPORATION UK LIMITED", "Oracle"),
    ("SAP (UK) Limited", "SAP"),
    ("  Civica&nbsp;UK  Ltd ", "Civica"),
    ("Agresso UK", "Unit4"),
    ("Xpress Software Solutions", "Xpress Software Solutions"),
    ("Idox Eros", "Idox"),
])
def test_known_suppliers_map_to_their_canonical_name(name: str, canonical: str) -> None:
    assert normalise_supplier(name) == (canonical, True)


@pytest.mark.parametrize("name", [
    "MR & MRS F RUHOMUTALLY T/A NORTHGATE HOUSE NORWICH",  # a care home, not Northgate
    "THE DELL CARE HOME LTD",  # not Dell
    "Phoenix Taxis (NCH)",  # not Phoenix Software
    "Sapphire Systems",  # not SAP
    "Commonplace Digital Ltd.",
])
def test_strangers_are_not_caught_by_short_aliases(name: str) -> None:
    display, matched = normalise_supplier(name)
    assert matched is False
    assert display == name


def test_blank_and_messy_names() -> None:
    assert normalise_supplier("") == ("", False)
    assert normalise_supplier("   ") == ("", False)
    assert normalise_supplier(".East Riding Supplies ") == ("East Riding Supplies", False)
    assert normalise_supplier("Guy&#039;s Tech Ltd") == ("Guy's Tech Ltd", False)


def test_company_number_matches_before_the_name() -> None:
    # An unhelpful name, but the number is Oracle's (as in Norfolk's register, 'gb/' style).
    assert normalise_supplier("Some Reseller Name", "gb/01782505") == ("Oracle", True)
    # BT's number without leading zeros, as councils' spreadsheets lose them.
    assert normalise_supplier("BT GLOBAL SERVICES LIMITED", "1800000") == ("BT", True)
    assert normalise_supplier("Unknown Co", "99999999") == ("Unknown Co", False)


@pytest.mark.parametrize(("raw", "key"), [
    ("gb/07445476", "07445476"), ("928555", "00928555"), ("00497029", "00497029"),
    ("GB-COH-01800000", "01800000"), ("1800000.0", "01800000"), ("SC123456", "SC123456"),
    ("", ""), (None, ""), ("n/a", ""), ("0", ""),
])
def test_company_number_key(raw: object, key: str) -> None:
    assert company_number_key(raw) == key


@pytest.mark.parametrize(("name", "key"), [
    ("Computacenter (UK) Ltd.", "computacenter"),
    ("The Dell Care Home Ltd", "dell care home"),
    ("British Telecommunications Public Limited Company", "british telecommunications"),
    ("Ltd", "ltd"),  # a name that is only a legal word keeps it
    ("Tower Hamlets Homes & Co", "tower hamlets homes and"),
])
def test_supplier_key(name: str, key: str) -> None:
    assert supplier_key(name) == key


def test_alias_table_is_well_formed() -> None:
    with Path(ALIASES_CSV).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"canonical", "alias", "companies_house_number"}
    for row in rows:
        assert row["canonical"].strip() and row["alias"].strip()
        number = row["companies_house_number"]
        assert number == "" or (len(number) == 8 and number.isalnum()), row
    # Every canonical name is a fixed point: normalising it gives itself.
    for canonical in {r["canonical"] for r in rows}:
        assert normalise_supplier(canonical) == (canonical, True), canonical
    # The big council IT suppliers named in the issue are covered.
    for name in ("Capita", "NEC Software Solutions", "Civica", "Idox", "System C", "OLM",
                 "Microsoft", "Oracle", "SAP", "Unit4", "MHR", "Zellis", "Granicus", "Jadu",
                 "Esri", "BT", "Virgin Media", "Vodafone", "Computacenter", "XMA", "Bytes",
                 "Softcat", "CGI", "Agilisys", "Sopra Steria", "Xpress Software Solutions",
                 "Democracy Counts", "SirsiDynix", "Axiell"):
        assert normalise_supplier(name)[0] == name


def test_load_aliases_indexes_numbers_and_wildcards() -> None:
    table = load_aliases()
    assert table.numbers["01800000"] == "BT"
    assert table.numbers["00968498"] == "NEC Software Solutions"
    assert ("capita", "Capita") in table.prefixes
    assert "northgate" not in table.exact  # never a bare 'Northgate'


def test_normalise_frame_maps_groups_and_lists_unmatched() -> None:
    frame = pd.DataFrame({
        "supplier": ["Capita Business Services Ltd", "CAPITA PLC", "COMMONPLACE DIGITAL LIMITED",
                     "Commonplace Digital Ltd.", "Commonplace Digital Ltd.", "Some Reseller"],
        "manufacturer": ["", "Servelec", "", "", "Home Grown Ltd", ""],
        "other": list("abcdef"),
    }, dtype="str")
    numbers = pd.Series(["", "", "", "", "", "01782505"], dtype="str")
    out, unmatched = normalise_frame(frame, numbers=numbers)
    assert out["supplier"].tolist() == ["Capita", "Capita", "Commonplace Digital Ltd.",
                                        "Commonplace Digital Ltd.", "Commonplace Digital Ltd.",
                                        "Oracle"]
    # manufacturers are only replaced where the table knows them
    assert out["manufacturer"].tolist() == ["", "System C", "", "", "Home Grown Ltd", ""]
    assert unmatched == ["COMMONPLACE DIGITAL LIMITED", "Commonplace Digital Ltd."]
    assert out["other"].tolist() == list("abcdef")
    assert frame["supplier"].iat[0] == "Capita Business Services Ltd"  # input not mutated


def test_normalise_frame_on_an_empty_frame() -> None:
    out, unmatched = normalise_frame(pd.DataFrame({"supplier": []}, dtype="str"))
    assert out.empty and unmatched == []


def test_bundled_systems_inventory_suppliers_are_in_the_table() -> None:
    """The real inventory bundled with the app names these vendors; each must normalise."""
    path = Path(__file__).resolve().parents[2] / "datasets" / "sources" / \
        "london_borough_systems_long.csv"
    hints = set(pd.read_csv(path, dtype="str")["vendor_hint"].dropna())
    misses = {h for h in hints if not normalise_supplier(h)[1]}
    assert misses == set()


def test_bundled_dataset_suppliers_are_already_canonical() -> None:
    """The bundled data goes through the same step: normalising it changes nothing."""
    path = Path(__file__).resolve().parents[2] / "datasets" / "london" / "contracts.csv"
    frame = pd.read_csv(path, dtype="str", keep_default_na=False)
    out, _ = normalise_frame(frame[["supplier", "manufacturer"]])
    changed = frame.loc[(out["supplier"] != frame["supplier"])
                        | (out["manufacturer"] != frame["manufacturer"]),
                        ["supplier", "manufacturer"]]
    assert changed.empty, changed.drop_duplicates().to_dict("records")
