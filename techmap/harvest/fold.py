"""Each page folded into the spool as soon as it is read, so memory stays flat however many
pages there are: a release is set aside when the OCDS import, reading it on its own, would skip
it as not a London borough's, bought for another body, or not technology (the import's own rules:
techmap.importers.ocds.classify_release). Everything else goes to the spool for the import at the
end: releases that give rows, London technology notices not awarded yet (a later release may
award them), releases without a buyer (the import reports them), and any release of an ocid
already kept, so that the import merges every release of a kept procedure by ocid."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from techmap.harvest.retries import HarvestFailed
from techmap.importers.ocds import classify_release, normalise_ocid

SET_ASIDE = frozenset({"not a London borough", "buys for another body", "not technology"})
PACKAGE_FIELDS = ("uri", "version", "publishedDate", "publisher", "license",
                  "publicationPolicy", "extensions")


class PageFolder:
    """Appends one line per page to the spool; counts what it keeps and sets aside."""

    def __init__(self, spool: Path):
        self.spool = spool
        self.known_ocids: set[str] = set()
        self.kept_ids: set[str] = set()  # contract ids the kept releases give, on their own
        self.kept_releases = 0
        self.set_aside: Counter[str] = Counter()
        self.seconds = 0.0  # time spent classifying and writing (no network)

    def restore(self) -> None:
        """Rebuild what the kept releases tell (ocids, contract ids) from the spool, on resume."""
        with self.spool.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    releases = json.loads(line)["releases"]
                    for release in releases:
                        self._keep(release, classify_release(release)[0])
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    raise HarvestFailed(f"{self.spool}:{number}: not a page this harvest wrote "
                                        f"({type(exc).__name__}: {exc}); delete it and the "
                                        "state file to start the harvest again") from None

    def _keep(self, release: dict[str, Any], ids: list[str]) -> None:
        self.known_ocids.add(normalise_ocid(str(release.get("ocid", ""))))
        self.kept_ids.update(ids)
        self.kept_releases += 1

    def fold(self, url: str, package: dict[str, Any]) -> int:
        """Fold one page into the spool; returns the spool's size once the page is on disk."""
        started = time.perf_counter()
        kept: list[dict[str, Any]] = []
        for release in package["releases"]:
            if not isinstance(release, dict) or not release.get("ocid"):
                self.set_aside["not a release with an ocid"] += 1
                continue
            ids, skipped = classify_release(release)
            known = normalise_ocid(str(release["ocid"])) in self.known_ocids
            if not known and not ids and SET_ASIDE.intersection(skipped):
                self.set_aside[next(k for k in skipped if k in SET_ASIDE)] += 1
                continue
            self._keep(release, ids)
            kept.append(release)
        line = {k: package[k] for k in PACKAGE_FIELDS if k in package}
        line["uri"] = url  # the page as fetched: what a person can open to check a row
        line["releases"] = kept
        with self.spool.open("ab") as handle:
            handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":"))
                         .encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
            size = handle.tell()
        self.seconds += time.perf_counter() - started
        return size
