"""Checking a contracts table cell by cell while typing its columns: one vectorised pass (see
techmap.dataformat.parsing) that returns the typed frame documented in techmap.dataformat.dataset and lists every problem
(errors and warnings) as `file:line: column: value: reason`. Problem objects are only built for bad
cells, which keeps a 100k-row file well under the 10 s budget. The frame keeps every row, with cells
that could not be read left blank (NaT / NaN / missing category)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities, by_code, match_authority
from techmap.dataformat.parsing import (
    Reasons,
    by_distinct,
    parse_bool_column,
    parse_money_column,
    parse_rating_column,
    read_date_column,
)
from techmap.dataformat.evidence import check_evidence
from techmap.dataformat.problems import WHOLE_FILE_LINE, Problem, Severity
from techmap.dataformat.row_checks import check_rows
from techmap.dataformat.schema import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    DATE_COLUMNS,
    HOSTING_VALUES,
    MONEY_COLUMNS,
    REQUIRED_COLUMNS,
    SERVICE_AREAS,
    SERVICE_AREAS_BY_SLUG,
    slugify,
)
from techmap.dataformat.table_reader import Table, Unreadable, paused_gc, read_table

# Warnings that repeat on many rows (a blank end_date) are listed this many times, then counted.
MAX_LISTED_WARNINGS = 10
DERIVED_COLUMNS: tuple[str, ...] = ("authority_name", "supplier_slug", "system_slug",
                                    "manufacturer_slug", "line", "search_text")


@dataclass
class _Checker:
    """Collects the problems of one contracts file while its columns are typed."""

    label: str
    lines: np.ndarray
    raw: dict[str, pd.Series]
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # counts of repeated warnings, listed last
    _cells: dict[str, list[str]] = field(default_factory=dict)  # raw columns as plain lists

    def add(self, index: Hashable, column: str, reason: str,
            severity: Severity = "error") -> None:
        """A problem on the row at position `index` (the frame has a RangeIndex)."""
        position = int(index)  # type: ignore[call-overload]
        if column not in self._cells:  # indexing a list is far cheaper than Series.iat
            self._cells[column] = self.raw[column].tolist()
        self.problems.append(Problem(self.label, int(self.lines[position]), column,
                                     self._cells[column][position], reason, severity))

    def add_reasons(self, column: str, reasons: Reasons) -> None:
        for index, reason in reasons.items():
            self.add(index, column, reason)

    def add_capped(self, indexes: Iterable[Hashable], column: str, reason: str,
                   summary: str) -> None:
        """A warning that may repeat on many rows: the first few listed, then one count, on the
        line of the first row it does not list. `summary` may use {rest}, {n} and {listed}."""
        indexes = list(indexes)
        for index in indexes[:MAX_LISTED_WARNINGS]:
            self.add(index, column, reason, "warning")
        if len(indexes) > MAX_LISTED_WARNINGS:
            first_unlisted = int(self.lines[int(indexes[MAX_LISTED_WARNINGS])])  # type: ignore[call-overload]
            text = summary.format(rest=f"{len(indexes) - MAX_LISTED_WARNINGS:,}",
                                  n=f"{len(indexes):,}", listed=MAX_LISTED_WARNINGS)
            self.notes.append(Problem(self.label, first_unlisted, column, "", text, "warning"))


def _first_lines(values: pd.Series) -> dict[str, tuple[int, int]]:
    """value -> (index of its first row, number of rows) for the non-blank values."""
    present = values[values != ""]
    firsts = present.drop_duplicates()
    counts = present.value_counts()
    return {v: (int(i), int(counts[v])) for i, v in firsts.items()}  # type: ignore[arg-type]


def _suggest(value: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def _authority_reason(value: str) -> str:
    if re.match(r"^[EWSN]\d{8}$", value.strip().upper()):
        return "not a London borough code: London's are E09000001 to E09000033"
    names = {a.name.lower(): a.name for a in authorities()}
    close = difflib.get_close_matches(value.lower(), list(names), n=1, cutoff=0.8)
    hint = f"; did you mean {names[close[0]]!r}?" if close else ""
    return f"not a London borough: use an ONS code (E09000001-E09000033) or a borough name{hint}"


def _warn_other_spellings(check: _Checker, column: str, mapping: Mapping[str, str | None],
                          shown: Callable[[str], str], preferred: str) -> None:
    """A warning on the first row of each spelling that reads as another value (`mapping`: each
    spelling to the value it reads as, None when it reads as none), saying how many rows use it."""
    for value, (first, count) in _first_lines(check.raw[column]).items():
        read_as = mapping[value]
        if read_as is not None and read_as != value:
            rows = "row uses" if count == 1 else f"{count:,} rows use"
            check.add(first, column, f"read as {shown(read_as)}; {rows} this spelling ({preferred})",
                      "warning")


def _check_authorities(check: _Checker) -> pd.Categorical:
    values = check.raw["authority_code"]
    mapping: dict[str, str | None] = {v: match_authority(v) for v in values.unique() if v}
    _warn_other_spellings(check, "authority_code", mapping, lambda code: f"{code} ({by_code()[code].name})",
                          "the ONS code is preferred")
    reasons = {v: _authority_reason(v) for v, code in mapping.items() if code is None}
    for index in values.index[values.isin(set(reasons)).to_numpy()]:
        check.add(index, "authority_code", reasons[values.iat[index]])
    return pd.Categorical(values.map(mapping), categories=[a.code for a in authorities()])


def _service_area_index() -> dict[str, str]:
    index = {slugify(a.name): a.slug for a in SERVICE_AREAS}
    index.update({a.slug: a.slug for a in SERVICE_AREAS})
    return index


def _check_service_areas(check: _Checker) -> pd.Categorical:
    values = check.raw["service_area"]
    index = _service_area_index()
    mapping: dict[str, str | None] = {v: index.get(slugify(v)) for v in values.unique() if v}
    _warn_other_spellings(check, "service_area", mapping, repr, "the slug is preferred")
    reasons = {v: "not a service area: use a slug from the list in datasets/README.md"
                  f"{_suggest(slugify(v), SERVICE_AREAS_BY_SLUG)}"
               for v, slug in mapping.items() if slug is None}
    for i in values.index[values.isin(set(reasons)).to_numpy()]:
        check.add(i, "service_area", reasons[values.iat[i]])
    return pd.Categorical(values.map(mapping), categories=[a.slug for a in SERVICE_AREAS])


def _check_hosting(check: _Checker) -> pd.Categorical:
    values = check.raw["hosting"]
    normal = by_distinct(values, lambda v: v.str.lower().str.replace(r"[\s\-]+", "_", regex=True))
    normal = normal.where(normal != "", "unknown")  # blank means not known
    bad = ~normal.isin(HOSTING_VALUES)
    reasons = {v: f"not one of: {', '.join(HOSTING_VALUES)}{_suggest(v, HOSTING_VALUES)}"
               for v in normal[bad].unique()}
    for i in values.index[bad.to_numpy()]:
        check.add(i, "hosting", reasons[normal.iat[i]])
    return pd.Categorical(normal.where(~bad), categories=list(HOSTING_VALUES))


def _check_duplicate_ids(check: _Checker) -> None:
    ids = check.raw["contract_id"]
    repeated = ids.duplicated(keep="first") & (ids != "")
    if not repeated.any():
        return
    firsts = ids[ids.isin(set(ids[repeated]))].drop_duplicates()
    first_line = dict(zip(firsts.tolist(), check.lines[firsts.index.to_numpy()].tolist(),
                          strict=True))
    for i in ids.index[repeated.to_numpy()]:
        check.add(i, "contract_id", f"duplicate contract_id: also on line {first_line[ids.iat[i]]}")


def _check_dates(check: _Checker, present: set[str]) -> dict[str, pd.Series]:
    dates: dict[str, pd.Series] = {}
    for column in DATE_COLUMNS:
        parsed = read_date_column(check.raw[column])
        dates[column] = parsed.dates
        check.add_reasons(column, parsed.reasons)
        for index, note in parsed.notes.items():
            check.add(index, column, note, "warning")
    start, end, max_end = dates["start_date"], dates["end_date"], dates["max_end_date"]
    for i in end.index[(end < start).to_numpy()]:
        check.add(i, "end_date", f"ends before it starts (start_date {start.iat[i]:%Y-%m-%d})")
    for i in max_end.index[(max_end < end).to_numpy()]:
        check.add(i, "max_end_date",
                  f"latest end is before the current end (end_date {end.iat[i]:%Y-%m-%d})")
    if "end_date" not in present:
        check.problems.append(Problem(check.label, check.header_line, "end_date", "", "no end_date "
                                      "column: renewal views cannot show these contracts",
                                      "warning"))
    else:
        blank = check.raw["end_date"] == ""
        check.add_capped(end.index[blank.to_numpy()], "end_date",
                         "end_date is blank: renewal views leave this contract out",
                         "{rest} more rows from this line on have a blank end_date ({n} in all; "
                         "the first {listed} are listed above)")
    return dates


def _check_sources(check: _Checker, sources: Collection[str] | None) -> pd.Categorical:
    values = check.raw["source"]
    if sources is None:
        return pd.Categorical(values.where(values != ""),
                              categories=sorted(set(values.unique()) - {""}))
    known = list(dict.fromkeys(sources))
    bad = (values != "") & ~values.isin(known)
    listing = ", ".join(repr(k) for k in known[:8]) or "none"
    for i in values.index[bad.to_numpy()]:
        check.add(i, "source", f"not a key of the manifest's sources (it has {listing})")
    return pd.Categorical(values.where(~bad & (values != "")), categories=known)


def typed_frame(table: Table, label: str, sources: Collection[str] | None,
                 problems: list[Problem]) -> pd.DataFrame:
    n = len(table.rows)
    index = pd.RangeIndex(n)
    lines = np.asarray(table.lines, dtype="int64")
    columns = list(zip(*table.rows, strict=True)) if n else [()] * len(table.names)
    raw = {name: pd.Series(list(cells), index=index, dtype="str")
           for name, cells in zip(table.names, columns, strict=True)}
    present = set(raw)
    for name in COLUMN_NAMES:
        raw.setdefault(name, pd.Series([""] * n, index=index, dtype="str"))
    check = _Checker(label, lines, raw, table.header_line)
    for name in REQUIRED_COLUMNS:
        if name not in present:
            problems.append(Problem(label, table.header_line, name, "",
                                    "required column is missing from the header"))
    if n == 0:
        problems.append(Problem(label, table.header_line, "-", "", "no data rows (only a header)"))
    for name in REQUIRED_COLUMNS:
        if name in present:
            for i in index[(raw[name] == "").to_numpy()]:
                check.add(i, name, "required value is blank")

    _check_duplicate_ids(check)
    out: dict[str, Any] = {}
    out["contract_id"] = raw["contract_id"]
    out["authority_code"] = _check_authorities(check)
    out["service_area"] = _check_service_areas(check)
    for name in ("system", "manufacturer", "supplier"):
        out[name] = raw[name]
    dates = _check_dates(check, present)
    out.update(dates)
    for name in MONEY_COLUMNS:
        out[name], reasons = parse_money_column(raw[name])
        check.add_reasons(name, reasons)
    out["hosting"] = _check_hosting(check)
    out["procurement_route"] = raw["procurement_route"]
    out["shared_ref"] = raw["shared_ref"]
    out["satisfaction"], reasons = parse_rating_column(raw["satisfaction"])
    check.add_reasons("satisfaction", reasons)
    out["value_public"], reasons = parse_bool_column(raw["value_public"], default=True)
    check.add_reasons("value_public", reasons)
    out["source"] = _check_sources(check, sources)
    out["synthetic"], reasons = parse_bool_column(raw["synthetic"], default=False)
    check.add_reasons("synthetic", reasons)
    check_rows(raw, out["value_public"], check)  # lengths, control characters, slugs, shared values
    out.update(check_evidence(check, out["synthetic"], present))
    for name in table.names:
        if name not in COLUMNS_BY_NAME and name not in DERIVED_COLUMNS:
            out[name] = raw[name]  # extra columns are kept as text

    frame = pd.DataFrame({name: out[name] for name in out}, index=index)
    frame = frame[[*COLUMN_NAMES, *[c for c in out if c not in COLUMNS_BY_NAME]]]
    add_derived(frame, lines)
    # One list in line order: structural problems found while reading, then the cell checks
    # (a stable sort keeps the problems of the header's line first and each line's columns in
    # order).
    order = {name: position for position, name in enumerate(frame.columns)}
    problems.extend(check.problems)
    problems.sort(key=lambda p: (p.line or WHOLE_FILE_LINE, order.get(p.column, -1)))
    problems.extend(check.notes)
    return frame


def _slugs(values: pd.Series) -> pd.Series:
    return values.map({v: slugify(v) for v in values.unique()}).astype("str")


def add_derived(frame: pd.DataFrame, lines: np.ndarray) -> None:
    """authority_name, supplier_slug, system_slug, manufacturer_slug, line and search_text (see techmap.dataformat.dataset)."""
    names = {code: a.name for code, a in by_code().items()}
    frame["authority_name"] = (frame["authority_code"].astype("object").map(names)
                               .fillna("").astype("str"))
    frame["supplier_slug"] = _slugs(frame["supplier"])
    frame["system_slug"] = _slugs(frame["system"])
    frame["manufacturer_slug"] = _slugs(frame["manufacturer"])  # "" where no manufacturer is named
    frame["line"] = lines
    area_names = {a.slug: a.name for a in SERVICE_AREAS}
    area = frame["service_area"].astype("object").map(area_names).fillna("").astype("str")
    text = frame["contract_id"]
    for part in (frame["system"], frame["supplier"], frame["manufacturer"],
                 frame["authority_name"], area):
        text = text + " | " + part
    frame["search_text"] = text.str.lower().astype("str")


@dataclass
class ContractsResult:
    frame: pd.DataFrame
    problems: list[Problem]
    rows: int
    encoding: str
    table: Table | None = None  # the cells as read (techmap.store keeps them as published)


def read_contracts_file(path: Path, label: str, sources: Collection[str] | None) -> ContractsResult:
    with paused_gc():  # see table_reader.paused_gc: most of the time of a large file otherwise
        return _read_contracts_file(path, label, sources)


def _read_contracts_file(path: Path, label: str, sources: Collection[str] | None) -> ContractsResult:
    problems: list[Problem] = []
    table = Table(list(COLUMN_NAMES), [], [])
    try:
        table = read_table(path, label, problems)
    except Unreadable as exc:
        problems.append(Problem(label, exc.line, "-", "", str(exc)))
        return ContractsResult(typed_frame(table, label, None, []), problems, 0, table.encoding)
    except OSError as exc:
        problems.append(Problem(label, WHOLE_FILE_LINE, "-", "",
                                f"cannot read file: {exc.strerror or exc}"))
        return ContractsResult(typed_frame(table, label, None, []), problems, 0, table.encoding)
    frame = typed_frame(table, label, sources, problems)
    return ContractsResult(frame, problems, len(table.rows), table.encoding, table)


def read_contracts(path: Path, *, file_label: str | None = None,
                   sources: Collection[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check a contracts file (CSV in UTF-8 or Windows-1252, or .xlsx).

    Returns the typed frame documented in techmap.dataformat.dataset (every row kept; unreadable cells left
    blank) and every problem found, errors and warnings, in line order. `sources`, when given (the
    keys of a manifest's sources), is the allow-list of the `source` column. Never raises for bad
    input: an unexpected failure becomes a Problem too.
    """
    label = file_label or str(path)
    try:
        result = read_contracts_file(Path(path), label, sources)
    except Exception as exc:  # a bug must not hide the file's other problems behind a traceback
        empty = typed_frame(Table(list(COLUMN_NAMES), [], []), label, None, [])
        return empty, [unexpected_problem(label, exc)]
    return result.frame, result.problems


def unexpected_problem(label: str, exc: Exception) -> Problem:
    return Problem(label, WHOLE_FILE_LINE, "-", "", f"unexpected error while checking this file "
                   f"({type(exc).__name__}: {exc}); please report it")
