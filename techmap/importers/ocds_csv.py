"""Contracts Finder's "Notices Data CSV" export: OCDS release packages flattened to one row per
package and one column per JSON path ('releases/0/awards/0/suppliers/3/name').

Each row is turned back into the package it was flattened from, so that the OCDS importer reads
it like the JSON: numbered path parts become list positions, blank cells are absent (not ""),
and the few numeric fields the importer uses (`amount`, `durationInDays`) become numbers again.
The column set changes from day to day (333 columns one day, 69 the next; `releases/0/tag` one
day, `releases/0/tag/0` the next); nothing here depends on which columns are present.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

RELEASES_PREFIX = "releases/"
MIN_PATH_COLUMNS = 3  # header cells starting 'releases/' that make a file this export
NUMERIC_FIELDS = frozenset({"amount", "durationInDays", "numberOfTenderers"})
LIST_FIELDS = frozenset({"tag"})  # a list flattened to one cell when it has one value


def is_flattened_ocds(header: list[str]) -> bool:
    """Whether a CSV header is this export's (JSON paths under 'releases/')."""
    return sum(1 for cell in header if cell.strip().startswith(RELEASES_PREFIX)) \
        >= MIN_PATH_COLUMNS


def first_record(text: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []


def read_flattened(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(first line of the row, package) for each data row. Raises csv.Error on broken CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lstrip("\ufeff") for cell in next(reader, [])]
    previous = reader.line_num
    for record in reader:
        start, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        tree: dict[str, Any] = {}
        for path, cell in zip(header, record, strict=False):
            value = cell.strip()
            if path and value:
                _put(tree, path.split("/"), value)
        yield start, _lists(tree)


def _put(tree: dict[str, Any], parts: list[str], value: str) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    leaf = parts[-1]
    node[leaf] = _typed(leaf, value)


def _typed(leaf: str, value: str) -> Any:
    if leaf in NUMERIC_FIELDS:
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return value  # left as text: the importer flags it as not a number
        return int(number) if number.is_integer() else number
    if leaf in LIST_FIELDS:
        return [value]
    return value


def _lists(node: Any) -> Any:
    """Dicts keyed '0', '1', ... back into lists, in index order."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
