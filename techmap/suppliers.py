"""Supplier names: "Capita Business Services Ltd", "CAPITA PLC" and "Capita" are one supplier.

Councils and Contracts Finder write the same company many ways (legal suffixes, capitals, "(UK)",
"T/A ...", former names). Every import, and the bundled data, goes through `normalise_supplier`,
which maps a name to the canonical display name of the maintained alias table
`datasets/supplier_aliases.csv` (columns canonical, alias, companies_house_number).

Matching works on a *key*: the name lower-cased, accents, punctuation, parenthetical notes and
trailing legal words ("Ltd", "Limited", "plc", "UK", "Group", ...) removed. An alias matches a name
whose key equals the alias's key; an alias ending in `*` (e.g. `Capita*`) also matches any name
whose key starts with it as whole words ("Capita Resourcing Ltd"). Wildcards are only used for
names distinctive enough not to catch strangers ("Northgate" is not one: "Northgate House" is a
care home). A Companies House number, where a file gives one, matches before the name does.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

ALIASES_CSV = Path(__file__).resolve().parent.parent / "datasets" / "supplier_aliases.csv"

# Words that say what kind of company it is, not which one; removed from the end of the key.
_LEGAL_WORDS = frozenset({
    "ltd", "limited", "plc", "llp", "lp", "llc", "inc", "incorporated", "corp", "corporation",
    "co", "company", "public", "gmbh", "bv", "sa", "ag", "uk", "gb", "group", "holdings",
})
_TRADING_AS = re.compile(r"\b(?:t\s*/\s*as?|trading\s+as)\b", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_COMPANY_NUMBER = re.compile(r"^(?:gb[/-]|gb-coh-)?([a-z]{2})?(\d{1,8})$", re.IGNORECASE)


def clean_name(name: object) -> str:
    """Display clean-up only: HTML entities, non-breaking spaces, runs of spaces, stray quotes
    and leading dots ('.East Riding Of Yorkshire Council')."""
    if name is None:
        return ""
    text = html.unescape(str(name)).replace("\u00a0", " ")
    text = _SPACES.sub(" ", text).strip().strip("\"'").strip()
    return text.lstrip(".,;: ").rstrip(",;: ")


def supplier_key(name: str) -> str:
    """'Computacenter (UK) Ltd.' -> 'computacenter'; '' when nothing is left."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _PARENTHESES.sub(" ", text.replace("&", " and "))
    words = _NON_WORD.sub(" ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_WORDS:
        words.pop()
    return " ".join(words)


def company_number_key(number: object) -> str:
    """'gb/07445476', 'GB-COH-07445476', '7445476' -> '07445476'; 'SC123456' kept; '' if none."""
    if number is None:
        return ""
    text = str(number).strip().replace(" ", "")
    if text.endswith(".0"):  # a number that went through a spreadsheet
        text = text[:-2]
    match = _COMPANY_NUMBER.match(text)
    if not match or int(match[2]) == 0:
        return ""
    prefix = (match[1] or "").upper()
    return prefix + match[2].zfill(8 - len(prefix))


@dataclass(frozen=True)
class AliasTable:
    exact: dict[str, str]  # key -> canonical
    prefixes: tuple[tuple[str, str], ...]  # (key, canonical), longest first
    numbers: dict[str, str]  # Companies House number -> canonical


@lru_cache(maxsize=4)
def load_aliases(path: Path = ALIASES_CSV) -> AliasTable:
    exact: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    numbers: dict[str, str] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            canonical = (row.get("canonical") or "").strip()
            alias = (row.get("alias") or "").strip()
            if not canonical:
                continue
            exact.setdefault(supplier_key(canonical), canonical)
            if alias.endswith("*"):
                key = supplier_key(alias[:-1])
                if key:
                    prefixes.setdefault(key, canonical)
                    exact.setdefault(key, canonical)
            elif alias:
                exact[supplier_key(alias)] = canonical
            number = company_number_key(row.get("companies_house_number"))
            if number:
                numbers[number] = canonical
    ordered = tuple(sorted(prefixes.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    return AliasTable(exact=exact, prefixes=ordered, numbers=numbers)


def _match_key(key: str, table: AliasTable) -> str | None:
    if not key:
        return None
    if key in table.exact:
        return table.exact[key]
    for prefix, canonical in table.prefixes:
        if key.startswith(prefix + " "):
            return canonical
    return None


def normalise_supplier(name: str, company_number: object = None) -> tuple[str, bool]:
    """(canonical display name, whether the alias table matched). Unmatched names come back
    cleaned but otherwise as written; blank names come back as ('', False)."""
    cleaned = clean_name(name)
    if not cleaned:
        return "", False
    table = load_aliases()
    number = company_number_key(company_number)
    if number and number in table.numbers:
        return table.numbers[number], True
    parts = [cleaned, *_TRADING_AS.split(cleaned)[:2]] if _TRADING_AS.search(cleaned) else [cleaned]
    for part in parts:
        canonical = _match_key(supplier_key(part), table)
        if canonical:
            return canonical, True
    return cleaned, False


def display_choice(names: Counter[str]) -> str:
    """Among spellings of one unmatched supplier, prefer one not in capitals, then the most
    frequent, then the first seen (Counter keeps insertion order)."""
    return max(names, key=lambda n: (not n.isupper(), names[n]))


def normalise_frame(df: pd.DataFrame, *, column: str = "supplier",
                    numbers: pd.Series | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A copy of `df` with `column` (and `manufacturer`, where the table knows it) replaced by
    canonical names, and the sorted distinct names the alias table did not match.

    Unmatched names that differ only in case or legal suffix ("COMMONPLACE DIGITAL LIMITED",
    "Commonplace Digital Ltd.") are given one spelling, so the app counts them as one supplier.
    `numbers` (same index as df) gives Companies House numbers where the source has them."""
    out = df.copy()
    if column not in out.columns or out.empty:
        return out, []
    raw = out[column].fillna("").astype(str)
    given = numbers.reindex(out.index).fillna("").astype(str) if numbers is not None else None
    results: dict[tuple[str, str], tuple[str, bool]] = {}
    canonical: list[str] = []
    matched_flags: list[bool] = []
    for position, value in enumerate(raw):
        number = given.iat[position] if given is not None else ""
        key = (value, number)
        if key not in results:
            results[key] = normalise_supplier(value, number)
        name, matched = results[key]
        canonical.append(name)
        matched_flags.append(matched)
    # One spelling per unmatched supplier key.
    spellings: dict[str, Counter[str]] = {}
    for name, matched in zip(canonical, matched_flags, strict=True):
        if name and not matched:
            spellings.setdefault(supplier_key(name), Counter())[name] += 1
    chosen = {key: display_choice(names) for key, names in spellings.items()}
    final = [name if matched or not name else chosen[supplier_key(name)]
             for name, matched in zip(canonical, matched_flags, strict=True)]
    out[column] = pd.Series(final, index=out.index, dtype="str")
    unmatched = sorted({clean_name(v) for v, m in zip(raw, matched_flags, strict=True)
                        if not m and clean_name(v)}, key=str.lower)
    if "manufacturer" in out.columns and column != "manufacturer":
        makers = out["manufacturer"].fillna("").astype(str)
        mapping = {v: normalise_supplier(v) for v in makers.unique() if v}
        out["manufacturer"] = makers.map(lambda v: mapping[v][0] if v and mapping[v][1] else v
                                         ).astype("str")
    return out, unmatched
