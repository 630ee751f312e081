"""Cell and column parsers of techmap.dataformat.parsing: dates, amounts, ratings, booleans, encodings."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmap.dataformat.parsing import (
    DATE_DTYPE,
    decode_text,
    dropped_time,
    parse_bool,
    parse_bool_column,
    parse_date,
    parse_date_column,
    parse_money,
    parse_money_column,
    parse_rating,
    parse_rating_column,
    read_date_column,
)


def text_series(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="str")


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-31", date(2024, 3, 31)),
    ("2024/03/31", date(2024, 3, 31)),
    ("2024-3-5", date(2024, 3, 5)),
    ("2024-03-31 00:00:00", date(2024, 3, 31)),  # pandas/Excel exports add a midnight time
    ("2024-03-31T00:00:00", date(2024, 3, 31)),
    # ISO date-times, as the importers read them: the date is kept as written (see dropped_time)
    ("2024-01-01T10:30:00", date(2024, 1, 1)),
    ("2024-03-31 14:00", date(2024, 3, 31)),
    ("2024-03-31T23:59:59.999+01:00", date(2024, 3, 31)),  # no time-zone shift of the day
    ("2024-03-31T00:00:00Z", date(2024, 3, 31)),
    ("31/03/2024 10:30", date(2024, 3, 31)),
    ("31 Mar 2024 09:00:00", date(2024, 3, 31)),
    ("31/03/2024", date(2024, 3, 31)),  # UK day first
    ("31-03-2024", date(2024, 3, 31)),
    ("31.03.2024", date(2024, 3, 31)),
    ("1/4/2020", date(2020, 4, 1)),
    ("01/04/99", date(1999, 4, 1)),  # two-digit years pivot at 70
    ("01/04/24", date(2024, 4, 1)),
    ("31 Mar 2024", date(2024, 3, 31)),
    ("31 March 2024", date(2024, 3, 31)),
    ("31-Mar-2024", date(2024, 3, 31)),
    ("1st Sept 2025", date(2025, 9, 1)),
    ("45382", date(2024, 3, 31)),  # Excel serial: 1899-12-30 + 45382 days
    ("43922", date(2020, 4, 1)),
    ("45382.75", date(2024, 3, 31)),  # a time of day is dropped
    ("20240331", date(2024, 3, 31)),
])
def test_parse_date_accepts_common_formats(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/2024", "no such date: February 2024 has 29 days"),
    ("29/02/2023", "no such date: February 2023 has 28 days"),
    ("2024-04-31", "no such date: April 2024 has 30 days"),
    ("03/31/2024", "there is no month 31: dates are read day first (DD/MM/YYYY); "
                   "is this a US month-first date?"),
    ("01/13/2024", "there is no month 13: dates are read day first"),
    ("2024-13-01", "there is no month 13"),
    ("31/03/1850", "year 1850 is out of range (1900-2200)"),
    ("31 Foo 2024", "unknown month name 'foo'"),
    ("2024", "a year alone is not a date"),
    ("12", "a number, but not an Excel date serial between 18264 (1950)"),
    ("soon", "not a date; use YYYY-MM-DD"),
    ("2024-03-31T24:00", "'24:00' is not a time of day"),
    ("2024-03-31 10:60", "'10:60' is not a time of day"),
    ("2024-02-30T10:00:00", "no such date: February 2024 has 29 days"),
    ("2024-03-31T10", "not a date"),  # an hour alone is not a time
    ("10:30", "not a date"),
])
def test_parse_date_rejects_with_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value).startswith(reason)


DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2199, 12, 31))


@given(DATES)
def test_parse_date_round_trips_every_accepted_format(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"),
                 day.strftime("%d %b %Y"), day.strftime("%d %B %Y"), str(serial)):
        assert parse_date(text) == day, text


@given(st.lists(DATES, min_size=1, max_size=20))
def test_date_column_matches_the_per_value_parser(days: list[date]) -> None:
    texts = [d.isoformat() if i % 2 else d.strftime("%d/%m/%Y") for i, d in enumerate(days)]
    parsed, reasons = parse_date_column(text_series(texts))
    assert reasons == {}
    assert [ts.date() for ts in parsed] == days


def test_date_column_keeps_blanks_and_reports_bad_cells_by_index() -> None:
    values = text_series(["2024-03-31", "", "31/03/2024", "31/02/2024", "0001-01-01", "45382",
                          "31/02/2024"])
    parsed, reasons = parse_date_column(values)
    assert str(parsed.dtype) == DATE_DTYPE
    assert parsed.iloc[0] == pd.Timestamp("2024-03-31")
    assert pd.isna(parsed.iloc[1])
    assert parsed.iloc[2] == pd.Timestamp("2024-03-31")
    assert parsed.iloc[5] == pd.Timestamp("2024-03-31")
    assert pd.isna(parsed.iloc[3]) and pd.isna(parsed.iloc[4]) and pd.isna(parsed.iloc[6])
    assert reasons == {
        3: "no such date: February 2024 has 29 days",
        4: "year 1 is out of range (1900-2200)",  # the ISO fast path parses it; the range check not
        6: "no such date: February 2024 has 29 days",
    }


@pytest.mark.parametrize(("text", "time"), [
    ("2024-01-01T10:30:00", "10:30:00"),
    ("2024-01-01 10:30", "10:30"),
    ("2024-03-31T23:59:59+01:00", "23:59:59+01:00"),
    ("31/03/2024 09:00", "09:00"),
    ("45382.75", "18:00"),  # three quarters of a day
    ("45382.5", "12:00"),
    ("2024-01-01T00:00:00", None),  # midnight: nothing is lost
    ("2024-01-01 00:00:00.000Z", None),
    ("2024-01-01", None),
    ("45382", None),
    ("45382.0", None),
])
def test_dropped_time(text: str, time: str | None) -> None:
    assert dropped_time(text) == time


def test_date_column_notes_each_cell_whose_time_is_dropped() -> None:
    values = text_series(["2024-03-31", "2024-03-31T10:30:00", "2024-03-31T00:00:00", "",
                          "2024-03-31T10:30:00", "2024-03-31T99:00"])
    column = read_date_column(values)
    assert column.dates.tolist()[:3] == [pd.Timestamp("2024-03-31")] * 3
    assert column.dates.iloc[4] == pd.Timestamp("2024-03-31")
    assert column.notes == {1: "the time of day (10:30:00) is dropped: only the date is kept",
                            4: "the time of day (10:30:00) is dropped: only the date is kept"}
    assert list(column.reasons) == [5]
    parsed, reasons = parse_date_column(values)  # the two-value form gives the same
    assert parsed.equals(column.dates) and reasons == column.reasons


def test_date_column_of_nothing() -> None:
    parsed, reasons = parse_date_column(text_series([]))
    assert len(parsed) == 0 and reasons == {} and str(parsed.dtype) == DATE_DTYPE


# --- amounts -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1234", 1234.0),
    ("1,234", 1234.0),
    ("£1,234.50", 1234.5),
    (" 1234 ", 1234.0),
    ("£ 2500", 2500.0),
    ("GBP 1,000,000", 1_000_000.0),
    ("0", 0.0),
    ("1e6", 1_000_000.0),
])
def test_parse_money_accepts(text: str, expected: float) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("abc", "not an amount"),
    ("-5", "negative amount"),
    ("£-10", "negative amount"),
    ("(500)", "negative amount"),
    ("−5", "negative amount"),  # a typographic minus sign
    ("-", "not an amount"),
    ("1,23", "not an amount"),  # a decimal comma would silently become 123
    ("12.5k", "not an amount"),
    ("nan", "not an amount"),
    ("inf", "not an amount"),
])
def test_parse_money_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_money(text)
    assert str(caught.value).startswith(reason)


def test_money_column() -> None:
    values = text_series(["1234", "", "£1,234.50", "abc", "-5", "1,234", "inf"])
    numbers, reasons = parse_money_column(values)
    assert numbers.dtype == "float64"
    assert numbers.iloc[[0, 2, 5]].tolist() == [1234.0, 1234.5, 1234.0]
    assert all(math.isnan(numbers.iloc[i]) for i in (1, 3, 4, 6))
    assert sorted(reasons) == [3, 4, 6]
    assert reasons[4].startswith("negative amount")
    assert reasons[3].startswith("not an amount") and reasons[6].startswith("not an amount")


# --- ratings and booleans ------------------------------------------------------------------------

def test_parse_rating() -> None:
    assert parse_rating("4") == 4.0
    assert parse_rating("4.0") == 4.0
    for bad in ("0", "6", "3.5", "good", "-1"):
        with pytest.raises(ValueError, match="not a whole number from 1 to 5"):
            parse_rating(bad)


def test_rating_column() -> None:
    numbers, reasons = parse_rating_column(text_series(["1", "5", "", "0", "6", "3.5", "x"]))
    assert numbers.iloc[:2].tolist() == [1.0, 5.0]
    assert numbers.iloc[2:].isna().all()
    assert sorted(reasons) == [3, 4, 5, 6]


@pytest.mark.parametrize(("text", "expected"), [
    ("true", True), ("TRUE", True), ("Yes", True), ("1", True),
    ("false", False), ("No", False), ("0", False), (" FALSE ", False),
])
def test_parse_bool(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


def test_parse_bool_rejects() -> None:
    for bad in ("maybe", "y", "2", "truth"):
        with pytest.raises(ValueError, match="not true or false"):
            parse_bool(bad)


def test_bool_column_uses_the_default_for_blanks() -> None:
    values = text_series(["TRUE", "no", "", "perhaps"])
    flags, reasons = parse_bool_column(values, default=True)
    assert flags.dtype == bool
    assert flags.tolist() == [True, False, True, True]
    assert list(reasons) == [3]
    flags, _ = parse_bool_column(values, default=False)
    assert flags.tolist() == [True, False, False, False]


# --- encodings -----------------------------------------------------------------------------------

def test_decode_text() -> None:
    assert decode_text("£5 café".encode()) == ("£5 café", "utf-8")
    assert decode_text(b"\xef\xbb\xbfa,b") == ("a,b", "utf-8-sig")  # the BOM is dropped
    assert decode_text(b"\xa35 caf\xe9") == ("£5 café", "cp1252")  # Windows-1252 bytes
    assert decode_text(b"\x93quoted\x94") == ("\u201cquoted\u201d", "cp1252")
    assert decode_text("a\tb".encode("utf-16")) == ("a\tb", "utf-16")
    # UTF-16 without a byte-order mark is valid UTF-8 with a NUL after every letter: read it right
    assert decode_text("a,b\nc,dé".encode("utf-16-le")) == ("a,b\nc,dé", "utf-16-le")
    assert decode_text("a,b\nc,dé".encode("utf-16-be")) == ("a,b\nc,dé", "utf-16-be")
    # a few NULs in a UTF-8 file are not UTF-16: they stay, for the validator to report
    assert decode_text(b"a,b\nc\x00,d\n") == ("a,b\nc\x00,d\n", "utf-8")
    # 0x81 is undefined in Windows-1252: Latin-1 still reads it rather than failing.
    assert decode_text(b"x\x81y") == ("x\x81y", "latin-1")


def test_excel_serial_epoch() -> None:
    # Pin the epoch: 1 January 2024 is serial 45292 in Excel.
    assert parse_date("45292") == date(2024, 1, 1)
    assert parse_date("45292") + timedelta(days=90) == parse_date("45382")
