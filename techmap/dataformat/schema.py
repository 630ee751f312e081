"""The dataset format: columns, allowed values and the service-area list.

Everything that reads or writes a dataset (validator, loader, importers, demo generator, API,
downloads, data dictionary) takes its column list from here, so the format is defined once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "code", "slug", "date", "money", "enum", "bool", "int"]


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    kind: ColumnKind
    label: str
    help: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("contract_id", True, "text", "Contract ID",
           "Unique identifier of the row in this dataset.", "LBC-2021-0042"),
    Column("authority_code", True, "code", "Borough",
           "ONS code of the borough (E09000001 to E09000033). Importers and the validator also "
           "accept names and variants such as 'LB Camden'.", "E09000007"),
    Column("service_area", True, "slug", "Service area",
           "Slug from the service-area list (see datasets/README.md).", "adult-social-care"),
    Column("system", True, "text", "System",
           "The product or system, as the supplier names it.", "Mosaic"),
    Column("manufacturer", False, "text", "Manufacturer",
           "Who makes the product, when that differs from the contract holder (e.g. a reseller).",
           "Servelec"),
    Column("supplier", True, "text", "Supplier",
           "Who holds the contract with the borough.", "Servelec"),
    Column("start_date", False, "date", "Start date",
           "Contract start, ISO date (YYYY-MM-DD).", "2019-04-01"),
    Column("end_date", False, "date", "End date",
           "Current contract end, ISO date. Blank when not known.", "2026-03-31"),
    Column("max_end_date", False, "date", "Latest end (with extensions)",
           "Latest possible end if every extension option is taken.", "2028-03-31"),
    Column("review_date", False, "date", "Review / notice date",
           "Date by which notice must be given or the contract reviewed.", "2025-09-30"),
    Column("annual_value_gbp", False, "money", "Annual value (£)",
           "Annual contract value in pounds, a plain number.", "125000"),
    Column("total_value_gbp", False, "money", "Total value (£)",
           "Whole-life contract value in pounds, a plain number.", "625000"),
    Column("hosting", False, "enum", "Hosting",
           "One of: saas, hosted, on_premises, unknown.", "saas"),
    Column("procurement_route", False, "text", "Procurement route",
           "Framework or route used to buy, e.g. 'G-Cloud 14'.", "G-Cloud 14"),
    Column("shared_ref", False, "text", "Shared contract",
           "Same value on every row of one contract shared by several boroughs.", "SHARED-0007"),
    Column("satisfaction", False, "int", "Satisfaction (1-5)",
           "Borough's satisfaction with the system, 1 (poor) to 5 (excellent), as in LOTI's survey. "
           "Never shown on a public instance.", "4"),
    Column("value_public", False, "bool", "Values public",
           "false hides this row's values on a public instance (default true).", "true"),
    Column("source", True, "text", "Source",
           "Key into the manifest's sources.", "demo"),
    Column("synthetic", True, "bool", "Synthetic",
           "true for illustrative rows that do not describe a real contract.", "false"),
    Column("evidence", False, "text", "Evidence",
           "Where a person can check the row: a URL, or owner/repo@commit:path for a file in a "
           "public repository. Required for real rows (synthetic=false).",
           "DemocracyClub/LGSF@5d40e23c6860b8be049b57a4ca9b177696a3c02f:"
           "scrapers/CMD-camden/metadata.json"),
    Column("observed_date", False, "date", "Observed",
           "When the evidence showed it (a notice's publication date, the date a source file "
           "listed it), ISO date. Required for real rows.", "2026-05-30"),
    Column("confidence", False, "enum", "Confidence",
           "contract (a published contract or award notice), integration (live integration code "
           "or configuration that talks to the system), listing (a published list or register "
           "naming it) or inferred (a hint such as a URL pattern). Required for real rows.",
           "listing"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "date")
MONEY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "money")

HOSTING_VALUES: tuple[str, ...] = ("saas", "hosted", "on_premises", "unknown")
# Strongest first: the best confidence of a (borough, service area) pair is the lowest index.
CONFIDENCE_VALUES: tuple[str, ...] = ("contract", "integration", "listing", "inferred")
EVIDENCE_COLUMNS: tuple[str, ...] = ("evidence", "observed_date", "confidence")

# Columns that a public instance hides where value_public is false, or always (satisfaction).
VALUE_COLUMNS: tuple[str, ...] = MONEY_COLUMNS
ALWAYS_PRIVATE_COLUMNS: tuple[str, ...] = ("satisfaction",)

Group = Literal["frontline", "corporate", "infrastructure", "other"]


@dataclass(frozen=True)
class ServiceArea:
    """One of the council service areas a contract is filed under: its slug (the `area` filter and
    the service_area column take it), its name, and its group (GROUP_NAMES)."""

    slug: str
    name: str
    group: Group


SERVICE_AREAS: tuple[ServiceArea, ...] = (
    ServiceArea("adult-social-care", "Adults' social care", "frontline"),
    ServiceArea("childrens-social-care", "Children's social care", "frontline"),
    ServiceArea("revenues-benefits", "Revenues and benefits", "frontline"),
    ServiceArea("housing", "Housing", "frontline"),
    ServiceArea("planning-building-control", "Planning and building control", "frontline"),
    ServiceArea("waste-street-scene", "Waste and street scene", "frontline"),
    ServiceArea("highways", "Highways and street reporting", "frontline"),
    ServiceArea("environmental-health", "Environmental health and licensing", "frontline"),
    ServiceArea("parking", "Parking", "frontline"),
    ServiceArea("libraries", "Libraries", "frontline"),
    ServiceArea("elections", "Elections and electoral registration", "frontline"),
    ServiceArea("education", "Education", "frontline"),
    ServiceArea("public-health", "Public health", "frontline"),
    ServiceArea("customer-contact-crm", "Customer contact and CRM", "corporate"),
    ServiceArea("democratic-services", "Democratic services and committees", "corporate"),
    ServiceArea("online-payments", "Online payments", "corporate"),
    ServiceArea("finance-erp", "Finance and ERP", "corporate"),
    ServiceArea("hr-payroll", "HR and payroll", "corporate"),
    ServiceArea("document-records", "Document and records management", "corporate"),
    ServiceArea("gis", "GIS and mapping", "corporate"),
    ServiceArea("data-analytics", "Data and analytics", "corporate"),
    ServiceArea("network-telephony", "Network and telephony", "infrastructure"),
    ServiceArea("hosting-cloud", "Hosting and cloud", "infrastructure"),
    ServiceArea("end-user-devices", "End-user devices and productivity", "infrastructure"),
    ServiceArea("cyber-security", "Cyber security", "infrastructure"),
    ServiceArea("unclassified", "Unclassified", "other"),
)
SERVICE_AREAS_BY_SLUG: dict[str, ServiceArea] = {a.slug: a for a in SERVICE_AREAS}
GROUP_NAMES: dict[str, str] = {
    "frontline": "Frontline services",
    "corporate": "Corporate services",
    "infrastructure": "Infrastructure",
    "other": "Other",
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")
# What slugify makes (and what a slug in a URL or a query must look like), and an ISO date's shape
# (date.fromisoformat then checks the calendar).
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def slugify(text: str) -> str:
    """'Capita Business Services Ltd.' -> 'capita-business-services-ltd'. Stable across runs."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower().replace("&", " and ")).strip("-")
