"""Reading published date and money cells (techmap.importers.cells)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from techmap.importers.cells import (
    clean_text,
    money_text,
    ocds_date,
    read_date,
    read_money,
)


@pytest.mark.parametrize(("cell", "expected"), [
    ("01-Apr-2013", date(2013, 4, 1)),          # Norfolk's first format
    ("04/09/2014", date(2014, 9, 4)),           # ... and its second, day first
    ("2024-01-15", date(2024, 1, 15)),
    ("2025-01-01 00:00:00", date(2025, 1, 1)),  # a datetime that became text
    ("04/09/2014 00:00", date(2014, 9, 4)),
    ("1 April 2023", date(2023, 4, 1)),
    ("31.03.25", date(2025, 3, 31)),
    ("45383", date(2024, 4, 1)),                # Excel serial as text
    (45383, date(2024, 4, 1)),                  # ... and as a number
    (46112.0, date(2026, 3, 31)),
    (datetime(2024, 5, 1, 9, 30), date(2024, 5, 1)),
    (date(2027, 3, 31), date(2027, 3, 31)),
    ("2025-01-20T00:00:00Z", date(2025, 1, 20)),
])
def test_dates_read_without_a_note(cell: object, expected: date) -> None:
    assert read_date(cell).value == expected
    assert read_date(cell).note is None


@pytest.mark.parametrize(("cell", "expected", "note"), [
    ("03/31/2025", date(2025, 3, 31), "'03/31/2025' is month-first (US style); read as 2025-03-31"),
    ("March 2025", date(2025, 3, 1), "'March 2025' has no day; read as 2025-03-01"),
    ("01-Jan-2000", None, "'01-Jan-2000' is a placeholder date; left blank"),
    ("01/01/1900", None, "'01/01/1900' is a placeholder date; left blank"),
    ("ongoing", None, "'ongoing' is not a date; left blank"),
    ("TBC", None, "'TBC' is not a date; left blank"),
    ("13/13/2025", None, "'13/13/2025' is not a date (there is no month 13); left blank"),
    ("rubbish", None, "'rubbish' is not a date; left blank"),
    (123, None, "'123' is a number, not a date; left blank"),
])
def test_dates_with_a_note(cell: object, expected: date | None, note: str) -> None:
    read = read_date(cell)
    assert (read.value, read.note) == (expected, note)


@pytest.mark.parametrize("cell", [None, "", "   ", "\u00a0"])
def test_blank_dates_have_no_note(cell: object) -> None:
    assert read_date(cell).value is None and read_date(cell).note is None


@pytest.mark.parametrize(("cell", "amount", "annual"), [
    ("£1,234.56", 1234.56, False),
    ("1567 ", 1567.0, False),               # Norfolk's trailing space
    ("12,345.67", 12345.67, False),
    ("£12,000 + VAT", 12000.0, False),
    ("£12,000 (exc. VAT)", 12000.0, False),
    ("12000 inc VAT", 12000.0, False),
    ("£1.2m", 1_200_000.0, False),
    ("£500k", 500_000.0, False),
    ("up to £50,000", 50_000.0, False),
    ("approx. 20000", 20_000.0, False),
    ("£12,000 per annum", 12_000.0, True),
    ("£25,000 p.a.", 25_000.0, True),
    (12.5, 12.5, False),
    (900000, 900000.0, False),
])
def test_money_read_without_a_note(cell: object, amount: float, annual: bool) -> None:
    money = read_money(cell)
    assert (money.amount, money.annual, money.note) == (amount, annual, None)


@pytest.mark.parametrize(("cell", "amount", "note"), [
    ("£10,000 - £20,000", 20_000.0, "'£10,000 - £20,000' is a range; the upper bound 20,000 is used"),
    ("Between £5k and £10k", 10_000.0,
     "'Between £5k and £10k' is a range; the upper bound 10,000 is used"),
    ("TBC", None, "'TBC' is not an amount; left blank"),
    ("0", None, "'0' read as unknown; left blank"),
    (0, None, "0 read as unknown; left blank"),
    ("€5000", None, "'€5000' is not in pounds; left blank (not converted)"),
    ("abc", None, "'abc' is not an amount; left blank"),
    ("£-500", None, "'£-500' is not an amount (negative amount); left blank"),
])
def test_money_with_a_note(cell: object, amount: float | None, note: str) -> None:
    money = read_money(cell)
    assert (money.amount, money.note) == (amount, note)


@pytest.mark.parametrize(("value", "expected"), [
    ("2028-01-20T23:59:59Z", date(2028, 1, 20)),       # end of day stays on its day
    ("2025-04-23T23:59:59+01:00", date(2025, 4, 23)),
    ("2025-04-01T00:00:00+01:00", date(2025, 4, 1)),
    ("2025-13-01T00:00:00Z", None), (None, None), ("", None), (20250101, None),
])
def test_ocds_dates_keep_the_written_calendar_day(value: object, expected: date | None) -> None:
    assert ocds_date(value) == expected


def test_text_and_money_formatting() -> None:
    assert clean_text("  Housing &amp; Repairs\u00a0\n system ") == "Housing & Repairs system"
    assert clean_text(45383.0) == "45383"
    assert clean_text(datetime(2024, 1, 2, 3, 4)) == "2024-01-02"
    assert money_text(12000.0) == "12000"
    assert money_text(1234.5) == "1234.5"
    assert money_text(1234.567) == "1234.57"
    assert money_text(None) == ""
