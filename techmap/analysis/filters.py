"""FilterState: the one filter of the whole app, and its round trip to the URL query string.

Every page, the API and the downloads take the same parameters (DESIGN.md):
authority (ONS code, repeatable), area (service-area slug, repeatable), supplier (slug, repeatable),
system (slug, repeatable), manufacturer (slug, repeatable), group (frontline, corporate,
infrastructure or other: the service areas' groups, repeatable), ends_from / ends_to (YYYY-MM-DD),
q (free text).

`group` shares its URL key with the renewals page's view setting `group` (service_area or
authority): the two take disjoint values, so each keeps only its own (techmap.appstate).
Unknown or malformed values are dropped, never an error, so any URL gives a valid state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from techmap.dataformat.authorities import ONS_CODE
from techmap.dataformat.schema import GROUP_NAMES, ISO_DATE_PATTERN, SERVICE_AREAS_BY_SLUG, SLUG_PATTERN

MULTI_PARAMS: tuple[str, ...] = ("authority", "area", "supplier", "system", "manufacturer", "group")
PARAMS: tuple[str, ...] = (*MULTI_PARAMS, "ends_from", "ends_to", "q")
MAX_VALUES_PER_PARAM = 50
MAX_SLUG_LENGTH = 120
MAX_QUERY_LENGTH = 100


def _parse_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE_PATTERN.match(value):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


def _valid_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_SLUG_LENGTH and bool(SLUG_PATTERN.match(value))


def _clean_multi(name: str, values: Iterable[object]) -> tuple[str, ...]:
    """Allow-list one repeatable parameter; keeps first-seen order, drops duplicates and junk."""
    kept: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        value = value.strip()
        if name == "authority":
            value = value.upper()
            ok = bool(ONS_CODE.match(value))
        elif name == "area":
            ok = value in SERVICE_AREAS_BY_SLUG
        elif name == "group":
            ok = value in GROUP_NAMES
        else:
            ok = _valid_slug(value)
        if ok and value not in kept:
            kept.append(value)
        if len(kept) >= MAX_VALUES_PER_PARAM:
            break
    return tuple(kept)


@dataclass(frozen=True)
class FilterState:
    authority: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    supplier: tuple[str, ...] = ()
    system: tuple[str, ...] = ()
    manufacturer: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    ends_from: date | None = None
    ends_to: date | None = None
    q: str = field(default="")

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> FilterState:
        """From a mapping (values may be lists) or (key, value) pairs; junk is dropped silently."""
        if params is None:
            return cls()
        pairs = params.items() if isinstance(params, Mapping) else params
        collected: dict[str, list[object]] = {name: [] for name in PARAMS}
        try:
            for key, value in pairs:
                if key not in collected:
                    continue
                if isinstance(value, (list, tuple)):
                    collected[key].extend(value)
                else:
                    collected[key].append(value)
        except (TypeError, ValueError):
            return cls()
        q_values = [v for v in collected["q"] if isinstance(v, str)]
        # Lone surrogates (possible in JSON from a client) cannot be URL-encoded: drop them.
        # rstrip: a cut at a space would leave a trailing one that the next parse removes.
        q_text = q_values[0].encode("utf-8", "ignore").decode("utf-8") if q_values else ""
        q = " ".join(q_text.split())[:MAX_QUERY_LENGTH].rstrip()
        ends_from = next((d for d in map(_parse_date, collected["ends_from"]) if d), None)
        ends_to = next((d for d in map(_parse_date, collected["ends_to"]) if d), None)
        return cls(
            **{name: _clean_multi(name, collected[name]) for name in MULTI_PARAMS},
            ends_from=ends_from,
            ends_to=ends_to,
            q=q,
        )

    @classmethod
    def from_query_string(cls, query: object) -> FilterState:
        """From '?authority=E09000007&area=housing' (leading '?' optional)."""
        if not query or not isinstance(query, str):
            return cls()
        try:
            pairs = parse_qsl(query.lstrip("?"), keep_blank_values=False, max_num_fields=500)
        except ValueError:
            return cls()
        return cls.from_params(pairs)

    # ---- output -------------------------------------------------------------------------------
    def to_pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for name in MULTI_PARAMS:
            pairs.extend((name, value) for value in getattr(self, name))
        if self.ends_from:
            pairs.append(("ends_from", self.ends_from.isoformat()))
        if self.ends_to:
            pairs.append(("ends_to", self.ends_to.isoformat()))
        if self.q:
            pairs.append(("q", self.q))
        return pairs

    def to_query_string(self) -> str:
        """'?authority=E09000007&q=mosaic', or '' when nothing is filtered."""
        encoded = urlencode(self.to_pairs())
        return f"?{encoded}" if encoded else ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for a dcc.Store."""
        return {
            **{name: list(getattr(self, name)) for name in MULTI_PARAMS},
            "ends_from": self.ends_from.isoformat() if self.ends_from else None,
            "ends_to": self.ends_to.isoformat() if self.ends_to else None,
            "q": self.q,
        }

    @classmethod
    def from_dict(cls, data: object) -> FilterState:
        """Inverse of to_dict; anything malformed gives the empty state's fields."""
        if not isinstance(data, Mapping):
            return cls()
        return cls.from_params({k: v for k, v in data.items() if v is not None})

    # ---- helpers ------------------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return self == FilterState()

    def with_values(self, **changes: Any) -> FilterState:
        """A copy with some fields changed, re-validated."""
        return FilterState.from_dict({**self.to_dict(), **{
            k: (list(v) if isinstance(v, tuple) else v) for k, v in changes.items()
        }})

    def toggled(self, name: str, value: str) -> FilterState:
        """Add the value to a repeatable parameter, or remove it when present."""
        if name not in MULTI_PARAMS:
            return self
        current = getattr(self, name)
        new = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.with_values(**{name: new})

    def without(self, name: str, value: str | None = None) -> FilterState:
        """Remove one value of a parameter, or the whole parameter when value is None."""
        if name in MULTI_PARAMS:
            current = getattr(self, name)
            return replace(self, **{name: tuple(v for v in current if value is not None and v != value)})
        if name in ("ends_from", "ends_to"):
            return replace(self, **{name: None})
        if name == "q":
            return replace(self, q="")
        return self
