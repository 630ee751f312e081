"""`python -m techmap import register|ocds|survey ...`: read, merge into the dataset folder, write
the report, run the validator on the result. Exit 0 when the import worked and the dataset has no
errors; 1 when the file could not be read, nothing was kept (no dataset is created), the dataset
could not be merged into safely, or the result has validator errors; 2 for a bad argument (an
--authority that is not a London borough). With `--publish [--note N] [--by NAME] [--database
URL]` the dataset folder is then published as a new version through `python -m techmap publish`'s
own path (validated; refused with the report on errors, the store left unchanged); exit 1 when
that is refused."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from techmap.dataformat.authorities import by_code, match_authority
from techmap.cli_output import emit
from techmap.dataformat.evidence import URL
from techmap.importers.merge import CONTRACTS_FILE, MergeRefused, merge_into_dataset
from techmap.importers.ocds import import_ocds
from techmap.importers.register import import_register
from techmap.importers.report import ImportReport
from techmap.importers.rows import OGL3, ImportResult
from techmap.importers.survey import import_survey
from techmap.importers.survey_skills import merge_skills
from techmap.dataformat.problems import Problem

REPORTS_DIR = "import_reports"


def read_import(kind: str, files: list[Path], *, authority: str | None = None, url: str = "",
                licence: str = OGL3) -> ImportResult:
    """Read the files of one import (no dataset is touched). Raises ValueError for an
    --authority that is not a London borough, or a --url that is not a web address."""
    if url and not URL.match(url):
        raise ValueError(f"--url {url!r} is not a web address: give the http(s):// address "
                         "where the file is published (it becomes each row's evidence)")
    if kind == "register":
        code = match_authority(authority or "")
        if code is None:
            raise ValueError(f"--authority {authority!r} is not a London borough: use an ONS code "
                             "(E09000001 to E09000033) or a name such as 'Camden' or "
                             "'London Borough of Camden'")
        return import_register(files[0], by_code()[code], url=url, licence=licence)
    if kind == "ocds":
        return import_ocds(files)
    if kind == "survey":
        return import_survey(files[0], url=url, licence=licence)
    raise ValueError(f"unknown import kind {kind!r}")


def finish_import(result: ImportResult, out: Path) -> ImportReport:
    """Merge the rows into the dataset at `out`, validate it and write the report to
    `out/import_reports/`. The report is always written, also when nothing was kept or the
    file could not be read (then `out` holds only the report: no empty dataset is made)."""
    from techmap.dataformat.validate import validate_path
    from techmap.dataformat.validate_cli import summary_line

    report = result.report
    out = Path(out)
    if out.exists() and not out.is_dir():
        report.fatal.append(Problem(str(out), None, "-", "", "--out must be a dataset folder, "
                                    "and this is a file"))
        return report
    if report.fatal and not result.rows:
        report.outcome = f"nothing imported: the file could not be read; {_unchanged(out)}"
    elif not result.rows and not (out / CONTRACTS_FILE).exists():
        report.nothing_kept = True
        report.outcome = (f"nothing imported: no rows kept, so no dataset was created at {out} "
                          "(the report gives each row's reason)")
    else:
        try:
            report.merge = merge_into_dataset(out, result.rows, result.sources,
                                              title=result.title, description=result.description)
        except MergeRefused as exc:
            report.fatal.extend(exc.problems)
            report.outcome = (f"nothing imported: the dataset at {out} was not changed; fix the "
                              "problem above (python -m techmap validate lists every problem) or "
                              "import into another folder")
        else:
            if result.skills:
                report.notes.append(merge_skills(out, result.skills, set(result.sources)))
            report.validation = validate_path(out)
            report.validation_summary = summary_line(report.validation, report.merge.rows)
    sources = result.sources or report.sources  # a file that could not be read has no entry
    name = next(iter(sources), report.kind)
    if len(sources) > 1:
        name += f"-and-{len(sources) - 1}-more"
    path = out / REPORTS_DIR / f"{name}.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report.render(), encoding="utf-8")
    except OSError as exc:
        report.fatal.append(Problem(str(path), None, "-", "", f"cannot write the report: "
                                    f"{exc.strerror or exc}"))
    else:
        report.report_path = path
    return report


def _unchanged(out: Path) -> str:
    return (f"the dataset at {out} was not changed" if (out / CONTRACTS_FILE).exists() else
            f"no dataset was created at {out}")


def run_import(kind: str, files: list[Path], out: Path, *, authority: str | None = None,
               url: str = "", licence: str = OGL3, stream: TextIO | None = None
               ) -> tuple[int, ImportReport | None]:
    """The whole command as a function: (exit code, report)."""
    try:
        result = read_import(kind, [Path(f) for f in files], authority=authority, url=url,
                             licence=licence)
    except ValueError as exc:
        emit(f"error: {exc}", sys.stderr if stream is None else stream)
        return 2, None
    report = finish_import(result, Path(out))
    emit(report.summary(), stream)
    return (0 if report.ok else 1), report


def run_import_command(args: argparse.Namespace) -> int:
    """Entry point from techmap.cli (args.kind, args.file or args.files, args.authority,
    args.out; optional args.url and args.licence; with args.publish the dataset is then
    published as `python -m techmap publish` would)."""
    from techmap.store.command import without_publish

    if without_publish(args):
        return 2
    files: list[Any] = list(getattr(args, "files", None) or [getattr(args, "file", None)])
    paths = [Path(f) for f in files if f is not None]
    code, report = run_import(args.kind, paths, Path(args.out),
                              authority=getattr(args, "authority", None),
                              url=getattr(args, "url", None) or "",
                              licence=getattr(args, "licence", None) or OGL3)
    if not getattr(args, "publish", False) or report is None:
        return code
    note = f"import {args.kind}: " + ", ".join(path.name for path in paths)
    return max(code, publish_imported(args, report, Path(args.out), note))


def publish_imported(args: argparse.Namespace, report: ImportReport, out: Path, note: str) -> int:
    """`--publish` after an import (or a harvest): the dataset at `out` published through
    `publish`'s own path, unless the import left it unchanged (then nothing is published)."""
    from techmap.store.command import publish_after

    if report.fatal or report.nothing_kept or not (out / CONTRACTS_FILE).exists():
        print(f"Not published: the import did not change the dataset at {out} (see above); "
              "nothing was published.", file=sys.stderr)
        return 1
    return publish_after(args, out, note)
