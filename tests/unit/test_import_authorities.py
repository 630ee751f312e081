"""Borough names as registers and Contracts Finder write them (techmap.dataformat.authorities is shared by
the importers and the validator): the variants added for issue 7 and what must still not match."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from techmap.dataformat.authorities import authorities, match_authority
from techmap.importers.command import run_import

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "importers"


@pytest.mark.parametrize(("name", "code"), [
    ("Camden LBC", "E09000007"),
    ("L.B. Camden", "E09000007"),
    ("L.B.C. Ealing", "E09000009"),
    ("Hammersmith & Fulham LBC", "E09000013"),
    ("City of Westminster Council", "E09000033"),
    ("Royal Greenwich", "E09000011"),
    ("Royal Kingston", "E09000021"),
    # the spellings that already worked still do
    ("London Borough of Camden", "E09000007"), ("LB Camden", "E09000007"),
    ("Westminster City Council", "E09000033"), ("City of Westminster", "E09000033"),
    ("Royal Borough of Greenwich", "E09000011"), ("City of London Corporation", "E09000001"),
    ("THE LONDON BOROUGH OF CAMDEN", "E09000007"), ("London Borough of Ealing Council",
                                                     "E09000009"),
])
def test_borough_name_variants(name: str, code: str) -> None:
    assert match_authority(name) == code


@pytest.mark.parametrize("name", [
    "Royal Borough of Windsor and Maidenhead", "Royal Free London NHS Foundation Trust",
    "Leeds City Council", "LBC", "Royal", "London Fire Commissioner",
])
def test_other_bodies_are_not_boroughs(name: str) -> None:
    assert match_authority(name) is None


def test_every_borough_name_still_matches_itself() -> None:
    assert all(match_authority(a.name) == a.code for a in authorities())


def test_authority_variant_on_the_command_line(tmp_path: Path) -> None:
    register = FIXTURES / "register" / "camden_contracts_register_2025q2.csv"
    code, report = run_import("register", [register], tmp_path / "ds", authority="Camden LBC",
                              stream=io.StringIO())
    assert code == 0 and {r.split("-")[0] for r in report.merge.added} == {"E09000007"}
