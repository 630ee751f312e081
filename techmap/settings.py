"""Instance settings, read from environment variables once per process.

HOST, PORT                where `python app.py` listens (default 127.0.0.1:8050)
TECHMAP_DATASET           dataset folder (default datasets/london)
TECHMAP_PUBLIC            "1"/"true": a public instance; restricted fields appear nowhere
TECHMAP_DEBUG             "1"/"true": Dash debug mode (never on a hosted instance)
TECHMAP_TODAY             YYYY-MM-DD: pin "today" (tests, screenshots); default the real date
TECHMAP_CONTACT_EMAIL     where people report accessibility or data problems
TECHMAP_FRAME_ANCESTORS   CSP frame-ancestors, e.g. "'self' https://www.camden.gov.uk"
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from techmap.dataset import DEFAULT_DATASET

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    dataset_path: Path
    public: bool
    debug: bool
    today_override: date | None
    contact_email: str
    frame_ancestors: str


def load_settings() -> Settings:
    today_text = os.environ.get("TECHMAP_TODAY", "").strip()
    try:
        today_override = date.fromisoformat(today_text) if today_text else None
    except ValueError:
        today_override = None
    try:
        port = int(os.environ.get("PORT", "8050"))
    except ValueError:
        port = 8050
    return Settings(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=port,
        dataset_path=Path(os.environ.get("TECHMAP_DATASET") or DEFAULT_DATASET),
        public=_flag("TECHMAP_PUBLIC"),
        debug=_flag("TECHMAP_DEBUG"),
        today_override=today_override,
        contact_email=os.environ.get("TECHMAP_CONTACT_EMAIL", "techmap@example.org"),
        frame_ancestors=os.environ.get("TECHMAP_FRAME_ANCESTORS", "'self'"),
    )
