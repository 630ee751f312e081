"""What makes a harvest resumable: two files beside the output dataset folder, named after the
run (service and dates), e.g. for `--out datasets/cf` from 2025-01-01 to 2025-03-31:

- `cf.harvest-contracts-finder-2025-01-01-2025-03-31.json`: the state, a small JSON object (the
  next page's URL, the counts so far, how many bytes of the spool are complete), replaced
  atomically after each page;
- `cf.harvest-contracts-finder-2025-01-01-2025-03-31.jsonl`: the spool, one line per page: the
  page's package with only the releases the import keeps (see fold.py). It is what the OCDS import
  reads at the end, and the import report's `file:line` points into it (line N = page N).

A run killed at any moment restarts from the last page whose state was written: spool bytes past
that point (a page half-written) are cut off. State is checked on reading (JSON, types), never
executed."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from techmap.harvest.retries import HarvestFailed

STATE_VERSION = 1


@dataclass(frozen=True)
class RunFiles:
    state: Path
    spool: Path

    @classmethod
    def beside(cls, out: Path, service: str, date_from: date, date_to: date) -> RunFiles:
        out = Path(out)
        stem = f"{out.name}.harvest-{service}-{date_from.isoformat()}-{date_to.isoformat()}"
        return cls(out.parent / f"{stem}.json", out.parent / f"{stem}.jsonl")


@dataclass
class HarvestState:
    service: str
    date_from: str
    date_to: str
    base_url: str
    next_url: str | None
    pages: int = 0
    releases: int = 0
    kept_releases: int = 0
    kept_rows: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)  # reason -> releases
    spool_bytes: int = 0
    complete: bool = False  # every page read; only the import is left
    version: int = STATE_VERSION

    def same_run(self, other: HarvestState) -> bool:
        return (self.service, self.date_from, self.date_to, self.base_url) == (
            other.service, other.date_from, other.date_to, other.base_url)

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file beside it, flushed, then renamed over it."""
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> HarvestState | None:
        """The saved state, None when there is none. A file that is not a state of this version
        stops the run with a message rather than being guessed at."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise HarvestFailed(f"{path}: the harvest state cannot be read ({exc}); delete it "
                                "to start the harvest again from the first page") from None
        problem = _check(data)
        if problem:
            raise HarvestFailed(f"{path}: not a harvest state file: {problem}; delete it to "
                                "start the harvest again from the first page")
        return cls(**data)


def _check(data: Any) -> str:
    """'' when `data` has exactly the state's fields with the right types, else what is wrong."""
    if not isinstance(data, dict):
        return "not a JSON object"
    expected = {f.name: f for f in fields(HarvestState)}
    if set(data) != set(expected):
        return f"fields {sorted(set(data) ^ set(expected))} differ"
    if data["version"] != STATE_VERSION:
        return f"version {data['version']!r}, not {STATE_VERSION}"
    for name in ("service", "date_from", "date_to", "base_url"):
        if not isinstance(data[name], str):
            return f"{name} is not text"
    if not (data["next_url"] is None or isinstance(data["next_url"], str)):
        return "next_url is not text"
    for name in ("pages", "releases", "kept_releases", "kept_rows", "spool_bytes"):
        if type(data[name]) is not int or data[name] < 0:
            return f"{name} is not a count"
    if type(data["complete"]) is not bool:
        return "complete is not true or false"
    aside = data["set_aside"]
    if not isinstance(aside, dict) or not all(isinstance(k, str) and type(v) is int
                                              for k, v in aside.items()):
        return "set_aside is not an object of counts"
    return ""


def cut_spool(spool: Path, complete_bytes: int) -> None:
    """Keep the first `complete_bytes` of the spool (the pages the state counts), creating it
    empty when the run starts. A spool shorter than the state says is not this run's."""
    if complete_bytes == 0:
        spool.write_bytes(b"")
        return
    size = spool.stat().st_size if spool.exists() else -1
    if size < complete_bytes:
        raise HarvestFailed(f"{spool}: the spool holds {max(size, 0):,} bytes but the state says "
                            f"{complete_bytes:,} were written; delete it and the state file to "
                            "start the harvest again from the first page")
    if size > complete_bytes:
        with spool.open("r+b") as handle:
            handle.truncate(complete_bytes)
