"""Lenient-but-strict parsing of the cells of a contracts file: text encodings, dates, amounts,
booleans and ratings.

Each kind has a per-value parser (raising ValueError with a reason a person can act on) and a
column parser that does the common case vectorised with pandas and only falls back to the slow
per-value parser for the distinct values the fast path could not read. That keeps a 100k-row file
fast while still accepting what councils actually publish (UK day-first dates, Excel serial dates,
ISO date-times, "£1,234.50").
"""

from __future__ import annotations

import calendar
import codecs
import math
import re
from collections.abc import Callable, Hashable
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

# Dates outside this window are typing mistakes, not contracts (same window as FilterState).
MIN_YEAR = 1900
MAX_YEAR = 2200
DATE_DTYPE = "datetime64[us]"  # what pandas 3 gives for parsed dates; used for every date column

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 given Excel's 1900 leap-year bug
_EXCEL_MIN = (date(1950, 1, 1) - _EXCEL_EPOCH).days  # 18264: older serials are more likely typos
_EXCEL_MAX = (date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
# A time of day after a date, as databases, pandas and Excel exports write it: '2024-03-31T10:30:00',
# '2024-03-31 10:30:00.000+01:00', '31/03/2024 10:30'. The date is kept as written (no time-zone
# conversion) and the time dropped: contracts start and end on days. The validator warns when the
# time is not midnight, since then the day may not be the one meant.
_TIME_OF_DAY = re.compile(r"^(?P<date>.*?\d)(?:[Tt]|\s+)(?P<h>\d{1,2}):(?P<m>\d{2})"
                          r"(?::(?P<s>\d{2})(?P<f>[.,]\d{1,9})?)?\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$")
_TIME_SEPARATORS = "Tt \t"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_TEXT_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_DATE_HINT = "use YYYY-MM-DD (DD/MM/YYYY, '31 Mar 2024' and Excel date numbers are also read)"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # '24' -> 2024, '99' -> 1999 (contracts rarely start before 1970)
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int, *, day_first: bool = False) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    if not 1 <= month <= 12:
        if day_first and 1 <= day <= 12 and 13 <= month <= 31:
            raise ValueError(f"there is no month {month}: dates are read day first (DD/MM/YYYY); "
                             "is this a US month-first date?")
        raise ValueError(f"there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"no such date: {calendar.month_name[month]} {year} has {last} days")
    return date(year, month, day)


def _split_time(value: str) -> tuple[str, tuple[int, int, int, str] | None]:
    """(the date part, (hours, minutes, seconds, fraction digits) or None when there is no time)."""
    match = _TIME_OF_DAY.match(value)
    if not match:
        return value, None
    return match["date"], (int(match["h"]), int(match["m"]), int(match["s"] or 0),
                           (match["f"] or ".")[1:])


def parse_date(text: str) -> date:
    """One date cell (already stripped, not blank); a time of day after it is dropped (see
    dropped_time). Raises ValueError with the reason."""
    value, time_of_day = _split_time(text.strip())
    if time_of_day is not None:
        hours, minutes, seconds, _ = time_of_day
        if hours > 23 or minutes > 59 or seconds > 59:
            shown = text.strip()[len(value):].lstrip(_TIME_SEPARATORS)
            raise ValueError(f"{shown!r} is not a time of day; {_DATE_HINT}")
    lowered = value.lower()
    if match := _ISO.match(value):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_FIRST.match(value):
        return _make_date(_year(match[3]), int(match[2]), int(match[1]), day_first=True)
    if match := _TEXT_MONTH.match(lowered):
        month = _MONTHS.get(match[2])
        if month is None:
            raise ValueError(f"unknown month name {match[2]!r}; {_DATE_HINT}")
        return _make_date(_year(match[3]), month, int(match[1]))
    if _NUMBER.match(value):
        serial = float(value)
        if len(value) == 4 and "." not in value:
            raise ValueError(f"a year alone is not a date; {_DATE_HINT}")
        if len(value) == 8 and "." not in value:  # 20240331
            return _make_date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if not _EXCEL_MIN <= serial <= _EXCEL_MAX:
            raise ValueError(f"a number, but not an Excel date serial between {_EXCEL_MIN} (1950) "
                             f"and {_EXCEL_MAX} ({MAX_YEAR}); {_DATE_HINT}")
        return _EXCEL_EPOCH + timedelta(days=int(serial))  # a time of day is dropped
    raise ValueError(f"not a date; {_DATE_HINT}")


def dropped_time(text: str) -> str | None:
    """The time of day that parse_date drops from a date cell it reads ('10:30:00' of
    '2024-03-31T10:30:00', '18:00' of the Excel serial 45382.75); None when there is none or it is
    midnight."""
    value = text.strip()
    date_part, time_of_day = _split_time(value)
    if time_of_day is not None:
        hours, minutes, seconds, fraction = time_of_day
        if hours or minutes or seconds or fraction.strip("0"):
            return value[len(date_part):].lstrip(_TIME_SEPARATORS)
        return None
    if _NUMBER.match(value) and "." in value and len(value.split(".")[0]) == 5:  # Excel serial
        seconds = round(float("0." + value.split(".")[1]) * 86400)
        if 0 < seconds < 86400:
            return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return None


_NUMBER_TEXT = re.compile(r"^(?:£|gbp)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$", re.IGNORECASE)
_NEGATIVE = re.compile(r"^(?:-|−|\(|£\s*-|gbp\s*-)", re.IGNORECASE)
_MONEY_HINT = "write a plain amount in pounds, e.g. 1234.50 (£ and thousands commas are read)"


def parse_money(text: str) -> float:
    """One amount cell (stripped, not blank): '1234', '1,234', '£1,234.50'. Raises ValueError."""
    value = text.strip()
    if match := _NUMBER_TEXT.match(value):
        return float(match[1].replace(",", "") + (match[2] or ""))
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if number < 0 or (_NEGATIVE.match(value) and re.search(r"\d", value)):
        raise ValueError(f"negative amount; {_MONEY_HINT}")
    if not math.isnan(number) and math.isfinite(number):
        return number  # '1e6' and the like
    raise ValueError(f"not an amount; {_MONEY_HINT}")


def parse_rating(text: str) -> float:
    """A satisfaction score: a whole number 1..5 ('4' or '4.0'). Raises ValueError."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError("not a whole number from 1 to 5") from None
    if not (math.isfinite(number) and number == int(number) and 1 <= number <= 5):
        raise ValueError("not a whole number from 1 to 5")
    return number


TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})


def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0 in any case. Raises ValueError."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("not true or false (true/false, yes/no and 1/0 are read)")


# --- column parsers: vectorised fast path, per-distinct-value slow path -------------------------

T = TypeVar("T")
Reasons = dict[Hashable, str]  # index label -> why that cell could not be read


def _slow_path(values: pd.Series, parse: Callable[[str], T]) -> tuple[dict[str, T], dict[str, str]]:
    """Parse each distinct value once: returns (value -> result, value -> reason)."""
    ok: dict[str, T] = {}
    bad: dict[str, str] = {}
    for value in values.unique():
        try:
            ok[value] = parse(value)
        except ValueError as exc:
            bad[value] = str(exc)
    return ok, bad


class DateColumn(NamedTuple):
    dates: pd.Series  # datetime64, NaT where blank or bad
    reasons: Reasons  # the cells that are not dates, and why (errors)
    notes: Reasons  # the cells whose time of day was dropped (warnings)


def parse_date_column(values: pd.Series) -> tuple[pd.Series, Reasons]:
    """Stripped text column -> datetime64 column (NaT where blank or bad) and the bad cells."""
    column = read_date_column(values)
    return column.dates, column.reasons


def read_date_column(values: pd.Series) -> DateColumn:
    """parse_date_column, plus a note for each cell whose (non-midnight) time of day was dropped."""
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").astype(DATE_DTYPE)
    years = parsed.dt.year
    out_of_range = parsed.notna() & ((years < MIN_YEAR) | (years > MAX_YEAR))
    parsed = parsed.mask(out_of_range)
    todo = (values != "") & parsed.isna()
    reasons: Reasons = {}
    notes: Reasons = {}
    if todo.any():
        ok, bad = _slow_path(values[todo], parse_date)
        if ok:
            found = values[todo].map({k: pd.Timestamp(v) for k, v in ok.items()})
            parsed = parsed.fillna(found.astype(DATE_DTYPE))
        reasons = {i: bad[v] for i, v in values[todo].items() if v in bad}
        # Only the slow path reads times of day: the fast path's format is a bare date.
        times = {v: t for v in ok if (t := dropped_time(v)) is not None}
        notes = {i: f"the time of day ({times[v]}) is dropped: only the date is kept"
                 for i, v in values[todo].items() if v in times}
    return DateColumn(parsed.astype(DATE_DTYPE), reasons, notes)


def _numeric_column(values: pd.Series, parse: Callable[[str], float]) -> tuple[pd.Series, Reasons]:
    numbers = pd.to_numeric(values.where(values != "", None), errors="coerce").astype("float64")
    # Values the fast path read but the rules reject (negative, inf) go to the slow path too,
    # which gives the reason.
    todo = (values != "") & ~np.isfinite(numbers)
    todo |= numbers < 0
    reasons: Reasons = {}
    if todo.any():
        ok, bad = _slow_path(values[todo], parse)
        numbers = numbers.mask(todo, values[todo].map(ok).astype("float64"))
        reasons = {i: bad[v] for i, v in values[todo].items() if v in bad}
    return numbers, reasons


def parse_money_column(values: pd.Series) -> tuple[pd.Series, Reasons]:
    """Stripped text column -> float64 amounts (NaN where blank or bad) and the bad cells."""
    return _numeric_column(values, parse_money)


def parse_rating_column(values: pd.Series) -> tuple[pd.Series, Reasons]:
    """Stripped text column -> float64 ratings 1..5 (NaN where blank or bad) and the bad cells."""
    numbers, reasons = _numeric_column(values, parse_rating)
    # The fast path accepts any number: check the 1..5 whole-number rule on what it read.
    wrong = numbers.notna() & ((numbers % 1 != 0) | (numbers < 1) | (numbers > 5))
    for i in numbers.index[wrong]:
        reasons[i] = "not a whole number from 1 to 5"
    return numbers.mask(wrong), reasons


def by_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """transform(values), worked out once per distinct value and spread back to the rows: a
    column of 100k cells usually holds a few dozen distinct texts, and pandas' text methods cost
    about a microsecond per cell. Same values, dtype and index as transform(values)."""
    codes, uniques = pd.factorize(values.to_numpy())
    if len(uniques) * 2 > len(values) or (codes < 0).any():  # mostly distinct, or missing cells
        return transform(values)
    done = transform(pd.Series(uniques, dtype=values.dtype)).take(codes)
    done.index = values.index
    return done


def parse_bool_column(values: pd.Series, *, default: bool) -> tuple[pd.Series, Reasons]:
    """Stripped text column -> bool column (default where blank or bad) and the bad cells."""
    words = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
    mapped = by_distinct(values, lambda v: v.str.lower().map(words))
    bad = (values != "") & mapped.isna()
    reasons: Reasons = {i: "not true or false (true/false, yes/no and 1/0 are read)"
                        for i in values.index[bad]}
    return mapped.where(mapped.notna(), default).astype(bool), reasons


# --- text encodings ------------------------------------------------------------------------------

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252",
                  "latin-1": "Latin-1", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16 without BOM", "utf-16-be": "UTF-16 without BOM"}


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes look like UTF-16 text without a byte-order mark
    (mostly-ASCII text where every other byte is NUL), else None. Read as UTF-8 such a file would
    give a NUL between every two letters."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 3:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, nuls, text in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls.count(0) >= 0.9 * len(nuls) and text.count(0) <= 0.1 * len(text):
            return codec
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
    'Unicode text') or without one, else Windows-1252 (what Excel on Windows writes for 'CSV'),
    else Latin-1, which never fails. Returns (text, codec name)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data and (codec := _bomless_utf16(data)):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    for codec in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            codec = "utf-8"
        return text, codec
    return data.decode("latin-1"), "latin-1"


def iso_or_blank(value: datetime | date | None) -> str:
    """A date cell from Excel as ISO text (times of day dropped)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()
