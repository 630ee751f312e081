"""Which Contracts Finder award suppliers are technology suppliers, and for which service area.

The awards in the mySociety snapshot have no title, description or CPV code, so only the supplier
tells what an award bought. A supplier counts here when what it sells is known (its name or its
one product line says so); each entry says why, and the build report repeats it. A technology
supplier whose products span several areas (a reseller, a digital agency, a maker of many
products) is left out with that reason rather than guessed. Suppliers in neither list are left
out as "not known as a technology supplier"; the shared product rules of the importers
(techmap.importers.classify.detect_product) get the last word on a supplier's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SupplierRule:
    pattern: re.Pattern[str]
    area: str | None  # None: a technology supplier left out, for `reason`
    system: str
    reason: str


def _rule(pattern: str, area: str | None, system: str, reason: str) -> SupplierRule:
    return SupplierRule(re.compile(pattern, re.IGNORECASE), area, system, reason)


RULES: tuple[SupplierRule, ...] = (
    _rule(r"\bJaggaer\b|Bravosolution", "finance-erp", "Jaggaer e-procurement",
          "Jaggaer sells e-procurement (sourcing and contract management) software"),
    _rule(r"\bProactis\b", "finance-erp", "Proactis e-procurement",
          "Proactis sells e-procurement and purchase-to-pay software"),
    _rule(r"\ballpay\b", "online-payments", "allpay payment services",
          "allpay sells payment collection (payment cards, PayPoint, Direct Debit) services"),
    _rule(r"\bStructured Network Solutions\b", "network-telephony", "Network services",
          "Structured Network Solutions sells network installation and support"),
    _rule(r"\bRicoh\b", "end-user-devices", "Print and multi-function devices",
          "Ricoh's council contracts are printers and multi-function devices"),
    _rule(r"\bSimpson Associates\b", "data-analytics", "Business intelligence services",
          "Simpson Associates sells business intelligence and analytics services"),
    _rule(r"\bTableau\b", "data-analytics", "Tableau", "Tableau sells analytics software"),
    _rule(r"\bConnexica\b", "data-analytics", "Connexica CXAIR",
          "Connexica sells CXAIR, a business intelligence product"),
    _rule(r"\bLondon Grid for Learning\b", "education", "LGfL schools connectivity",
          "London Grid for Learning provides schools' broadband and education technology"),
    _rule(r"\bEducation Software Solutions\b", "education", "SIMS",
          "Education Software Solutions (ESS) makes SIMS, the schools management system"),
    _rule(r"\bVerint\b", "customer-contact-crm", "Verint",
          "Verint sells customer engagement (CRM) software"),
    _rule(r"\bNetcall\b", "customer-contact-crm", "Netcall Liberty",
          "Netcall sells contact-centre and customer engagement software (Liberty)"),
    _rule(r"\bPlacecube\b", "customer-contact-crm", "Placecube digital platform",
          "Placecube sells council website and digital services platforms"),
    _rule(r"\bMobysoft\b", "housing", "Mobysoft RentSense",
          "Mobysoft sells rent arrears analytics for social housing (RentSense)"),
    _rule(r"\bExacom\b", "planning-building-control", "Exacom",
          "Exacom sells planning obligations (S106 and CIL) monitoring software"),
    _rule(r"\bAlemba\b", "end-user-devices", "Alemba Service Manager",
          "Alemba sells IT service management (service desk) software"),
    _rule(r"\bLinkedIn\b", "hr-payroll", "LinkedIn Learning",
          "LinkedIn's council contracts are LinkedIn Learning (staff e-learning)"),
    _rule(r"\bPublic-i\b", "democratic-services", "Public-i webcasting",
          "Public-i sells webcasting of council meetings"),
    _rule(r"\bStatmap\b", "gis", "Statmap GIS", "Statmap sells GIS (mapping) software"),
    _rule(r"\bRapid Information Systems\b", "document-records", "Document scanning",
          "Rapid Information Systems sells document scanning and management"),
    _rule(r"\bSocietyWorks\b", "highways", "FixMyStreet Pro",
          "SocietyWorks sells FixMyStreet Pro, street and highways fault reporting"),
    _rule(r"\bYotta\b", "highways", "Alloy",
          "Yotta sells Alloy, highways and asset management software"),
    _rule(r"\bTaranto\b", "parking", "Taranto",
          "Taranto Systems sells parking enforcement (PCN processing) software"),
    _rule(r"\bRingGo\b|\bPark ?Now\b", "parking", "RingGo", "RingGo is cashless parking"),
    # Technology suppliers whose award does not say which service it is for.
    _rule(r"\bLiquid ?logic\b", None, "",
          "Liquidlogic makes both children's (LCS) and adults' (LAS) social care systems; the "
          "award does not say which"),
    _rule(r"\bCivica\b", None, "",
          "Civica sells products for many service areas; the award does not say which"),
    _rule(r"\bCDW\b|\bComputacenter\b|Specialist Computer Centres|\bXMA\b|Phoenix Software"
          r"|Isometric Cloud|^Microsoft\b", None, "",
          "a reseller of hardware, software licences and cloud; the award does not say what "
          "was bought or for which service"),
    _rule(r"Made ?Tech|TPXimpact|FutureGov|\bAxis12\b|\bInfosys\b", None, "",
          "a digital or IT services agency; the award does not say for which service"),
    _rule(r"\bEquifax\b", None, "",
          "credit and identity data used by several services (revenues, benefits, fraud); the "
          "award does not say which"),
    _rule(r"OpenView Security|EDESIX|Motorola", None, "",
          "CCTV and body-worn video: no service area of the list (community safety is not one)"),
    _rule(r"\bThinkproject\b", None, "",
          "construction project collaboration software: no service area of the list"),
    _rule(r"\bCora Systems\b", None, "",
          "project and portfolio management software: no service area of the list"),
    _rule(r"\bEverbridge\b", None, "",
          "emergency mass notification: no service area of the list"),
    _rule(r"\bHanlon Computer Systems\b", None, "",
          "a software house whose product line the award does not name"),
)
NOT_TECHNOLOGY = ("not known as a technology supplier (the snapshot has no title, description "
                  "or CPV code to tell what was bought)")
NO_SUPPLIER = re.compile(r"^(?:NOT AWARDED|TENDER CANCELLED|This tender)", re.IGNORECASE)


def rule_for(supplier: str) -> SupplierRule | None:
    return next((rule for rule in RULES if rule.pattern.search(supplier)), None)
