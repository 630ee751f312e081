"""Which published contracts are technology, which service area each serves, and what system
it is: the rules every importer shares, kept in one place so that they can be read and argued with.

1. Technology. By CPV code where the row has one: 48 (software packages and information systems),
   72 (IT services), 30.2 i.e. 302xxxxx (computer equipment and supplies) and 32 (radio,
   television, communication and telecoms equipment). A row with CPV codes, none of them
   technology, is not technology even if its words say so (the CPV code is the council's own
   classification). A row without a CPV code is technology when its title, description or
   category contains one of TECH_KEYWORDS (whole words; a few are case-sensitive, e.g. 'IT') or
   names a known product (PRODUCTS), unless the text is about teaching it (TEACHING: "ICT
   courses for adult learners"). A product whose name is also a word or another body's name
   ("Mosaic Foster Care Ltd", "Family Mosaic", "SAP ratings") needs the same text to show it is
   software (PRODUCT_CONTEXT: "system", "licences", "support and maintenance", ... or its maker).
2. Service area. The first service-area term (SERVICE_AREA_TERMS, or a known product in
   PRODUCTS) in the title, else in the description, else in the category / department text, else
   what the CPV code says (302 devices, 32 telecoms, ...); otherwise "unclassified". "First"
   means leftmost in the text, so "Children's social care system (Mosaic)" is children's social
   care while "Mosaic licences" is adults' (Mosaic's usual home).
3. System. A known product named in the title or description (PRODUCTS) gives the system and
   its manufacturer; otherwise the contract title is the system.
4. Hosting. 'SaaS' / 'software as a service' / 'cloud-based' -> saas; 'hosted' / 'hosting' ->
   hosted; 'on premise(s)' -> on_premises; otherwise blank (not known).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- 1. technology -------------------------------------------------------------------------------

IT_CPV_PREFIXES: tuple[tuple[str, str], ...] = (
    ("48", "software packages and information systems"),
    ("72", "IT services"),
    ("302", "computer equipment and supplies"),
    ("32", "telecoms equipment"),
)
_CPV = re.compile(r"(?<!\d)(\d{8})(?:-\d)?(?!\d)")


def cpv_codes(text: object) -> list[str]:
    """'48000000-8; 72000000' -> ['48000000', '72000000'] (8-digit codes, check digit dropped)."""
    if text is None:
        return []
    return list(dict.fromkeys(_CPV.findall(str(text))))


def it_cpv(code: str) -> str | None:
    """The technology family of a CPV code, e.g. 'software packages ...', else None."""
    for prefix, label in IT_CPV_PREFIXES:
        if code.startswith(prefix):
            return label
    return None


def _words(*patterns: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", flags)


# (label shown in the report, pattern). Kept conservative: words that also mean something outside
# IT ('network', 'system', 'digital', 'tablet', 'licence') are only counted in IT phrases.
TECH_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ICT", _words("ICT", flags=0)),
    ("IT", _words(r"IT(?=\s+(?i:services?|support|systems?|equipment|hardware|software|"
                  r"infrastructure|managed|contract|consultancy|solutions?|network|provision))",
                  r"(?<=[Mm]anaged )IT", r"(?<=MANAGED )IT", flags=0)),
    ("information technology", _words(r"information (?:and communications? )?technology")),
    ("software", _words(r"software", r"saas", r"paas", r"iaas")),
    ("licences", _words(r"(?:software|system|user|microsoft|oracle|annual) licen[cs]es?",
                        r"licen[cs]es? (?:and|&) (?:support|maintenance)")),
    ("cloud / hosting", _words(r"cloud(?:[- ](?:based|hosted|services?|platform|migration))?",
                               r"(?:web |application |server |system )?hosting", r"hosted service",
                               r"data ?cent(?:re|er)s?", r"servers?", r"azure", r"aws")),
    ("system", _words(r"(?:case|document|records|content|asset|housing|information|library|"
                      r"electoral|management information|payroll|hr|finance|financial|"
                      r"revenues?|benefits?|planning|crm|erp|telephony|it|ict) "
                      r"(?:management )?systems?",
                      r"system (?:support|maintenance|upgrade|implementation|replacement)")),
    ("CRM / ERP", _words(r"CRM", r"ERP", r"EDRMS", r"GIS", flags=0)),
    ("devices", _words(r"laptops?", r"desktops?", r"PCs?", r"computers?", r"computing",
                       r"tablet (?:devices|computers)", r"ipads?", r"chromebooks?",
                       r"printers?", r"multi-?functional devices?", r"MFDs?", r"thin clients?",
                       r"monitors? and (?:docking|keyboards)")),
    ("telecoms / network", _words(r"telephony", r"telecoms?", r"telecommunications?",
                                  r"mobile (?:phones?|telephony|devices|voice and data)",
                                  r"broadband", r"WAN", r"LAN", r"wi-?fi", r"wireless network",
                                  r"network (?:infrastructure|services|equipment|switches|"
                                  r"security|upgrade|refresh)", r"PSN", r"SIP trunks?",
                                  r"unified communications", r"contact cent(?:re|er) telephony")),
    ("cyber security", _words(r"cyber", r"firewalls?", r"penetration test(?:ing)?", r"anti-?virus",
                              r"endpoint protection", r"SIEM",
                              r"security operations cent(?:re|er)")),
    ("data / digital", _words(r"databases?", r"data warehouse", r"business intelligence",
                              r"analytics platform", r"web ?site", r"web content management",
                              r"digital (?:platform|services?|transformation|solution)",
                              r"portal", r"e-?procurement system", r"e-?learning platform",
                              r"online (?:system|platform|portal)", r"app development",
                              r"application (?:support|development|maintenance)")),
)


# A technology word in a contract about teaching it is not a technology contract.
TEACHING = _words(r"learners?", r"vocational", r"qualifications?", r"apprenticeships?",
                  r"tuition", r"curriculum")


@dataclass(frozen=True)
class TechDecision:
    keep: bool
    basis: str  # "cpv", "keyword" or "none"
    reason: str  # for the report: why kept or why skipped


def decide_technology(codes: Sequence[str], fields: Sequence[tuple[str, str]]) -> TechDecision:
    """`codes`: the row's CPV codes; `fields`: (name, text) pairs such as ('title', ...)."""
    if codes:
        for code in codes:
            label = it_cpv(code)
            if label:
                return TechDecision(True, "cpv", f"CPV {code} ({label})")
        shown = ", ".join(codes[:3])
        return TechDecision(False, "cpv", f"not technology: CPV {shown} is outside 48, 72, 30.2 "
                                          "and 32")
    for name, text in fields:
        if not text:
            continue
        for label, pattern in TECH_KEYWORDS:
            if match := pattern.search(text):
                if teaching := TEACHING.search(text):
                    return TechDecision(False, "keyword", f"not technology: {match[0]!r} in "
                                        f"{name}, but the contract is about teaching "
                                        f"({teaching[0]!r})")
                return TechDecision(True, "keyword", f"keyword {match[0]!r} ({label}) in {name}")
        if product := detect_product([text]):
            found = product.search(text)
            shown = found[0] if found else product.system
            return TechDecision(True, "keyword", f"product {shown!r} ({product.system}) in {name}")
    return TechDecision(False, "none", "not technology: no CPV code and no technology keyword in "
                                       "the title, description or category")


# --- 2 and 3. products and service areas ---------------------------------------------------------

@dataclass(frozen=True)
class Product:
    pattern: re.Pattern[str]
    system: str
    manufacturer: str
    area: str  # service-area slug
    # For a name that is also an ordinary word or another body's name ("Mosaic Foster Care
    # Ltd", "Family Mosaic" the housing association, "SAP ratings"): the name only counts when
    # the same text shows it is software (PRODUCT_CONTEXT, a technology keyword, or the maker).
    context: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        match = self.pattern.search(text)
        if match is None or self.context is None:
            return match
        if self.context.search(text) or any(p.search(text) for _, p in TECH_KEYWORDS):
            return match
        return None


# Words that say a product name is meant as software.
PRODUCT_CONTEXT = _words(
    r"systems?", r"software", r"licen[cs]es?", r"hosting", r"hosted", r"saas", r"cloud",
    r"upgrades?", r"implementation", r"modules?", r"case management", r"platform", r"database",
    r"applications?", r"integration", r"interfaces?", r"data migration", r"portal",
    r"(?:software|system|technical|application|IT|ICT) support", r"support and maintenance",
    r"maintenance and support")


def _p(pattern: str, system: str, manufacturer: str, area: str, flags: int = re.IGNORECASE,
       *, context: str | None = None) -> Product:
    """A product; `context` (the maker's names) marks a name that needs technology context."""
    needed = None
    if context is not None:
        needed = re.compile(PRODUCT_CONTEXT.pattern + "|" + r"(?<![\w-])(?:" + context
                            + r")(?![\w-])", re.IGNORECASE)
    return Product(re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", flags), system,
                   manufacturer, area, needed)


# Products London boroughs commonly run, named as contracts name them. Generic English words
# ('Uniform', 'Academy', 'Confirm', 'Eclipse') only count next to their maker or purpose; names
# that are words or other bodies' names on their own ('Mosaic', 'Whitespace', 'Soprano',
# 'Tableau', 'Business World', 'SAP', 'LCS', 'EHM') only count in a text that shows they are
# software (`context`).
PRODUCTS: tuple[Product, ...] = (
    _p(r"Liquid ?logic (?:children'?s|LCS)", "Liquidlogic LCS", "System C",
       "childrens-social-care"),
    _p(r"LCS", "Liquidlogic LCS", "System C", "childrens-social-care", flags=0,
       context=r"Liquid ?logic|System C"),
    _p(r"Liquid ?logic (?:adults'?|LAS)|Liquidlogic LAS", "Liquidlogic LAS", "System C",
       "adult-social-care"),
    _p(r"Liquid ?logic EHM", "Liquidlogic EHM", "System C", "childrens-social-care"),
    _p(r"EHM", "Liquidlogic EHM", "System C", "childrens-social-care", flags=0,
       context=r"Liquid ?logic|System C"),
    _p(r"ContrOCC", "ContrOCC", "System C", "adult-social-care"),
    # Not "Mosaic Foster Care Ltd" (fostering, Norfolk's register) nor "Family Mosaic" (a
    # housing association), and only as software.
    _p(r"(?<!Family )Mosaic(?! Foster| Housing| Homes| Community)", "Mosaic", "System C",
       "adult-social-care", context=r"System C|Servelec"),
    _p(r"Care ?First|CareFirst", "CareFirst", "OLM", "adult-social-care"),
    _p(r"OLM Eclipse|Eclipse (?:case management|social care)", "Eclipse", "OLM",
       "childrens-social-care"),
    _p(r"Capita One|One (?:education|system) \(Capita\)", "Capita One", "Capita", "education"),
    _p(r"SIMS", "SIMS", "ESS", "education", flags=0),
    _p(r"Synergy (?:education|system)|Servelec Synergy", "Synergy", "System C", "education"),
    _p(r"Capita Academy|Academy (?:revenues|benefits|system)", "Academy", "Capita",
       "revenues-benefits"),
    _p(r"iWorld|Northgate Revenues|NEC Revenues", "NEC Revenues & Benefits",
       "NEC Software Solutions", "revenues-benefits"),
    _p(r"OpenRevenues|Open Revenues", "OpenRevenues", "Civica", "revenues-benefits"),
    _p(r"Northgate Housing|NEC Housing", "NEC Housing", "NEC Software Solutions", "housing"),
    _p(r"Civica CX|Orchard Housing", "Housing management system", "", "housing"),
    _p(r"Locata|Abritas|Jigsaw homelessness", "Housing allocations system", "", "housing"),
    _p(r"Idox Uniform|Uniform (?:planning|system|software|licen[cs]es?|support)",
       "Uniform", "Idox", "planning-building-control"),
    _p(r"Acolaid", "Acolaid", "Idox", "planning-building-control"),
    _p(r"Tascomi", "Tascomi", "Tascomi", "planning-building-control"),
    _p(r"Arcus (?:Global|planning|building control)", "Arcus", "Arcus Global",
       "planning-building-control"),
    _p(r"(?:Objective )?Keyplan", "Objective Keyplan", "Objective Corporation",
       "planning-building-control"),
    _p(r"Bartec|Yotta|Confirm (?:asset|system)", "Waste and street management system",
       "", "waste-street-scene"),
    _p(r"Whitespace", "Waste and street management system", "", "waste-street-scene",
       context=r"Whitespace Work Software|waste|refuse|recycling"),
    _p(r"Chipside|Taranto|MiPermit|RingGo|PayByPhone", "Parking system", "", "parking"),
    _p(r"Spydus", "Spydus", "Civica", "libraries"),
    _p(r"SirsiDynix|Sirsi Dynix|Symphony (?:library|LMS)", "Symphony", "SirsiDynix", "libraries"),
    _p(r"Axiell|Arena ?V7", "Axiell Arena", "Axiell", "libraries"),
    _p(r"Prism (?:library|catalogue)", "Library management system", "", "libraries"),
    _p(r"Soprano", "Library management system", "", "libraries",
       context=r"librar(?:y|ies)|Capita"),
    _p(r"Xpress (?:electoral|election|software)", "Xpress", "Xpress Software Solutions",
       "elections"),
    _p(r"Idox Eros|Eros electoral|Halarose", "Eros", "Idox", "elections"),
    _p(r"Democracy Counts", "Democracy Counts", "Democracy Counts", "elections"),
    _p(r"Granicus|Firmstep|GovDelivery", "Granicus", "Granicus", "customer-contact-crm"),
    _p(r"Jadu", "Jadu", "Jadu", "customer-contact-crm"),
    _p(r"Salesforce", "Salesforce", "Salesforce", "customer-contact-crm"),
    _p(r"Dynamics (?:365 )?CRM|Microsoft Dynamics", "Microsoft Dynamics", "Microsoft",
       "customer-contact-crm"),
    _p(r"Oracle (?:Fusion|E-?Business|Cloud ERP|ERP)", "Oracle Fusion", "Oracle", "finance-erp"),
    _p(r"SAP (?:S/4 ?HANA|ERP|system)", "SAP", "SAP", "finance-erp", flags=0),
    # A bare "SAP" is also the Standard Assessment Procedure of homes' energy ratings.
    _p(r"SAP(?! (?:assessments?|ratings?|calculations?|surveys?|assessors?))", "SAP", "SAP",
       "finance-erp", flags=0, context=r"S/4 ?HANA|Fiori|SuccessFactors|Ariba"),
    _p(r"Agresso|Unit ?4 (?:ERP|Business World)", "Unit4 ERP", "Unit4", "finance-erp"),
    _p(r"Business World", "Unit4 ERP", "Unit4", "finance-erp", context=r"Unit ?4|Agresso"),
    _p(r"Civica Pay|Pay360|Paris income", "Income management system", "", "finance-erp"),
    _p(r"iTrent", "iTrent", "MHR", "hr-payroll"),
    _p(r"ResourceLink|Resource Link", "ResourceLink", "Zellis", "hr-payroll"),
    _p(r"Information@Work|Information at Work", "Information@Work", "NEC Software Solutions",
       "document-records"),
    _p(r"ArcGIS|Esri", "ArcGIS", "Esri", "gis"),
    _p(r"Power ?BI", "Power BI", "Microsoft", "data-analytics"),
    _p(r"Qlik(?: ?Sense| ?View)?", "Business intelligence platform", "",
       "data-analytics"),
    _p(r"Tableau", "Business intelligence platform", "", "data-analytics",
       context=r"dashboards?|analytics|business intelligence|Salesforce"),
    _p(r"(?:Microsoft|Office|M) ?365|Office 365|Microsoft Enterprise Agreement",
       "Microsoft 365", "Microsoft", "end-user-devices"),
    _p(r"(?:Microsoft )?Azure", "Microsoft Azure", "Microsoft", "hosting-cloud"),
    _p(r"AWS|Amazon Web Services", "Amazon Web Services", "Amazon Web Services",
       "hosting-cloud"),
)

# Service-area terms (pattern, slug). Order only breaks ties between matches that start at the
# same place; the longest match there wins ('housing benefit' beats 'housing').
SERVICE_AREA_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_words(r"adults?'? social care", r"adults?'? services", r"adult care", r"care management",
            r"home ?care", r"reablement", r"care act", r"direct payments", r"social care"),
     "adult-social-care"),
    (_words(r"children'?s?'? social care", r"children'?s?'? services", r"children and families",
            r"safeguarding", r"early help", r"fostering", r"adoption", r"looked after children",
            r"youth (?:offending|justice)"),
     "childrens-social-care"),
    (_words(r"revenues?(?: and | & )?benefits?", r"revenues?", r"council tax", r"business rates",
            r"NNDR", r"housing benefits?", r"benefits? (?:system|service|processing)"),
     "revenues-benefits"),
    (_words(r"housing(?! benefit)", r"tenan(?:cy|cies|ts?)", r"repairs", r"homeless(?:ness)?",
            r"lettings", r"estates management", r"leasehold"),
     "housing"),
    (_words(r"planning (?:applications?|system|software|portal|service|policy|enforcement|"
            r"register|and building control|& building control|consultation)",
            r"(?:town|spatial|development) planning", r"building control", r"land charges",
            r"local plan", r"development management"),
     "planning-building-control"),
    (_words(r"waste", r"refuse", r"recycling", r"street ?scene", r"street cleansing",
            r"highways?", r"street lighting", r"fleet", r"grounds maintenance"),
     "waste-street-scene"),
    (_words(r"parking", r"PCNs?", r"penalty charge", r"parking permits?", r"CCTV enforcement",
            r"civil enforcement"),
     "parking"),
    (_words(r"librar(?:y|ies)", r"LMS"), "libraries"),
    (_words(r"elections?", r"electoral", r"canvass", r"voters?", r"polling"), "elections"),
    (_words(r"schools?", r"education", r"pupils?", r"admissions", r"early years",
            r"special educational needs"),
     "education"),
    (_words(r"SEND?", flags=0), "education"),
    (_words(r"public health", r"sexual health", r"substance misuse", r"health visiting",
            r"health checks"),
     "public-health"),
    (_words(r"CRM", r"customer (?:contact|services?|relationship|portal|experience)",
            r"contact cent(?:re|er)", r"web ?site", r"web content", r"chat ?bot", r"webchat",
            r"consultation (?:hub|platform|tool)", r"digital engagement", r"online forms",
            r"customer account", r"complaints"),
     "customer-contact-crm"),
    (_words(r"finance", r"financial", r"ERP", r"accounts payable", r"accounts receivable",
            r"income management", r"payments?", r"procure[- ]to[- ]pay", r"e-?procurement",
            r"purchasing", r"treasury", r"budgeting", r"debt recovery"),
     "finance-erp"),
    (_words(r"HR", r"human resources", r"payroll", r"recruitment", r"learning management",
            r"e-?learning", r"workforce", r"timesheets?", r"pensions?"),
     "hr-payroll"),
    (_words(r"document management", r"EDRMS", r"records management", r"scanning",
            r"(?:electronic|enterprise) content management", r"ECM",
            r"digital mail(?:room)?", r"archiv(?:e|es|ing)", r"information governance",
            r"FOI", r"SharePoint"),
     "document-records"),
    (_words(r"GIS", r"mapping", r"geospatial", r"gazetteer", r"LLPG", r"Ordnance Survey",
            r"aerial (?:imagery|photography)"),
     "gis"),
    (_words(r"business intelligence", r"analytics", r"data warehouse", r"dashboards?",
            r"data platform", r"reporting tool", r"data analysis"),
     "data-analytics"),
    (_words(r"cyber", r"firewalls?", r"penetration test(?:ing)?", r"security operations",
            r"SOC", r"SIEM", r"anti-?virus", r"endpoint protection", r"information security",
            r"vulnerability"),
     "cyber-security"),
    (_words(r"(?:network|networks|networking) (?:infrastructure|services?|equipment|switch(?:es)?|"
            r"security|upgrade|refresh|management|connectivity|support)",
            r"(?:data|voice and data|voice & data|corporate|wide area|local area|area) networks?",
            r"networks,? telephony", r"WAN", r"LAN", r"wi-?fi", r"wireless", r"telephony",
            r"telephones?", r"telecoms?", r"telecommunications?", r"radiocomms",
            r"mobile (?:phones?|telephony|voice|data|communications)", r"broadband", r"PSN",
            r"SIP", r"unified communications", r"voice (?:and|&) data", r"voice services",
            r"radio (?:system|equipment|licences?|network)", r"paging", r"circuits"),
     "network-telephony"),
    (_words(r"hosting", r"hosted", r"data ?cent(?:re|er)s?", r"cloud", r"servers?", r"backups?",
            r"disaster recovery", r"storage", r"infrastructure as a service", r"IaaS",
            r"virtual desktops?"),
     "hosting-cloud"),
    (_words(r"laptops?", r"desktops?", r"PCs?", r"computers?", r"tablet (?:devices|computers)",
            r"ipads?", r"chromebooks?", r"printers?", r"printing", r"MFDs?",
            r"multi-?functional devices?", r"end[- ]user", r"devices?",
            r"Windows (?:10|11|server|licen[cs]es?)", r"thin clients?",
            r"service ?desk", r"desktop support", r"(?:ICT |IT |computer )?hardware"),
     "end-user-devices"),
)

# CPV families that say the area when the words do not.
CPV_AREAS: tuple[tuple[str, str], ...] = (
    ("4844", "finance-erp"),          # financial analysis and accounting software
    ("4845", "hr-payroll"),           # time accounting or human resources software
    ("4873", "cyber-security"),       # security software
    ("4876", "cyber-security"),       # virus protection software
    ("7270", "network-telephony"),    # computer network services
    ("72415", "hosting-cloud"),       # web site hosting
    ("72317", "hosting-cloud"),       # data storage services
    ("302", "end-user-devices"),      # computer equipment and supplies
    ("32", "network-telephony"),      # telecoms equipment
)


@dataclass(frozen=True)
class AreaDecision:
    slug: str
    reason: str


def _first_term(text: str) -> tuple[int, int, str, str] | None:
    """(start, -length, slug, matched text) of the leftmost (then longest) area term or product."""
    best: tuple[int, int, str, str] | None = None
    for product in PRODUCTS:
        if match := product.search(text):
            candidate = (match.start(), -len(match[0]), product.area, match[0])
            best = candidate if best is None or candidate[:2] < best[:2] else best
    for pattern, slug in SERVICE_AREA_TERMS:
        if match := pattern.search(text):
            candidate = (match.start(), -len(match[0]), slug, match[0])
            best = candidate if best is None or candidate[:2] < best[:2] else best
    return best


def classify_service_area(fields: Sequence[tuple[str, str]], codes: Iterable[str] = ()
                          ) -> AreaDecision:
    """The service area of a contract from its (field name, text) pairs in priority order."""
    for name, text in fields:
        if text and (found := _first_term(text)):
            return AreaDecision(found[2], f"{found[3]!r} in {name}")
    for code in codes:
        for prefix, slug in CPV_AREAS:
            if code.startswith(prefix):
                return AreaDecision(slug, f"CPV {code}")
    return AreaDecision("unclassified", "no service-area term in the text")


def detect_product(texts: Iterable[str]) -> Product | None:
    """The first known product named in the texts (checked in order), else None."""
    for text in texts:
        if not text:
            continue
        found: tuple[int, Product] | None = None
        for product in PRODUCTS:
            if (match := product.search(text)) and (found is None or
                                                            match.start() < found[0]):
                found = (match.start(), product)
        if found:
            return found[1]
    return None


# --- 4. hosting ----------------------------------------------------------------------------------

_SAAS = _words(r"saas", r"software as a service", r"cloud[- ]based", r"cloud[- ]hosted",
               r"cloud (?:solution|service|platform)")
_HOSTED = _words(r"hosted", r"hosting", r"managed service")
_ON_PREMISES = _words(r"on[- ]prem(?:ise|ises)?", r"on[- ]site server", r"in[- ]house server")


def detect_hosting(texts: Iterable[str]) -> str:
    """'saas', 'hosted', 'on_premises' or '' (not known) from the contract's words."""
    joined = " | ".join(t for t in texts if t)
    if _SAAS.search(joined):
        return "saas"
    if _ON_PREMISES.search(joined):
        return "on_premises"
    if _HOSTED.search(joined):
        return "hosted"
    return ""


_G_CLOUD = re.compile(r"\bG-?\s?Cloud\s?(\d{1,2})\b", re.IGNORECASE)
_FRAMEWORKS = re.compile(r"\b(?:RM\d{4}|ESPO\s?\d{3}(?:_\d{2})?|Crown Commercial Service|CCS|"
                         r"YPO|NEPO|KCS|LPP)\b")


def detect_route(texts: Iterable[str]) -> str:
    """'G-Cloud 14' or a framework reference named in the text, else ''."""
    for text in texts:
        if not text:
            continue
        if match := _G_CLOUD.search(text):
            return f"G-Cloud {int(match[1])}"
        if match := _FRAMEWORKS.search(text):
            return match[0]
    return ""
