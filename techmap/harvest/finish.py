"""The end of a harvest: the spool imported by the OCDS import (techmap.importers: the same
classification, merge by ocid and report as `import ocds`), under one manifest source per run,
then merged into the dataset folder and reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from techmap.harvest.services import Service
from techmap.harvest.state import HarvestState, RunFiles
from techmap.importers import ImportReport, finish_import, import_ocds
from techmap.cli_output import emit
from techmap.importers.rows import ImportResult, source_key


def harvest_line(service: Service, state: HarvestState) -> str:
    aside = sum(state.set_aside.values())
    reasons = ", ".join(f"{k} {n:,}" for k, n in sorted(state.set_aside.items(),
                                                         key=lambda kv: -kv[1]))
    return (f"Harvest ({service.title}, {state.date_from} to {state.date_to}): {state.pages:,} "
            f"pages, {state.releases:,} releases read; {aside:,} set aside by the import's rules"
            f"{f' ({reasons})' if reasons else ''}; {state.kept_releases:,} imported")


def _one_source(result: ImportResult, service: Service, state: HarvestState,
                files: RunFiles) -> None:
    """One manifest source for the run, named after the service and the dates (so that harvests
    of other dates never remove its rows, and one of the same dates replaces them)."""
    key = source_key("harvest", service.name, state.date_from, state.date_to)
    meta = dict(next(iter(result.sources.values()), {}))
    meta.update(title=f"{service.title} OCDS, published {state.date_from} to {state.date_to}",
                url=service.first_url(date.fromisoformat(state.date_from),
                                      date.fromisoformat(state.date_to), state.base_url),
                file=files.spool.name, imported_with=f"python -m techmap harvest {service.name}")
    for row in result.rows:
        row["source"] = key
    result.sources = {key: meta}
    result.report.sources = {key: str(files.spool)}


def import_spool(service: Service, state: HarvestState, files: RunFiles, out: Path,
                 stream: TextIO) -> tuple[ImportReport, int]:
    """Import the spool into `out`, print the report; (report, exit code). The state file is
    removed after a successful import, so the same command later starts a new harvest."""
    result = import_ocds([files.spool])
    _one_source(result, service, state, files)
    line = harvest_line(service, state)
    result.report.notes.insert(0, line)
    report = finish_import(result, out)
    failed = bool(report.fatal) or any(p.severity == "error" for p in report.validation)
    emit(line, stream)
    emit(report.summary(), stream)
    if failed:
        emit(f"The pages are all in ({files.spool}); run the same command again to retry the "
              "import without downloading them again.", stream)
        return report, 1
    files.state.unlink(missing_ok=True)
    return report, 0
