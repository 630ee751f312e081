"""The catalogue behind the illustrative contracts: which products a London council might buy for
each role in a service area, from whom, for how much and through which route.

Plausible rather than exact: product names and suppliers are real companies and products seen in UK
local government, but who holds which contract in the generated data is invented (every generated
row is flagged synthetic). Weights are deliberately skewed so that a few suppliers dominate each
area and, across all areas, the ten largest suppliers hold over half of the contracts, as LOTI's
2019 survey of the London boroughs found.
"""

from __future__ import annotations

from dataclasses import dataclass

# How each product tends to be hosted: weights for (saas, hosted, on_premises, unknown),
# the order of techmap.dataformat.schema.HOSTING_VALUES.
HOSTING_PROFILES: dict[str, tuple[float, float, float, float]] = {
    "unknown": (0.0, 0.0, 0.0, 1.0),  # devices and print: hosting does not apply
    "saas": (0.85, 0.05, 0.02, 0.08),
    "hosted": (0.25, 0.55, 0.12, 0.08),
    "onprem": (0.10, 0.20, 0.62, 0.08),
    "mixed": (0.40, 0.28, 0.22, 0.10),
}

# Contract lengths in whole years, with weights.
YEAR_PROFILES: dict[str, tuple[tuple[int, float], ...]] = {
    "short": ((2, 0.30), (3, 0.40), (4, 0.30)),
    "standard": ((2, 0.05), (3, 0.30), (4, 0.25), (5, 0.30), (7, 0.10)),
    "long": ((5, 0.30), (6, 0.15), (7, 0.30), (10, 0.25)),
}

# Route families and their weights; techmap.demo.generate turns a family into a named framework using the
# start date (e.g. a G-Cloud call-off in 2023 is "G-Cloud 13").
ROUTE_PROFILES: dict[str, tuple[tuple[str, float], ...]] = {
    "software": (("gcloud", 0.45), ("open", 0.20), ("direct", 0.15), ("ts", 0.08),
                 ("kcs", 0.07), ("espo", 0.05)),
    "major": (("open", 0.55), ("ts", 0.15), ("gcloud", 0.10), ("direct", 0.10), ("espo", 0.10)),
    "licences": (("ts", 0.30), ("gcloud", 0.30), ("kcs", 0.15), ("espo", 0.15), ("direct", 0.10)),
    "network": (("ns", 0.50), ("open", 0.20), ("kcs", 0.10), ("espo", 0.10), ("direct", 0.10)),
    "devices": (("kcs", 0.30), ("espo", 0.30), ("ts", 0.20), ("open", 0.10), ("direct", 0.10)),
}

# Shared-service groups of neighbouring boroughs (ONS codes). Inspired by real arrangements
# (the tri-borough, Shared Digital, Shared Technology Services, oneSource, Richmond and Wandsworth,
# Kingston and Sutton); the contracts they share in the demo are invented. A borough is in one
# group at most, so a shared contract never collides with another in the same role.
SHARED_GROUPS: tuple[tuple[str, ...], ...] = (
    # Hammersmith and Fulham, Kensington and Chelsea, Westminster
    ("E09000013", "E09000020", "E09000033"),
    ("E09000007", "E09000014", "E09000019"),  # Camden, Haringey, Islington
    ("E09000005", "E09000023", "E09000028"),  # Brent, Lewisham, Southwark
    ("E09000016", "E09000025"),  # Havering, Newham
    ("E09000027", "E09000032"),  # Richmond upon Thames, Wandsworth
    ("E09000021", "E09000029"),  # Kingston upon Thames, Sutton
)


@dataclass(frozen=True)
class Product:
    system: str
    manufacturer: str
    weight: float
    # Who holds the contract when the product is resold, with weights; empty = the manufacturer.
    suppliers: tuple[tuple[str, float], ...] = ()
    hosting: str = "mixed"


@dataclass(frozen=True)
class Slot:
    """One role in a service area (e.g. the case-management system of adults' social care)."""

    area: str
    role: str
    presence: float  # chance that a borough has a contract for this role
    annual_gbp: float  # typical annual value for a mid-sized borough
    years: str  # key of YEAR_PROFILES
    route: str  # key of ROUTE_PROFILES
    products: tuple[Product, ...]
    shareable: float = 0.0  # chance that a shared-service group buys this role together


# Resellers, reused below: most councils buy Microsoft and other software licences through a few
# of them, which is why resellers top the supplier ranking.
_MS_RESELLERS = (("Bytes", 0.55), ("Softcat", 0.30), ("Computacenter", 0.15))
_LICENCE_RESELLERS = (("Bytes", 0.6), ("Softcat", 0.4))
_HARDWARE_RESELLERS = (("XMA", 0.45), ("Computacenter", 0.40), ("CDW UK", 0.15))

P = Product
SLOTS: tuple[Slot, ...] = (
    # Frontline services
    Slot("adult-social-care", "case management", 1.0, 260_000, "long", "major", (
        P("Mosaic", "System C", 0.45, hosting="hosted"),
        P("Liquidlogic LAS", "System C", 0.42, hosting="hosted"),
        P("Eclipse", "OLM", 0.09, hosting="saas"),
        P("CareFirst", "OLM", 0.04, hosting="onprem"),
    ), shareable=0.25),
    Slot("adult-social-care", "care finance", 0.8, 70_000, "standard", "software", (
        P("ContrOCC", "System C", 0.72, hosting="hosted"),
        P("Mosaic Finance", "System C", 0.28, hosting="hosted"),
    )),
    Slot("adult-social-care", "provider portal and brokerage", 0.3, 35_000, "short", "software", (
        P("Adam Dynamic Purchasing System", "Adam HTT", 0.58, hosting="saas"),
        P("Care Cubed", "iESE", 0.15, hosting="saas"),
        P("Mosaic Provider Portal", "System C", 0.27, hosting="saas"),
    )),
    Slot("childrens-social-care", "case management", 1.0, 240_000, "long", "major", (
        P("Liquidlogic LCS", "System C", 0.50, hosting="hosted"),
        P("Mosaic", "System C", 0.39, hosting="hosted"),
        P("Eclipse", "OLM", 0.12, hosting="saas"),
    ), shareable=0.25),
    Slot("childrens-social-care", "early help", 0.5, 40_000, "standard", "software", (
        P("Liquidlogic EHM", "System C", 0.58, hosting="hosted"),
        P("Mosaic Early Help", "System C", 0.27, hosting="hosted"),
        P("Capita One Early Years and Help", "Capita", 0.15, hosting="onprem"),
    )),
    Slot("childrens-social-care", "youth justice", 0.6, 30_000, "standard", "software", (
        P("ChildView", "CACI", 0.72, hosting="hosted"),
        P("Capita One Youth", "Capita", 0.28, hosting="onprem"),
    )),
    Slot("revenues-benefits", "revenues and benefits", 1.0, 190_000, "long", "major", (
        P("Capita Academy", "Capita", 0.55, hosting="onprem"),
        P("Northgate Revenues & Benefits", "NEC Software Solutions", 0.40, hosting="hosted"),
        P("Civica OpenRevenues", "Civica", 0.05, hosting="hosted"),
    ), shareable=0.2),
    Slot("revenues-benefits", "document imaging and workflow", 0.5, 30_000, "standard",
         "software", (
        P("Information@Work", "NEC Software Solutions", 0.50, hosting="onprem"),
        P("Civica W2", "Civica", 0.35, hosting="hosted"),
        P("Capita Document Management", "Capita", 0.15, hosting="onprem"),
    )),
    Slot("revenues-benefits", "risk-based verification", 0.35, 20_000, "short", "software", (
        P("Risk Based Verification", "TransUnion", 0.65, hosting="saas"),
        P("Xantura RBV", "Xantura", 0.35, hosting="saas"),
    )),
    Slot("housing", "housing management", 1.0, 160_000, "long", "major", (
        P("NEC Housing", "NEC Software Solutions", 0.41, hosting="hosted"),
        P("Civica CX", "Civica", 0.33, hosting="saas"),
        P("Capita OpenHousing", "Capita", 0.18, hosting="onprem"),
        P("MRI Housing", "MRI Software", 0.05, hosting="hosted"),
        P("Aareon QL", "Aareon", 0.04, hosting="onprem"),
    )),
    Slot("housing", "repairs scheduling", 0.5, 55_000, "standard", "software", (
        P("Kirona DRS", "Kirona", 0.43, hosting="hosted"),
        P("Totalmobile", "Totalmobile", 0.21, hosting="saas"),
        P("Civica CX Repairs", "Civica", 0.35, hosting="saas"),
    )),
    Slot("housing", "homelessness and allocations", 0.6, 40_000, "standard", "software", (
        P("Jigsaw", "Housing Partners", 0.41, hosting="saas"),
        P("Abritas", "Abritas", 0.18, hosting="hosted"),
        P("Locata", "Locata Housing Services", 0.18, hosting="saas"),
        P("NEC Housing Options", "NEC Software Solutions", 0.24, hosting="hosted"),
    )),
    Slot("waste-street-scene", "waste management", 0.95, 50_000, "standard", "software", (
        P("Whitespace", "Whitespace Work Software", 0.55, hosting="saas"),
        P("Bartec Collective", "Bartec Auto ID", 0.40, hosting="saas"),
        P("Alloy", "Yotta", 0.05, hosting="saas"),
    ), shareable=0.3),
    Slot("waste-street-scene", "highways and street asset management", 0.5, 40_000, "standard",
         "software", (
        P("Confirm", "Brightly Software", 0.58, hosting="hosted"),
        P("Alloy", "Yotta", 0.27, hosting="saas"),
        P("Symology Insight", "Symology", 0.15, hosting="hosted"),
    )),
    # Environmental health, licensing and trading standards sit with street scene in many boroughs.
    Slot("waste-street-scene", "environmental health and licensing", 0.8, 45_000, "standard",
         "software", (
        P("Idox Uniform", "Idox", 0.65, hosting="hosted"),
        P("Civica APP", "Civica", 0.26, hosting="hosted"),
        P("Assure", "NEC Software Solutions", 0.09, hosting="saas"),
    )),
    Slot("parking", "penalty charge notice processing", 1.0, 35_000, "standard", "software", (
        P("Taranto", "Imperial Civil Enforcement Solutions", 0.72,
          suppliers=(("Imperial Civil Enforcement Solutions", 0.6), ("NSL", 0.4)),
          hosting="hosted"),
        P("Si-Dem", "Conduent", 0.19, suppliers=(("Conduent", 1.0),), hosting="hosted"),
        P("Chipside ParkPoint", "Chipside", 0.09, hosting="saas"),
    )),
    Slot("parking", "permits and cashless parking", 0.7, 20_000, "short", "software", (
        P("RingGo", "EasyPark Group", 0.58, hosting="saas"),
        P("PayByPhone", "PayByPhone", 0.27, hosting="saas"),
        P("MiPermit", "Chipside", 0.15, hosting="saas"),
    )),
    Slot("education", "education management", 1.0, 90_000, "long", "major", (
        P("Capita One", "Capita", 0.72, hosting="onprem"),
        P("Synergy", "System C", 0.28, hosting="hosted"),
    )),
    Slot("education", "schools MIS (traded service)", 0.35, 30_000, "standard", "software", (
        P("Arbor", "Arbor Education", 0.49, hosting="saas"),
        P("SIMS", "Education Software Solutions", 0.41, hosting="hosted"),
        P("Bromcom", "Bromcom", 0.09, hosting="saas"),
    )),
    Slot("education", "EHCP hub", 0.5, 25_000, "short", "software", (
        P("Capita One EHC Hub", "Capita", 0.57, hosting="saas"),
        P("Synergy EHC Hub", "System C", 0.43, hosting="saas"),
    )),
    Slot("public-health", "clinical records", 0.6, 40_000, "standard", "software", (
        P("EMIS Web", "EMIS Health", 0.50, hosting="saas"),
        P("Liquidlogic Public Health", "System C", 0.35, hosting="hosted"),
        P("SystmOne", "TPP", 0.15, hosting="saas"),
    )),
    Slot("public-health", "sexual health and substance misuse", 0.3, 25_000, "short", "software", (
        P("Lillie", "InformationXchange", 0.65, hosting="saas"),
        P("EMIS Web", "EMIS Health", 0.35, hosting="saas"),
    )),
    # Corporate services
    Slot("customer-contact-crm", "CRM", 1.0, 80_000, "standard", "software", (
        P("Microsoft Dynamics 365", "Microsoft", 0.51, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Granicus (Firmstep)", "Granicus", 0.21, hosting="saas"),
        P("Salesforce", "Salesforce", 0.12,
          suppliers=(("Salesforce", 0.6), ("Arcus Global", 0.4)), hosting="saas"),
        P("Netcall Liberty Create", "Netcall", 0.10, hosting="saas"),
        P("Jadu Connect", "Jadu", 0.06, hosting="saas"),
    )),
    Slot("customer-contact-crm", "website content management", 0.7, 30_000, "short", "software", (
        P("Jadu Central", "Jadu", 0.41, hosting="saas"),
        P("GOSS iCM", "GOSS Interactive", 0.24, hosting="saas"),
        P("Contensis", "Zengenti", 0.18, hosting="saas"),
        P("Drupal", "Drupal (open source)", 0.18,
          suppliers=(("Unboxed Consulting", 0.5), ("Annertech", 0.5)), hosting="hosted"),
    )),
    Slot("customer-contact-crm", "contact centre", 0.8, 50_000, "standard", "software", (
        P("Netcall Liberty Contact", "Netcall", 0.35, hosting="hosted"),
        P("BT Cloud Contact", "BT", 0.20, hosting="saas"),
        P("Storm", "Content Guru", 0.20, hosting="saas"),
        P("Genesys Cloud CX", "Genesys", 0.13, suppliers=(("Computacenter", 1.0),), hosting="saas"),
        P("8x8 Contact Centre", "8x8", 0.12, hosting="saas"),
    )),
    Slot("finance-erp", "ERP", 1.0, 420_000, "long", "major", (
        P("Oracle Fusion Cloud ERP", "Oracle", 0.43,
          suppliers=(("Oracle", 0.6), ("Version 1", 0.25), ("Namos Solutions", 0.15)),
          hosting="saas"),
        P("Unit4 ERP", "Unit4", 0.26, hosting="saas"),
        P("SAP S/4HANA", "SAP", 0.12, suppliers=(("SAP", 0.5), ("Agilisys", 0.5)),
          hosting="hosted"),
        P("Agresso", "Unit4", 0.12, hosting="onprem"),
        P("Civica Financials", "Civica", 0.07, hosting="hosted"),
    ), shareable=0.35),
    Slot("finance-erp", "income management and payments", 0.8, 30_000, "standard", "software", (
        P("Civica Pay", "Civica", 0.58, hosting="saas"),
        P("Pay360", "Pay360 by Evo", 0.17, hosting="saas"),
        P("Capita Paye.net", "Capita", 0.24, hosting="saas"),
    )),
    Slot("finance-erp", "e-tendering and contract management", 0.6, 20_000, "short", "software", (
        P("ProContract", "Proactis", 0.51, hosting="saas"),
        P("In-Tend", "In-Tend", 0.28, hosting="saas"),
        P("Delta eSourcing", "Delta eSourcing", 0.21, hosting="saas"),
    )),
    Slot("hr-payroll", "HR and payroll", 1.0, 150_000, "long", "major", (
        P("iTrent", "MHR", 0.55, hosting="saas"),
        P("Oracle Fusion Cloud HCM", "Oracle", 0.23, hosting="saas"),
        P("ResourceLink", "Zellis", 0.16, hosting="hosted"),
        P("Unit4 HR & Payroll", "Unit4", 0.06, hosting="saas"),
    ), shareable=0.35),
    Slot("hr-payroll", "recruitment", 0.35, 20_000, "short", "software", (
        P("Tribepad", "Tribepad", 0.43, hosting="saas"),
        P("Eploy", "Eploy", 0.35, hosting="saas"),
        P("Oleeo", "Oleeo", 0.21, hosting="saas"),
    )),
    Slot("hr-payroll", "learning management", 0.3, 15_000, "short", "software", (
        P("Learning Pool", "Learning Pool", 0.65, hosting="saas"),
        P("Kallidus Learn", "Kallidus", 0.35, hosting="saas"),
    )),
    Slot("document-records", "EDRMS", 0.9, 60_000, "standard", "software", (
        P("Microsoft SharePoint", "Microsoft", 0.59, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Idox EDRMS", "Idox", 0.20, hosting="hosted"),
        P("OpenText Content Server", "OpenText", 0.09, hosting="onprem"),
        P("Civica W2", "Civica", 0.06, hosting="hosted"),
        P("Information@Work", "NEC Software Solutions", 0.06, hosting="onprem"),
    ), shareable=0.2),
    Slot("document-records", "complaints and FOI casework", 0.35, 15_000, "short", "software", (
        P("iCasework", "Granicus", 0.57, hosting="saas"),
        P("Respond", "Aptean", 0.43, hosting="saas"),
    )),
    Slot("gis", "desktop and server GIS", 1.0, 30_000, "standard", "software", (
        P("Esri ArcGIS", "Esri", 0.75, hosting="mixed"),
        P("MapInfo Pro", "Precisely", 0.14, hosting="onprem"),
        P("Cadcorp SIS", "Cadcorp", 0.05, hosting="onprem"),
        P("QGIS", "QGIS (open source)", 0.05, suppliers=(("Lutra Consulting", 1.0),),
          hosting="onprem"),
    )),
    Slot("gis", "gazetteer (LLPG)", 0.7, 15_000, "standard", "software", (
        P("Idox Uniform", "Idox", 0.72, hosting="hosted"),
        P("Symphony", "Aligned Assets", 0.28, hosting="hosted"),
    )),
    Slot("gis", "web mapping", 0.5, 12_000, "short", "software", (
        P("iShare", "Astun Technology", 0.57, hosting="saas"),
        P("ArcGIS Online", "Esri", 0.43, hosting="saas"),
    )),
    Slot("data-analytics", "business intelligence", 0.9, 25_000, "short", "licences", (
        P("Microsoft Power BI", "Microsoft", 0.72, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Tableau", "Salesforce", 0.14, suppliers=_LICENCE_RESELLERS, hosting="saas"),
        P("Qlik Sense", "Qlik", 0.14, suppliers=(("Softcat", 1.0),), hosting="saas"),
    )),
    Slot("data-analytics", "low-code apps and automation", 0.5, 30_000, "short", "licences", (
        P("Microsoft Power Apps and Power Automate", "Microsoft", 0.75, suppliers=_MS_RESELLERS,
          hosting="saas"),
        P("UiPath", "UiPath", 0.25, suppliers=(("Softcat", 1.0),), hosting="saas"),
    )),
    Slot("data-analytics", "data platform", 0.35, 60_000, "standard", "software", (
        P("Azure Synapse Analytics", "Microsoft", 0.54, suppliers=_MS_RESELLERS, hosting="saas"),
        P("OneView", "Xantura", 0.30, hosting="saas"),
        P("Snowflake", "Snowflake", 0.10, hosting="saas"),
        P("Databricks", "Databricks", 0.06, hosting="saas"),
    )),
    # Infrastructure
    Slot("network-telephony", "wide area network", 1.0, 200_000, "standard", "network", (
        P("BT Managed WAN", "BT", 0.61, hosting="hosted"),
        P("Virgin Media Business managed network", "Virgin Media", 0.26,
          hosting="hosted"),
        P("Vodafone managed WAN", "Vodafone", 0.10, hosting="hosted"),
        P("Exponential-e managed network", "Exponential-e", 0.03, hosting="hosted"),
    ), shareable=0.3),
    Slot("network-telephony", "LAN and Wi-Fi", 0.7, 60_000, "standard", "devices", (
        P("Cisco Meraki", "Cisco", 0.65,
          suppliers=(("Computacenter", 0.6), ("Softcat", 0.4)), hosting="onprem"),
        P("HPE Aruba", "HPE", 0.26, suppliers=(("Computacenter", 0.6), ("XMA", 0.4)),
          hosting="onprem"),
        P("Juniper Mist", "Juniper Networks", 0.09, suppliers=(("Softcat", 1.0),),
          hosting="onprem"),
    )),
    Slot("network-telephony", "telephony", 0.9, 80_000, "standard", "network", (
        P("Microsoft Teams Phone", "Microsoft", 0.56,
          suppliers=(("Gamma", 0.5), ("Bytes", 0.3), ("Softcat", 0.2)),
          hosting="saas"),
        P("8x8 X Series", "8x8", 0.17, hosting="saas"),
        P("Gamma Horizon", "Gamma", 0.17, hosting="saas"),
        P("BT Cloud Voice", "BT", 0.11, hosting="saas"),
    ), shareable=0.2),
    Slot("network-telephony", "mobile voice and data", 0.9, 120_000, "short", "network", (
        P("Vodafone corporate mobile", "Vodafone", 0.35, hosting="hosted"),
        P("O2 corporate mobile", "O2", 0.21, hosting="hosted"),
        P("EE corporate mobile", "BT", 0.43, hosting="hosted"),
    )),
    Slot("hosting-cloud", "public cloud", 0.95, 150_000, "short", "licences", (
        P("Microsoft Azure", "Microsoft", 0.81, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Amazon Web Services", "Amazon Web Services", 0.17,
          suppliers=(("Amazon Web Services", 0.6), ("Claranet", 0.4)), hosting="saas"),
        P("Google Cloud", "Google", 0.02, suppliers=(("Softcat", 1.0),), hosting="saas"),
    ), shareable=0.4),
    Slot("hosting-cloud", "data centre and colocation", 0.6, 90_000, "standard", "software", (
        P("Crown Hosting colocation", "Crown Hosting Data Centres", 0.36, hosting="hosted"),
        P("Ark Data Centres colocation", "Ark Data Centres", 0.36, hosting="hosted"),
        P("Pulsant colocation", "Pulsant", 0.28, hosting="hosted"),
    ), shareable=0.4),
    Slot("hosting-cloud", "servers and storage", 0.7, 70_000, "short", "devices", (
        P("Dell PowerEdge and PowerStore", "Dell", 0.49,
          suppliers=(("Computacenter", 0.5), ("XMA", 0.3), ("Softcat", 0.2)), hosting="onprem"),
        P("HPE ProLiant and Alletra", "HPE", 0.41,
          suppliers=(("Computacenter", 0.6), ("Softcat", 0.4)), hosting="onprem"),
        P("NetApp AFF", "NetApp", 0.09, suppliers=(("Computacenter", 1.0),), hosting="onprem"),
    )),
    Slot("hosting-cloud", "backup", 0.6, 40_000, "short", "licences", (
        P("Veeam Backup & Replication", "Veeam", 0.65,
          suppliers=(("Softcat", 0.5), ("Bytes", 0.5)), hosting="onprem"),
        P("Rubrik Security Cloud", "Rubrik", 0.26, suppliers=(("Computacenter", 1.0),),
          hosting="saas"),
        P("Commvault", "Commvault", 0.09, suppliers=(("Softcat", 1.0),), hosting="onprem"),
    )),
    Slot("hosting-cloud", "virtualisation", 0.7, 45_000, "short", "licences", (
        P("VMware vSphere", "Broadcom", 0.72,
          suppliers=(("Computacenter", 0.5), ("Softcat", 0.3), ("Bytes", 0.2)),
          hosting="onprem"),
        P("Nutanix Cloud Platform", "Nutanix", 0.19, suppliers=(("Computacenter", 1.0),),
          hosting="onprem"),
        P("Citrix DaaS", "Cloud Software Group", 0.09, suppliers=(("Softcat", 1.0),),
          hosting="saas"),
    )),
    Slot("end-user-devices", "productivity licences", 1.0, 380_000, "short", "licences", (
        P("Microsoft 365", "Microsoft", 0.97, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Google Workspace", "Google", 0.03, suppliers=(("Softcat", 1.0),), hosting="saas"),
    ), shareable=0.3),
    Slot("end-user-devices", "laptops and desktops", 1.0, 200_000, "short", "devices", (
        P("Dell Latitude laptops", "Dell", 0.50,
          suppliers=(("XMA", 0.45), ("Computacenter", 0.45), ("Dell", 0.1)), hosting="unknown"),
        P("HP EliteBook laptops", "HP", 0.35, suppliers=_HARDWARE_RESELLERS, hosting="unknown"),
        P("Lenovo ThinkPad laptops", "Lenovo", 0.15, suppliers=_HARDWARE_RESELLERS,
          hosting="unknown"),
    ), shareable=0.3),
    Slot("end-user-devices", "mobile phones", 0.7, 70_000, "short", "devices", (
        P("Apple iPhone", "Apple", 0.65,
          suppliers=(("Vodafone", 0.4), ("O2", 0.3), ("XMA", 0.3)),
          hosting="unknown"),
        P("Samsung Galaxy", "Samsung", 0.35, suppliers=(("Vodafone", 0.5), ("XMA", 0.5)),
          hosting="unknown"),
    )),
    Slot("end-user-devices", "other desktop software licences", 0.6, 25_000, "short", "licences", (
        P("Adobe Acrobat and Creative Cloud", "Adobe", 0.78,
          suppliers=(("Bytes", 0.5), ("Softcat", 0.5)), hosting="saas"),
        P("Zoom Workplace", "Zoom", 0.22, suppliers=(("Softcat", 0.6), ("Computacenter", 0.4)),
          hosting="saas"),
    )),
    Slot("end-user-devices", "managed print", 0.7, 60_000, "standard", "devices", (
        P("Ricoh managed print", "Ricoh", 0.50, hosting="unknown"),
        P("Canon managed print", "Canon", 0.35, hosting="unknown"),
        P("Xerox managed print", "Xerox", 0.15, hosting="unknown"),
    )),
    Slot("end-user-devices", "IT service management", 0.7, 40_000, "standard", "software", (
        P("ServiceNow", "ServiceNow", 0.43, suppliers=(("Computacenter", 0.7), ("ServiceNow", 0.3)),
          hosting="saas"),
        P("Ivanti Neurons for ITSM", "Ivanti", 0.28, suppliers=(("Softcat", 1.0),), hosting="saas"),
        P("TOPdesk", "TOPdesk", 0.28, hosting="saas"),
    ), shareable=0.4),
    Slot("cyber-security", "endpoint protection", 1.0, 60_000, "short", "licences", (
        P("Microsoft Defender for Endpoint", "Microsoft", 0.43, suppliers=_MS_RESELLERS,
          hosting="saas"),
        P("CrowdStrike Falcon", "CrowdStrike", 0.28, suppliers=_LICENCE_RESELLERS, hosting="saas"),
        P("Sophos Intercept X", "Sophos", 0.28, suppliers=_LICENCE_RESELLERS, hosting="saas"),
    ), shareable=0.3),
    Slot("cyber-security", "network detection and response", 0.5, 50_000, "short", "licences", (
        P("Darktrace", "Darktrace", 0.84,
          suppliers=(("Darktrace", 0.4), ("Bytes", 0.3), ("Softcat", 0.3)),
          hosting="hosted"),
        P("Vectra AI", "Vectra AI", 0.16, suppliers=(("Softcat", 1.0),), hosting="saas"),
    )),
    Slot("cyber-security", "SIEM and security operations", 0.5, 80_000, "short", "software", (
        P("Microsoft Sentinel", "Microsoft", 0.66, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Splunk Enterprise Security", "Splunk", 0.20, suppliers=(("Computacenter", 1.0),),
          hosting="hosted"),
        P("Managed security operations centre", "NCC Group", 0.14, hosting="hosted"),
    ), shareable=0.3),
    Slot("cyber-security", "identity and access management", 0.5, 40_000, "short", "licences", (
        P("Microsoft Entra ID P2", "Microsoft", 0.72, suppliers=_MS_RESELLERS, hosting="saas"),
        P("Okta Workforce Identity", "Okta", 0.19, suppliers=(("Softcat", 1.0),), hosting="saas"),
        P("CyberArk Privileged Access Manager", "CyberArk", 0.09,
          suppliers=(("Bytes", 1.0),), hosting="hosted"),
    )),
    Slot("cyber-security", "email and web security", 0.6, 25_000, "short", "licences", (
        P("Mimecast", "Mimecast", 0.72, suppliers=_LICENCE_RESELLERS, hosting="saas"),
        P("Proofpoint", "Proofpoint", 0.19, suppliers=(("Softcat", 1.0),), hosting="saas"),
        P("Cisco Umbrella", "Cisco", 0.09, suppliers=(("Computacenter", 1.0),), hosting="saas"),
    )),
    # The service areas the real sources brought (datasets/README.md). Last, so that adding them
    # left the draws of every slot above unchanged.
    Slot("highways", "highways asset management", 0.9, 70_000, "standard", "software", (
        P("Confirm", "Brightly Software", 0.50, hosting="hosted"),
        P("Symology Insight", "Symology", 0.30, hosting="hosted"),
        P("Alloy", "Yotta", 0.20, hosting="saas"),
    ), shareable=0.2),
    Slot("environmental-health", "environmental health and licensing", 0.9, 45_000, "standard",
         "software", (
        P("Uniform", "Idox", 0.55, hosting="onprem"),
        P("Civica APP", "Civica", 0.30, hosting="hosted"),
        P("Northgate M3", "NEC Software Solutions", 0.15, hosting="onprem"),
    ), shareable=0.2),
    Slot("democratic-services", "committee management", 1.0, 15_000, "standard", "software", (
        P("ModernGov", "Civica", 1.0, hosting="saas"),
    )),
    Slot("democratic-services", "meeting webcasting", 0.5, 12_000, "short", "software", (
        P("Public-i webcasting", "Public-i", 1.0, hosting="saas"),
    )),
    Slot("online-payments", "online payments", 1.0, 30_000, "standard", "software", (
        P("Pay360", "Capita", 0.45, hosting="saas"),
        P("Civica Pay", "Civica", 0.30, hosting="saas"),
        P("GOV.UK Pay", "Government Digital Service", 0.25, hosting="saas"),
    )),
)
del P
