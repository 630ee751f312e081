"""Strict parsing of the open data API's query parameters.

The pages drop malformed filter values silently (any URL gives a valid view); an API caller is
better served by being told. Every check here raises ApiError(400, message) with a plain sentence
naming the parameter and the value, and accepts exactly what techmap.analysis.filters.FilterState accepts,
so a query that passes gives the same FilterState the pages would build from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from techmap.dataformat.authorities import ONS_CODE
from techmap.analysis.filters import (
    MAX_QUERY_LENGTH,
    MAX_SLUG_LENGTH,
    MAX_VALUES_PER_PARAM,
    MULTI_PARAMS,
    PARAMS,
    FilterState,
)
from techmap.dataformat.schema import GROUP_NAMES, ISO_DATE_PATTERN, SERVICE_AREAS_BY_SLUG, SLUG_PATTERN

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
FORMATS: tuple[str, ...] = ("json", "csv")
_SHOWN_VALUE_LENGTH = 60  # long values are cut in messages: an error should not echo a novel


class ApiError(Exception):
    """An error the caller can fix (4xx), with a plain message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    def pages(self, total: int) -> int:
        """Number of pages for `total` rows (0 when there are none)."""
        return -(-total // self.per_page)


def shown(value: str) -> str:
    """A parameter value as quoted in an error message."""
    text = value if len(value) <= _SHOWN_VALUE_LENGTH else value[:_SHOWN_VALUE_LENGTH] + "…"
    return "'" + text.replace("'", "\\'") + "'"


def _bad(name: str, value: str, reason: str) -> ApiError:
    hint = ""
    if "," in value and name in MULTI_PARAMS:
        hint = f" To give several, repeat the parameter: {name}=A&{name}=B."
    return ApiError(400, f"Parameter {name}: {shown(value)} {reason}.{hint}")


def check_names(args: MultiDict, allowed: Sequence[str]) -> None:
    """400 for any parameter name the endpoint does not take."""
    for name in args:
        if name not in allowed:
            raise ApiError(400, f"Unknown parameter {shown(name)}: this endpoint takes "
                                f"{', '.join(allowed)}.")


def single(args: MultiDict, name: str) -> str | None:
    """The one value of a non-repeatable parameter; None when absent or blank."""
    values = [v.strip() for v in args.getlist(name)]
    values = [v for v in values if v]
    if len(values) > 1:
        raise ApiError(400, f"Parameter {name} was given {len(values)} times; give it once.")
    return values[0] if values else None


def parse_date(name: str, value: str) -> date:
    if not ISO_DATE_PATTERN.match(value):
        raise _bad(name, value, "is not a date in the form YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise _bad(name, value, "is not a real calendar date") from None
    if not 1900 <= parsed.year <= 2200:
        raise _bad(name, value, "is outside the years 1900 to 2200")
    return parsed


def _check_multi(name: str, value: str) -> str:
    if name == "authority":
        code = value.upper()
        if not ONS_CODE.match(code):
            raise _bad(name, value, "is not the ONS code of a London borough (E09000001 to "
                                    "E09000033; see /api/v1/authorities)")
        return code
    if name == "area":
        if value not in SERVICE_AREAS_BY_SLUG:
            raise _bad(name, value, "is not a service-area slug (see /api/v1/service-areas)")
        return value
    if name == "group":
        if value not in GROUP_NAMES:
            raise _bad(name, value, f"is not a service-area group: one of {', '.join(GROUP_NAMES)}")
        return value
    if len(value) > MAX_SLUG_LENGTH or not SLUG_PATTERN.match(value):
        where = ("/api/v1/suppliers" if name == "supplier"
                 else f"the {name}_slug of /api/v1/contracts")
        raise _bad(name, value, f"is not a {name} slug: lower-case letters, digits and single "
                                f"hyphens, e.g. 'capita' (see {where})")
    return value


def parse_filters(args: MultiDict) -> FilterState:
    """The FilterState of the request, or ApiError(400) naming the first bad value.

    Blank values (`q=`) count as not given. A well-formed supplier or system slug that no contract
    has is not an error: it matches nothing."""
    pairs: list[tuple[str, str]] = []
    for name in MULTI_PARAMS:
        values = [v.strip() for v in args.getlist(name)]
        values = [v for v in values if v]
        if len(set(values)) > MAX_VALUES_PER_PARAM:
            raise ApiError(400, f"Parameter {name} was given {len(set(values))} values; the most "
                                f"is {MAX_VALUES_PER_PARAM}.")
        pairs.extend((name, _check_multi(name, v)) for v in values)
    ends = {}
    for name in ("ends_from", "ends_to"):
        value = single(args, name)
        if value is not None:
            ends[name] = parse_date(name, value)
            pairs.append((name, value))
    if "ends_from" in ends and "ends_to" in ends and ends["ends_from"] > ends["ends_to"]:
        raise ApiError(400, f"Parameter ends_from ({ends['ends_from'].isoformat()}) is after "
                            f"ends_to ({ends['ends_to'].isoformat()}); no contract can match.")
    q = single(args, "q")
    if q is not None:
        q = " ".join(q.split())
        if len(q) > MAX_QUERY_LENGTH:
            raise ApiError(400, f"Parameter q is {len(q)} characters long; the most is "
                                f"{MAX_QUERY_LENGTH}.")
        pairs.append(("q", q))
    return FilterState.from_params(pairs)


def _parse_int(name: str, value: str, low: int, high: int | None) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise _bad(name, value, "is not a whole number")
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise _bad(name, value, f"is out of range: use a whole number {span}")
    return number


parse_int = _parse_int  # the public name, for the routes in other modules (web/api_changes.py)


def parse_paging(args: MultiDict) -> Paging:
    page_text = single(args, "page")
    per_page_text = single(args, "per_page")
    page = 1 if page_text is None else _parse_int("page", page_text, 1, None)
    per_page = DEFAULT_PER_PAGE if per_page_text is None else _parse_int(
        "per_page", per_page_text, 1, MAX_PER_PAGE)
    return Paging(page, per_page)


def parse_choice(args: MultiDict, name: str, choices: Sequence[str], default: str | None) -> str | None:
    value = single(args, name)
    if value is None:
        return default
    if value not in choices:
        raise _bad(name, value, f"is not one of: {', '.join(choices)}")
    return value


FILTER_PARAMS: tuple[str, ...] = PARAMS
