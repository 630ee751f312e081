"""Reading one published cell: text, dates and money as councils and Contracts Finder write them.

The validator's parsers (techmap.dataformat.parsing) accept the clean forms; published files have more warts
than a dataset may, so each reader here first takes off what is harmless ("£", "+ VAT", "approx.",
a time of day), reads what it can, and returns a *note* for anything a person should check (a
range read as its upper bound, a placeholder date, a value of 0). A note never stops a row.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from techmap.dataformat.parsing import parse_date, parse_money

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """HTML entities decoded, non-breaking spaces and line breaks turned to spaces, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = html.unescape(str(value)).replace("\u00a0", " ").replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip()


# --- dates ---------------------------------------------------------------------------------------

# Filler written where a date is not known; read as blank, with a note.
_NOT_A_DATE = {
    "", "-", "--", "n/a", "na", "n.a.", "none", "nil", "tbc", "tba", "tbd", "unknown", "not known",
    "ongoing", "on going", "rolling", "rolling contract", "open", "open ended", "open-ended",
    "various", "see notes", "not applicable", "no end date", "until terminated", "indefinite",
}
# Dates that stand for "unknown" in the systems councils export from.
PLACEHOLDER_DATES = frozenset({date(1900, 1, 1), date(1899, 12, 30), date(1899, 12, 31),
                               date(2000, 1, 1), date(9999, 12, 31), date(2099, 12, 31),
                               date(2999, 12, 31)})
_EXCEL_EPOCH = date(1899, 12, 30)
_ISO_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                            r"(?:Z|[+-]\d{2}:?\d{2})?$")
_DAY_FIRST_TIME = re.compile(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})\s+\d{1,2}:\d{2}(?::\d{2})?$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^([a-z]{3,9})\.?[\s\-]+(\d{4})$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


@dataclass(frozen=True)
class Read:
    """A cell read: the value (None when blank or unreadable) and a note for the report."""

    value: object
    note: str | None = None


def read_date(cell: object) -> Read:
    """A published date cell: datetime/date objects (Excel), Excel serial numbers, ISO dates and
    timestamps, day-first dates (31/03/2025, 31-03-25, 31.03.2025), '31-Mar-2025', '31 March
    2025', 'March 2025' (read as the 1st, noted). Month-first dates are read only when they cannot
    be day-first (03/31/2025) and are noted. Placeholders (01/01/1900, 01-Jan-2000, 31/12/9999)
    and words ('ongoing', 'TBC') are blank, noted."""
    if cell is None:
        return Read(None)
    if isinstance(cell, datetime):
        return _checked(cell.date(), str(cell))
    if isinstance(cell, date):
        return _checked(cell, str(cell))
    if isinstance(cell, bool):
        return Read(None, f"{cell!r} is not a date; left blank")
    if isinstance(cell, (int, float)):
        return _from_serial(float(cell), str(cell))
    text = clean_text(cell)
    lowered = text.lower().rstrip(".")
    if not text:
        return Read(None)
    if lowered in _NOT_A_DATE:
        return Read(None, f"{text!r} is not a date; left blank")
    if match := _ISO_TIMESTAMP.match(text):
        text = match[1]
    elif match := _DAY_FIRST_TIME.match(text):
        text = match[1]
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", text) and len(text.split(".")[0]) == 5:
            return _from_serial(float(text), text)  # an Excel serial that became text
        return _checked(parse_date(text), text)
    except ValueError as exc:
        reason = str(exc)
    if match := _MONTH_FIRST.match(text):
        month, day = int(match[1]), int(match[2])
        if day > 12 >= month:
            try:
                value = parse_date(f"{day}/{month}/{match[3]}")
            except ValueError:
                pass
            else:
                read = _checked(value, text)
                if read.value is None:
                    return read
                return Read(read.value, f"{text!r} is month-first (US style); read as "
                                        f"{value.isoformat()}")
    if match := _MONTH_YEAR.match(text):
        month = _MONTHS.get(match[1][:3].lower())
        if month:
            value = date(int(match[2]), month, 1)
            return Read(value, f"{text!r} has no day; read as {value.isoformat()}")
    if reason.startswith("not a date"):
        return Read(None, f"{text!r} is not a date; left blank")
    return Read(None, f"{text!r} is not a date ({reason.split(';')[0]}); left blank")


def _from_serial(serial: float, shown: str) -> Read:
    # Excel serials from 1950 to 2200: anything else in a date column is not a date.
    if not 18264 <= serial <= 110000:
        return Read(None, f"{shown!r} is a number, not a date; left blank")
    return _checked(_EXCEL_EPOCH + timedelta(days=int(serial)), shown)


def _checked(value: date, shown: str) -> Read:
    if value in PLACEHOLDER_DATES:
        return Read(None, f"{shown!r} is a placeholder date; left blank")
    if value.year < 1950 or value.year > 2200:
        return Read(None, f"{shown!r}: year {value.year} is not plausible; left blank")
    return Read(value)


def ocds_date(value: object) -> date | None:
    """An OCDS date-time ('2028-01-20T23:59:59Z', '2025-04-23T23:59:59+01:00'): the calendar
    date as written, in the offset it was written in. End-of-day stamps ('23:59:59') therefore
    stay on their day, which is what the publishers mean."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- money ---------------------------------------------------------------------------------------

_NOT_MONEY = {
    "", "-", "--", "n/a", "na", "n.a.", "none", "nil", "tbc", "tba", "tbd", "unknown", "not known",
    "various", "variable", "see notes", "see below", "not applicable", "commercially sensitive",
    "redacted", "call off", "call-off", "framework", "as required", "per call off", "free",
}
_VAT_NOTE = re.compile(
    r"\(?\s*(?:\+|plus|exc\.?|excl\.?|excluding|exclusive of|ex\.?|inc\.?|incl\.?|including|"
    r"inclusive of|net of|no)\s*vat\s*\)?|\(?\s*vat\s*(?:exempt|inclusive|exclusive|included|"
    r"excluded|incl\.?|excl\.?|inc\.?|exc\.?)\s*\)?|\(?\s*(?:gross|net)\s*\)?$",
    re.IGNORECASE)
_HEDGES = re.compile(r"^(?:up\s+to|upto|max(?:imum)?\.?|approx(?:imately|\.)?|circa|c\.|"
                     r"around|about|estimated|est\.?|budget|~)\s*", re.IGNORECASE)
_ANNUAL = re.compile(r"\b(?:per\s+(?:annum|year|yr)|p\.?\s?a\.?|annual(?:ly)?|a\s+year|"
                     r"each\s+year|yearly)\b|/\s*(?:yr|year|annum)\b", re.IGNORECASE)
_FOREIGN = re.compile(r"€|\$|\beur\b|\beuros?\b|\busd\b", re.IGNORECASE)
_AMOUNT = r"£?\s*\d[\d,]*(?:\.\d+)?\s*(?:k|m|mn|bn|million|billion|thousand)?"
_RANGE = re.compile(rf"^(?:between\s+)?({_AMOUNT})\s*(?:-|–|—|to|and)\s*({_AMOUNT})$",
                    re.IGNORECASE)
_SCALED = re.compile(r"^£?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|mn|bn|million|billion|thousand)$",
                     re.IGNORECASE)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9,
          "billion": 1e9}


@dataclass(frozen=True)
class Money:
    """A money cell read: amount in pounds (None when blank/unreadable), whether the cell said
    it is a yearly figure, and a note for the report."""

    amount: float | None
    annual: bool = False
    note: str | None = None


def _one_amount(text: str) -> float:
    text = text.strip()
    if match := _SCALED.match(text):
        return float(match[1].replace(",", "")) * _SCALE[match[2].lower()]
    return parse_money(text.replace(" ", ""))


def read_money(cell: object) -> Money:
    """A published money cell: numbers, '£1,234.56', '1234 ', '£1.2m', '£500k', '£12,000 + VAT',
    '(exc. VAT)', 'up to £50,000', 'approx. 20000', '£10,000 - £20,000' (upper bound, noted),
    '£12,000 per annum' (marked annual). 0, words ('TBC', 'Various') and foreign currency are
    blank, noted."""
    if cell is None or isinstance(cell, bool):
        return Money(None)
    if isinstance(cell, (int, float)):
        if cell != cell:  # NaN
            return Money(None)
        if cell == 0:
            return Money(None, note="0 read as unknown; left blank")
        if cell < 0:
            return Money(None, note=f"{cell!r} is negative; left blank")
        return Money(float(cell))
    text = clean_text(cell)
    if not text:
        return Money(None)
    lowered = text.lower().rstrip(".")
    if lowered in _NOT_MONEY:
        return Money(None, note=f"{text!r} is not an amount; left blank")
    if _FOREIGN.search(text):
        return Money(None, note=f"{text!r} is not in pounds; left blank (not converted)")
    annual = bool(_ANNUAL.search(text))
    body = _ANNUAL.sub(" ", text)
    body = _VAT_NOTE.sub(" ", body)
    body = re.sub(r"\bgbp\b", " ", body, flags=re.IGNORECASE)
    body = _HEDGES.sub("", _SPACES.sub(" ", body).strip()).strip(" .;:")
    note = None
    try:
        if match := _RANGE.match(body):
            low, high = _one_amount(match[1]), _one_amount(match[2])
            amount = max(low, high)
            note = f"{text!r} is a range; the upper bound {amount:,.0f} is used"
        else:
            amount = _one_amount(body)
    except ValueError as exc:
        reason = str(exc).split(";")[0]
        if reason.startswith("not an amount"):
            return Money(None, note=f"{text!r} is not an amount; left blank")
        return Money(None, note=f"{text!r} is not an amount ({reason}); left blank")
    if amount == 0:
        return Money(None, annual, f"{text!r} read as unknown; left blank")
    return Money(amount, annual, note)


def money_text(amount: float | None) -> str:
    """An amount as the dataset writes it: '12000', '1234.56'."""
    if amount is None:
        return ""
    if float(amount).is_integer():
        return str(int(amount))
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""
