"""The illustrative (synthetic) contracts and `python -m techmap generate-demo`.

`generate(seed, scale)` invents plausible contracts for every service area that the real
inventory does not cover (see techmap.demo.catalogue for the products, suppliers and weights). It
is vectorised per role (one draw per borough and role), so scale 100 (~137,000 rows) takes a
second or two. At scales above 1 the borough set is reused: each extra "replica" of the 33
boroughs adds another set of rows with unique contract ids.

Determinism: the only random primitive used is `Generator.random()` (uniform doubles from PCG64),
whose stream numpy keeps stable; every other draw (choices, noise) is derived from those uniforms
here, so the same seed and scale give the same bytes on any machine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmap.dataformat.authorities import authorities
from techmap.demo.catalogue import (
    HOSTING_PROFILES,
    ROUTE_PROFILES,
    SHARED_GROUPS,
    SLOTS,
    YEAR_PROFILES,
    Slot,
)
from techmap.dataformat.problems import DatasetError
from techmap.demo.skills import demo_skills, write_skills
from techmap.dataformat.schema import COLUMN_NAMES, DATE_COLUMNS, HOSTING_VALUES, MONEY_COLUMNS

DEFAULT_AS_OF = date(2026, 11, 1)
DEMO_SOURCE = "demo"
FIRST_START_MONTH = np.datetime64("2016-01", "M")
MAX_SCALE = 1000.0
CONTRACT_DATES = ("start_date", "end_date", "max_end_date", "review_date")

# Share of rows with each trait (see the module docstring of the catalogue for the market shape).
P_APRIL_START = 0.35  # councils like contracts that start with the financial year
P_EXTENSION = 0.50  # has extension options: max_end_date = end_date + 1 or 2 years
P_NO_EXTENSION = 0.30  # max_end_date = end_date; the remaining 20% leave it blank
P_REVIEW = 0.40  # has a review / notice date, usually 6 months before the end
P_UNKNOWN_END = 0.02
P_SATISFACTION = 0.85
SATISFACTION_WEIGHTS = (0.05, 0.12, 0.33, 0.37, 0.13)  # scores 1..5
P_VALUE_PRIVATE = 0.04
VALUE_SIGMA = 0.45  # log-scale spread of annual values around the role's typical value

# Framework iterations by the date they opened, so a call-off is labelled with the framework live
# when the contract started. Dates are approximate: the data is illustrative.
G_CLOUD = (
    ("2015-11-01", "G-Cloud 7"), ("2016-08-01", "G-Cloud 8"), ("2017-05-22", "G-Cloud 9"),
    ("2018-07-02", "G-Cloud 10"), ("2019-07-02", "G-Cloud 11"), ("2020-09-28", "G-Cloud 12"),
    ("2022-11-14", "G-Cloud 13"), ("2024-11-11", "G-Cloud 14"),
)
TECHNOLOGY_SERVICES = (("2015-01-01", "CCS RM3804 Technology Services 2"),
                       ("2019-06-01", "CCS RM6100 Technology Services 3"))
NETWORK_SERVICES = (("2015-01-01", "CCS RM3808 Network Services 2"),
                    ("2022-10-01", "CCS RM6116 Network Services 3"))
FIXED_ROUTES = {"kcs": "KCS", "espo": "ESPO", "direct": "Direct award", "open": "Open tender"}
G_CLOUD_MAX_MONTHS = 48  # a G-Cloud call-off runs at most 4 years with its extensions

# Uniform draws per role and borough, by purpose (rows of one `rng.random((N_DRAWS, n))` block).
(U_PRESENT, U_PRODUCT, U_SUPPLIER, U_YEARS, U_START, U_APRIL, U_HOSTING, U_ROUTE, U_EXT, U_EXT_LEN,
 U_REVIEW, U_REVIEW_LEN, U_UNKNOWN_END, U_NOISE1, U_NOISE2, U_NOISE3, U_SAT, U_SAT_SCORE,
 U_PRIVATE) = range(19)
N_DRAWS = 19


def _pick(u: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Index into `weights` for each uniform draw in `u` (inverse CDF)."""
    cum = np.cumsum(np.asarray(weights, dtype=float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


def _pick_rows(u: np.ndarray, choice: np.ndarray, weight_table: np.ndarray) -> np.ndarray:
    """Like _pick, with a different weight row per draw: weight_table[choice[i]]."""
    cum = np.cumsum(weight_table, axis=1)
    cum /= cum[:, -1:]
    picked = (u[:, None] >= cum[choice]).sum(axis=1)
    return np.minimum(picked, weight_table.shape[1] - 1)


def size_factors() -> np.ndarray:
    """Relative spend of each borough (ONS-code order): larger boroughs pay more, and inner boroughs
    more than their area suggests because they are denser. The median borough is about 1."""
    hectares = np.array([a.hectares for a in authorities()])
    inner = np.array([a.inner for a in authorities()])
    return (hectares / np.median(hectares)) ** 0.25 * np.where(inner, 1.25, 1.0)


def _month_to_day(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[D]")


def _framework(starts: np.ndarray, table: tuple[tuple[str, str], ...]) -> np.ndarray:
    opened = np.array([d for d, _ in table], dtype="datetime64[D]")
    names = np.array([n for _, n in table], dtype=object)
    return names[np.maximum(np.searchsorted(opened, starts, side="right") - 1, 0)]


def _round_money(values: np.ndarray) -> np.ndarray:
    """Three significant figures, as budgets are quoted; at least £500."""
    values = np.maximum(values, 500.0)
    step = 10.0 ** (np.floor(np.log10(values)) - 2)
    return (np.round(values / step) * step).round().astype(np.int64)


def _shared_sources(rng: np.random.Generator, slot: Slot, n: int, present: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """For one role: src[i] = the instance whose contract instance i holds (itself unless it is in a
    shared contract), and a shared key (-1 = not shared). Mutates `present` so every member of a
    shared contract has the row."""
    n_replicas = -(-n // 33)
    u = rng.random((len(SHARED_GROUPS), n_replicas))
    src = np.arange(n)
    key = np.full(n, -1, dtype=np.int64)
    if slot.shareable <= 0:
        return src, key
    index = {a.code: i for i, a in enumerate(authorities())}
    for g, members in enumerate(SHARED_GROUPS):
        idx = np.array([index[c] for c in members])
        replicas = np.flatnonzero(u[g] < slot.shareable)
        instances = replicas[:, None] * 33 + idx[None, :]  # (replicas, members)
        instances = instances[(instances < n).all(axis=1)]  # a partial replica lacks some members
        if len(instances) == 0:
            continue
        leaders = instances[:, :1]
        src[instances] = np.broadcast_to(leaders, instances.shape)
        present[instances] = True
        key[instances] = np.broadcast_to(leaders, instances.shape)
    return src, key


def _slot_rows(rng: np.random.Generator, slot_no: int, slot: Slot, n: int, as_of: date,
               size: np.ndarray) -> dict[str, np.ndarray]:
    u = rng.random((N_DRAWS, n))
    present = u[U_PRESENT] < slot.presence
    src, shared_key = _shared_sources(rng, slot, n, present)

    # Contract-level attributes, copied from the leader on shared contracts via `src`.
    products = slot.products
    product = _pick(u[U_PRODUCT], [p.weight for p in products])[src]
    manufacturer = np.array([p.manufacturer for p in products], dtype=object)[product]
    supplier = manufacturer.copy()
    u_supplier = u[U_SUPPLIER][src]
    for k, p in enumerate(products):
        if p.suppliers:
            rows = product == k
            names = np.array([s for s, _ in p.suppliers], dtype=object)
            supplier[rows] = names[_pick(u_supplier[rows], [w for _, w in p.suppliers])]
    system = np.array([p.system for p in products], dtype=object)[product]

    year_options = YEAR_PROFILES[slot.years]
    years = np.array([y for y, _ in year_options])[_pick(u[U_YEARS], [w for _, w in year_options])]
    years = years[src]
    as_of_month = np.datetime64(as_of, "M")
    n_months = int((as_of_month - FIRST_START_MONTH).astype(int)) + 1
    start = FIRST_START_MONTH + np.floor(u[U_START] * n_months).astype(np.int64)
    april = start.astype("datetime64[Y]").astype("datetime64[M]") + 3
    start = np.where((u[U_APRIL] < P_APRIL_START) & (april <= as_of_month), april, start)[src]
    # A contract that ended over a year ago has been re-let for the same term: keep the current one,
    # so end dates run from a year ago (overdue renewals) to several years ahead.
    cutoff = np.datetime64(as_of, "D") - 365
    while True:
        expired = _month_to_day(start + 12 * years) <= cutoff
        if not expired.any():
            break
        start = np.where(expired, start + 12 * years, start)
    end_excl = start + 12 * years  # first month after the contract

    hosting_table = np.array([HOSTING_PROFILES[p.hosting] for p in products])
    hosting = np.array(HOSTING_VALUES, dtype=object)[
        _pick_rows(u[U_HOSTING][src], product, hosting_table)]

    families = ROUTE_PROFILES[slot.route]
    family = np.array([f for f, _ in families], dtype=object)[
        _pick(u[U_ROUTE], [w for _, w in families])][src]
    family = np.where((family == "gcloud") & (years * 12 > G_CLOUD_MAX_MONTHS), "open", family)
    start_day = _month_to_day(start)
    route = np.empty(n, dtype=object)
    for fam, label in FIXED_ROUTES.items():
        route[family == fam] = label
    route[family == "gcloud"] = _framework(start_day[family == "gcloud"], G_CLOUD)
    route[family == "ts"] = _framework(start_day[family == "ts"], TECHNOLOGY_SERVICES)
    route[family == "ns"] = _framework(start_day[family == "ns"], NETWORK_SERVICES)

    u_ext = u[U_EXT][src]
    ext_months = np.where(u[U_EXT_LEN][src] < 0.6, 12, 24)
    ext_months = np.where(family == "gcloud",
                          np.minimum(ext_months, G_CLOUD_MAX_MONTHS - 12 * years), ext_months)
    has_ext = (u_ext < P_EXTENSION) & (ext_months > 0)
    no_ext = ~has_ext & (u_ext < P_EXTENSION + P_NO_EXTENSION)
    review_before = np.array([3, 6, 9])[_pick(u[U_REVIEW_LEN], (0.2, 0.6, 0.2))][src]
    has_review = (u[U_REVIEW] < P_REVIEW)[src]
    unknown_end = (u[U_UNKNOWN_END] < P_UNKNOWN_END)[src]

    nat = np.datetime64("NaT", "D")
    end = _month_to_day(end_excl) - 1
    max_end = np.where(has_ext, _month_to_day(end_excl + ext_months) - 1,
                       np.where(no_ext, end, nat))
    review = np.where(has_review, _month_to_day(end_excl - review_before) - 1, nat)
    end = np.where(unknown_end, nat, end)
    max_end = np.where(unknown_end, nat, max_end)
    review = np.where(unknown_end, nat, review)

    # Borough-level attributes: each borough pays its own share, scores and publishes on its own.
    noise = np.exp(VALUE_SIGMA * 2.0 * (u[U_NOISE1] + u[U_NOISE2] + u[U_NOISE3] - 1.5))
    annual = _round_money(slot.annual_gbp * size * noise)
    total = np.where(unknown_end, -1, annual * years)
    satisfaction = np.where(u[U_SAT] < P_SATISFACTION,
                            _pick(u[U_SAT_SCORE], SATISFACTION_WEIGHTS) + 1, 0)
    value_public = u[U_PRIVATE] >= P_VALUE_PRIVATE

    keep = np.flatnonzero(present)
    return {
        "instance": keep,
        "slot_no": np.full(len(keep), slot_no),
        "shared_key": np.where(shared_key[keep] >= 0,
                               shared_key[keep] * len(SLOTS) + slot_no, -1),
        "service_area": np.full(len(keep), slot.area, dtype=object),
        "system": system[keep],
        "manufacturer": manufacturer[keep],
        "supplier": supplier[keep],
        "start_date": start_day[keep],
        "end_date": end[keep],
        "max_end_date": max_end[keep],
        "review_date": review[keep],
        "annual_value_gbp": annual[keep],
        "total_value_gbp": total[keep],
        "hosting": hosting[keep],
        "procurement_route": route[keep],
        "satisfaction": satisfaction[keep],
        "value_public": value_public[keep],
    }


def generate(seed: int, scale: float, as_of: date = DEFAULT_AS_OF) -> pd.DataFrame:
    """Synthetic contract rows with the schema's columns, deterministic for (seed, scale, as_of).

    About 1,250 rows per unit of scale, over every service area except libraries, planning and
    elections (real data covers those) and "unclassified". Dates are datetime64 (NaT = blank),
    money float64 (NaN = blank), satisfaction Int64 (<NA> = blank), shared_ref "" when not shared.
    """
    if not np.isfinite(scale) or scale <= 0 or scale > MAX_SCALE:
        raise ValueError(f"scale must be above 0 and at most {MAX_SCALE:g}, not {scale!r}")
    rng = np.random.default_rng(seed)
    auths = authorities()
    n = max(1, round(len(auths) * scale))
    size = size_factors()[np.arange(n) % len(auths)]
    parts = [_slot_rows(rng, slot_no, slot, n, as_of, size) for slot_no, slot in enumerate(SLOTS)]
    cols = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.lexsort((cols["slot_no"], cols["instance"]))
    cols = {name: values[order] for name, values in cols.items()}
    rows = len(order)

    codes = np.array([a.code for a in auths], dtype=object)
    width = max(6, len(str(rows)))
    frame = pd.DataFrame({
        "contract_id": pd.Series(np.arange(1, rows + 1)).astype("str").str.zfill(width)
        .radd("DEMO-").to_numpy(),
        "authority_code": codes[cols["instance"] % len(auths)],
    })
    for name in ("service_area", "system", "manufacturer", "supplier"):
        frame[name] = cols[name]
    for name in CONTRACT_DATES:
        frame[name] = cols[name].astype("datetime64[s]")
    frame["annual_value_gbp"] = cols["annual_value_gbp"].astype("float64")
    frame["total_value_gbp"] = np.where(cols["total_value_gbp"] < 0, np.nan,
                                        cols["total_value_gbp"].astype("float64"))
    frame["hosting"] = cols["hosting"]
    frame["procurement_route"] = cols["procurement_route"]
    frame["shared_ref"] = _shared_refs(cols["shared_key"])
    satisfaction = pd.Series(cols["satisfaction"])
    frame["satisfaction"] = satisfaction.where(satisfaction > 0).astype("Int64")
    frame["value_public"] = cols["value_public"].astype(bool)
    frame["source"] = DEMO_SOURCE
    frame["synthetic"] = True
    frame["evidence"] = ""  # illustrative rows have none
    frame["observed_date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    frame["confidence"] = ""
    for name in ("contract_id", "authority_code", "service_area", "system", "manufacturer",
                 "supplier", "hosting", "procurement_route", "shared_ref", "source", "evidence",
                 "confidence"):
        frame[name] = frame[name].astype("str")
    return frame[list(COLUMN_NAMES)]


def _shared_refs(keys: np.ndarray) -> np.ndarray:
    """SHARED-0001, SHARED-0002, ... numbered in order of first appearance; "" when not shared."""
    refs = np.full(len(keys), "", dtype=object)
    shared = keys >= 0
    if shared.any():
        _, first, inverse = np.unique(keys[shared], return_index=True, return_inverse=True)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(1, len(first) + 1)
        width = max(4, len(str(len(first))))
        refs[shared] = [f"SHARED-{r:0{width}d}" for r in rank[inverse]]
    return refs


def to_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the strings written to contracts.csv: ISO dates, plain whole numbers,
    true/false, blanks for missing values."""
    out = pd.DataFrame(index=frame.index)
    for name in COLUMN_NAMES:
        col = frame[name]
        if name in DATE_COLUMNS and pd.api.types.is_datetime64_any_dtype(col):
            out[name] = col.dt.strftime("%Y-%m-%d").fillna("")
        elif name in (*MONEY_COLUMNS, "satisfaction") and pd.api.types.is_numeric_dtype(col):
            out[name] = col.map(_plain_number).astype("str")
        elif pd.api.types.is_bool_dtype(col):
            out[name] = np.where(col.to_numpy(), "true", "false")
        else:
            out[name] = col.fillna("").astype("str")
    return out


def _plain_number(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def manifest(seed: int, scale: float, include_real: bool, as_of: date = DEFAULT_AS_OF
             ) -> dict[str, Any]:
    demo = {
        "title": f"Illustrative contracts generated by London Tech Map (seed {seed}, "
                 f"scale {scale:g})",
        "url": "",
        "publisher": "London Tech Map",
        "licence": "CC0-1.0 (illustrative data)",
        "attribution": "Generated by London Tech Map (python -m techmap generate-demo); "
                       "not real contracts.",
        "as_of": as_of.isoformat(),
        "synthetic": True,
    }
    scale_note = "" if scale == 1 else f" at {scale:g} times the normal size"
    if not include_real:
        return {
            "title": "London borough technology contracts (illustrative)",
            "description": "Every row is illustrative: invented contracts for the 33 London "
                           f"boroughs{scale_note}, generated with seed {seed}. They show how the "
                           "app works and describe no real contract.",
            "as_of": as_of.isoformat(),
            "licence": "CC0-1.0 (illustrative data)",
            "attribution": demo["attribution"],
            "synthetic": "all",
            "sources": {DEMO_SOURCE: demo},
        }
    from techmap.sources import build  # the real rows come from the real dataset's build

    real = build.real_sources()
    return {
        "title": "London borough technology contracts (demo: real and illustrative)",
        "description": (
            "Real rows (synthetic=false): everything `python -m techmap build-london` builds "
            "from public sources, each with its evidence. Illustrative rows (synthetic=true, "
            "source \"demo\"): invented contracts, generated with seed "
            f"{seed}{scale_note}, only for the (borough, service area) pairs the real rows leave "
            "unknown, to show every feature of the app; their suppliers, systems, dates and "
            "values describe no real contract."
        ),
        "as_of": as_of.isoformat(),
        "licence": "Real rows: as their sources say (see sources); CC0-1.0 for the "
                   "illustrative rows",
        "attribution": "; ".join(f"{meta['title']}: {meta['attribution']}"
                                 for meta in real.values()),
        "synthetic": "mixed",
        "sources": {DEMO_SOURCE: demo, **real},
    }


def write_dataset(out: Path, manifest_data: dict[str, Any], contracts: pd.DataFrame,
                  skills: pd.DataFrame | None = None) -> None:
    """Write manifest.json and contracts.csv (UTF-8, LF line ends, columns in schema order), and
    skills.csv when given."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(
        json.dumps(manifest_data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    contracts[list(COLUMN_NAMES)].to_csv(out / "contracts.csv", index=False, lineterminator="\n",
                                         encoding="utf-8")
    if skills is not None:
        write_skills(out, skills)


def build_contracts(seed: int, scale: float, include_real: bool) -> pd.DataFrame:
    """The rows of a generated dataset as CSV text: the real rows first (those of
    `build-london`), then illustrative rows for the (borough, service area) pairs the real rows
    leave unknown, numbered DEMO-000001 on."""
    illustrative = generate(seed, scale)
    if not include_real:
        return to_csv_text(illustrative)
    from techmap.sources import build

    real = build.real_rows()
    known = set(zip(real["authority_code"], real["service_area"], strict=True))
    unknown = [pair not in known for pair in zip(illustrative["authority_code"],
                                                 illustrative["service_area"], strict=True)]
    illustrative = illustrative[unknown].reset_index(drop=True)
    width = len(illustrative["contract_id"].iat[0]) - len("DEMO-") if len(illustrative) else 6
    illustrative["contract_id"] = [f"DEMO-{i:0{width}d}" for i in range(1, len(illustrative) + 1)]
    return pd.concat([real, to_csv_text(illustrative)], ignore_index=True)


def run_generate_command(seed: int, scale: float, out: Path, include_real: bool = True) -> int:
    """`python -m techmap generate-demo`: write the dataset folder and print a one-line summary."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        print(f"error: {out}: exists and is not a folder", file=sys.stderr)
        return 1
    try:
        contracts = build_contracts(seed, scale, include_real)
    except ValueError as exc:
        print(f"error: --scale: {exc}", file=sys.stderr)
        return 1
    except DatasetError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    write_dataset(out, manifest(seed, scale, include_real), contracts,
                  demo_skills(seed, DEFAULT_AS_OF, DEMO_SOURCE))
    real = int((contracts["synthetic"] == "false").sum())
    print(f"{out}: wrote {len(contracts):,} contracts ({real:,} real, "
          f"{len(contracts) - real:,} illustrative; seed {seed}, scale {scale:g})")
    return 0
