"""The shared import rules: technology by CPV or keyword, service areas, products, hosting."""

from __future__ import annotations

import pytest

from techmap.importers.classify import (
    classify_service_area,
    cpv_codes,
    decide_technology,
    detect_hosting,
    detect_product,
    detect_route,
    it_cpv,
)
from techmap.dataformat.schema import SERVICE_AREAS_BY_SLUG


def test_cpv_codes_are_read_from_any_text() -> None:
    assert cpv_codes("48000000-8; 72000000") == ["48000000", "72000000"]
    assert cpv_codes("32400000, 32400000-7") == ["32400000"]
    assert cpv_codes("") == [] and cpv_codes(None) == []
    assert cpv_codes("123456789") == []  # nine digits is not a CPV code


@pytest.mark.parametrize(("code", "family"), [
    ("48000000", "software packages and information systems"),
    ("72500000", "IT services"),
    ("30213000", "computer equipment and supplies"),
    ("32412100", "telecoms equipment"),
    ("30192000", None),  # office supplies: 30.1, not 30.2
    ("64200000", None),  # telecoms services are not in the list
    ("79940000", None),
])
def test_it_cpv_families(code: str, family: str | None) -> None:
    assert it_cpv(code) == family


def test_cpv_decides_over_words() -> None:
    kept = decide_technology(["90511000", "48000000"], [("title", "Refuse")])
    assert (kept.keep, kept.basis, kept.reason) == (
        True, "cpv", "CPV 48000000 (software packages and information systems)")
    skipped = decide_technology(["90511000"], [("title", "Waste software")])
    assert (skipped.keep, skipped.reason) == (
        False, "not technology: CPV 90511000 is outside 48, 72, 30.2 and 32")


@pytest.mark.parametrize(("title", "reason"), [
    ("IT SERVICES CONTRACT", "keyword 'IT' (IT) in title"),
    ("Managed IT support", "keyword 'IT' (IT) in title"),
    ("ICT - software & SAAS", "keyword 'ICT' (ICT) in title"),
    ("Library management system", "keyword 'Library management system' (system) in title"),
    ("Telephony support", "keyword 'Telephony' (telecoms / network) in title"),
    ("Hosted Idox Uniform", "product 'Idox Uniform' (Uniform) in title"),
    ("Mosaic licences and support", "keyword 'licences and support' (licences) in title"),
    ("Support for Spydus", "product 'Spydus' (Spydus) in title"),
])
def test_keywords_keep_rows_without_cpv(title: str, reason: str) -> None:
    decision = decide_technology([], [("title", title)])
    assert (decision.keep, decision.basis, decision.reason) == (True, "keyword", reason)


@pytest.mark.parametrize("title", [
    "Street lighting maintenance",
    "it is what it is",           # 'it' is not 'IT'
    "Carers network support",     # 'network' alone is not IT
    "Tablets for residents (medication)",
    "Replacement windows",
])
def test_non_technology_words(title: str) -> None:
    assert decide_technology([], [("title", title)]).keep is False


def test_teaching_ict_is_not_an_ict_contract() -> None:
    decision = decide_technology([], [("title", "Level 2 courses in ICT for adult learners")])
    assert decision.keep is False
    assert decision.reason == ("not technology: 'ICT' in title, but the contract is about "
                               "teaching ('learners')")


@pytest.mark.parametrize(("fields", "slug", "reason"), [
    ([("title", "Children's social care system (Mosaic)")], "childrens-social-care",
     "\"Children's social care\" in title"),
    ([("title", "Mosaic licences")], "adult-social-care", "'Mosaic' in title"),
    ([("title", "Housing benefit system")], "revenues-benefits", "'Housing benefit' in title"),
    ([("title", "Housing management system")], "housing", "'Housing' in title"),
    ([("title", "Support"), ("description", "Idox Uniform planning")],
     "planning-building-control", "'Idox Uniform' in description"),
    ([("title", "Microsoft 365 licences for housing officers")], "end-user-devices",
     "'Microsoft 365' in title"),
    ([("title", "Budget planning tool")], "unclassified", "no service-area term in the text"),
    ([("title", "Laptops"), ("department", "Children's Services")], "end-user-devices",
     "'Laptops' in title"),
    ([("title", "Licences"), ("department", "Children's Services")], "childrens-social-care",
     "\"Children's Services\" in department"),
])
def test_service_area_is_the_first_term_in_the_first_field(fields, slug, reason) -> None:
    decision = classify_service_area(fields)
    assert (decision.slug, decision.reason) == (slug, reason)
    assert decision.slug in SERVICE_AREAS_BY_SLUG


def test_service_area_from_cpv_when_words_say_nothing() -> None:
    assert classify_service_area([("title", "Support")], ["30213000"]).slug == "end-user-devices"
    assert classify_service_area([("title", "Support")], ["48450000"]).slug == "hr-payroll"
    assert classify_service_area([("title", "Support")], ["48000000"]).slug == "unclassified"


def test_products_and_their_makers() -> None:
    uniform = detect_product(["Idox Uniform planning licence"])
    assert (uniform.system, uniform.manufacturer, uniform.area) == (
        "Uniform", "Idox", "planning-building-control")
    assert detect_product(["School uniforms"]) is None  # the English word is not the product
    assert detect_product(["", "Capita Academy revenues"]).system == "Academy"
    assert detect_product(["nothing here"]) is None


@pytest.mark.parametrize(("text", "hosting"), [
    ("CRM platform - SaaS subscription", "saas"),
    ("Cloud-based case management", "saas"),
    ("Hosted Uniform", "hosted"),
    ("On-premise licences", "on_premises"),
    ("Licences", ""),
])
def test_hosting(text: str, hosting: str) -> None:
    assert detect_hosting([text]) == hosting


def test_routes() -> None:
    assert detect_route(["Call-off under G-Cloud 14"]) == "G-Cloud 14"
    assert detect_route(["under the ESPO 509_23 framework"]) == "ESPO 509_23"
    assert detect_route(["Open procedure"]) == ""


# --- product names that are also words or other bodies' names need technology context ------------

@pytest.mark.parametrize("text", [
    "Foster care for children and young people - pre-select list (Mosaic Foster Care)",
    "Family Mosaic tenancy support",  # a housing association
    "Family Mosaic housing management system",  # technology, but not the Mosaic product
    "Mosaic tiles for the town hall",
    "SAP assessments for council homes",  # the Standard Assessment Procedure (energy ratings)
    "Whitespace",
    "Business World",
])
def test_ordinary_words_are_not_products(text: str) -> None:
    assert detect_product([text]) is None
    assert "product" not in decide_technology([], [("title", text)]).reason


@pytest.mark.parametrize(("text", "system"), [
    ("Mosaic licences", "Mosaic"),
    ("Mosaic support and maintenance", "Mosaic"),
    ("Social care case management system (Mosaic)", "Mosaic"),
    ("Servelec Mosaic", "Mosaic"),
    ("SAP licences", "SAP"),
    ("Whitespace waste management", "Waste and street management system"),
    ("Unit4 Business World", "Unit4 ERP"),
    ("Tableau licences", "Business intelligence platform"),
])
def test_the_same_names_as_software_are_products(text: str, system: str) -> None:
    product = detect_product([text])
    assert product is not None and product.system == system
    assert decide_technology([], [("title", text)]).keep


def test_mosaic_foster_care_is_not_technology() -> None:
    decision = decide_technology([], [("title", "Foster care for children and young people - "
                                                "rolling select list (Mosaic Foster Care)"),
                                      ("category", "Childrens services - fostering")])
    assert not decision.keep
    area = classify_service_area([("title", "Fostering placements (Mosaic Foster Care)")])
    assert area.slug == "childrens-social-care"  # by 'Fostering', not by the Mosaic product
