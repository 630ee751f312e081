"""Instance settings, read from environment variables once per process.

HOST, PORT                where `python app.py` listens (default 127.0.0.1:8050)
TECHMAP_DATASET           dataset folder (default datasets/london)
TECHMAP_PUBLIC            "1"/"true": a public instance; restricted fields appear nowhere
TECHMAP_DEBUG             "1"/"true": Dash debug mode (never on a hosted instance)
TECHMAP_TODAY             YYYY-MM-DD: pin "today" (tests, screenshots); default the real date
TECHMAP_CONTACT_EMAIL     where people report accessibility or data problems
TECHMAP_FRAME_ANCESTORS   CSP frame-ancestors, e.g. "'self' https://www.camden.gov.uk"
TECHMAP_BASE_URL          the instance's public address, e.g. https://techmap.london.gov.uk: absolute
                          links (page meta tags, calendars, feeds) use it, never the request's Host
TECHMAP_CALENDAR_ALARM_DAYS  days before a review or re-procurement start that calendar feeds
                          ring an alarm (0..365, default 30; "off" for none); a feed's `alarm`
                          parameter overrides it
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from techmap.dataformat.dataset import DEFAULT_DATASET

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
    base_url: str = "http://127.0.0.1:8050"
    base_url_configured: bool = False  # TECHMAP_BASE_URL set (and valid), not the listen address
    calendar_alarm_days: int | None = 30  # None: no alarms


DEFAULT_ALARM_DAYS = 30
MAX_ALARM_DAYS = 365


def parse_alarm_days(text: str) -> int | None:
    """'30' -> 30, 'off' / 'none' -> None; ValueError naming the value for anything else."""
    word = text.strip().lower()
    if word in ("off", "none"):
        return None
    if not re.fullmatch(r"[0-9]{1,3}", word) or int(word) > MAX_ALARM_DAYS:
        raise ValueError(f"{text!r} is not a whole number of days from 0 to {MAX_ALARM_DAYS}, or \"off\"")
    return int(word)


def _alarm_days() -> int | None:
    text = os.environ.get("TECHMAP_CALENDAR_ALARM_DAYS", "").strip()
    if not text:
        return DEFAULT_ALARM_DAYS
    try:
        return parse_alarm_days(text)
    except ValueError as problem:
        logging.getLogger("techmap").warning("TECHMAP_CALENDAR_ALARM_DAYS: %s; using %s", problem,
                                             DEFAULT_ALARM_DAYS)
        return DEFAULT_ALARM_DAYS


def _base_url(host: str, port: int) -> str:
    """TECHMAP_BASE_URL without a trailing slash; where it is unset or not an http(s) address
    without query or fragment, where `python app.py` listens (and a logged warning for the latter)."""
    default = f"http://{host}:{port}"
    text = os.environ.get("TECHMAP_BASE_URL", "").strip()
    if not text:
        return default
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(c.isspace() or c in "<>\"'" for c in text):
        logging.getLogger("techmap").warning(
            "TECHMAP_BASE_URL=%r is not an http(s) address such as https://techmap.example.org; "
            "using %s", text, default)
        return default
    return text.rstrip("/")


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
        base_url=(base := _base_url(os.environ.get("HOST", "127.0.0.1"), port)),
        base_url_configured=base != f"http://{os.environ.get('HOST', '127.0.0.1')}:{port}",
        calendar_alarm_days=_alarm_days(),
    )
