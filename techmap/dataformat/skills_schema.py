"""The optional skills table of a dataset (skills.csv): its columns and the published list of skill
areas. A row is a borough team's aggregate level in one area, 1 (little or none) to 5 (strong, able
to teach others): never a statement about a named person.

Everything that reads or writes skills (validator, loader, survey, demo generator, the /skills page,
the map's skill metrics, the data dictionary) takes the list from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from techmap.dataformat.schema import Column

SKILLS_FILE = "skills.csv"
MIN_LEVEL, MAX_LEVEL = 1, 5


@dataclass(frozen=True)
class SkillArea:
    """One published skill area: its slug (the skill_area column), the label shown for it, and
    what it covers."""

    slug: str
    label: str
    description: str


SKILL_AREAS: tuple[SkillArea, ...] = (
    SkillArea("cloud", "Cloud", "Running services on public cloud platforms: design, migration, "
              "cost and operations."),
    SkillArea("cyber-security", "Cyber security", "Protecting systems and data: risk, assurance, "
              "monitoring and incident response."),
    SkillArea("data", "Data", "Managing, analysing and sharing data: engineering, analytics, "
              "governance and data protection."),
    SkillArea("user-research", "User research", "Learning what residents and staff need through "
              "research with them."),
    SkillArea("product-management", "Product management", "Owning a service or product: its "
              "outcomes, priorities and roadmap."),
    SkillArea("agile-delivery", "Agile delivery", "Delivering in small, frequent steps with "
              "multidisciplinary teams."),
    SkillArea("enterprise-architecture", "Enterprise architecture", "Shaping how the council's "
              "systems, data and integrations fit together."),
    SkillArea("procurement-and-contract-management", "Procurement and contract management",
              "Buying technology well and managing suppliers and renewals."),
    SkillArea("service-design", "Service design", "Designing whole services end to end, across "
              "channels and teams."),
    SkillArea("software-engineering", "Software engineering", "Building and maintaining software: "
              "in-house development, integration and testing."),
    SkillArea("networks", "Networks", "Designing and running networks, connectivity and "
              "end-user infrastructure."),
    SkillArea("digital-inclusion", "Digital inclusion", "Helping residents get online and use "
              "digital services: access, skills and support."),
)
SKILL_AREAS_BY_SLUG: dict[str, SkillArea] = {a.slug: a for a in SKILL_AREAS}
SKILL_LEVELS: dict[int, str] = {
    1: "little or none", 2: "basic", 3: "working", 4: "good", 5: "strong: could teach others"}

SKILL_COLUMNS: tuple[Column, ...] = (
    Column("authority_code", True, "code", "Borough",
           "ONS code of the borough (E09000001 to E09000033); names such as 'LB Camden' are read "
           "too.", "E09000007"),
    Column("skill_area", True, "slug", "Skill area",
           "Slug from the skill-area list (see datasets/README.md).", "cyber-security"),
    Column("level", True, "int", "Level (1-5)",
           "The borough team's aggregate level in the area: 1 little or none, 2 basic, 3 working, "
           "4 good, 5 strong (could teach others). Never about a named person.", "3"),
    Column("as_of", True, "date", "As of", "When the level was assessed, ISO date.", "2026-09-30"),
    Column("source", True, "text", "Source", "Key into the manifest's sources.", "demo"),
    Column("synthetic", True, "bool", "Synthetic",
           "true for illustrative levels that describe no real team.", "false"),
)
SKILL_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in SKILL_COLUMNS)


def skill_label(slug: str) -> str:
    area = SKILL_AREAS_BY_SLUG.get(slug)
    return area.label if area else slug
