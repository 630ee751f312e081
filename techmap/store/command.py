"""`python -m techmap publish | versions | rollback | export`: the store of published versions.
The importers and the harvest publish their result the same way with `--publish`
(publish_options, publish_after).

Which database: `--database URL`, else TECHMAP_DATABASE_URL, else the SQLite file under instance/
of the dataset folder the app serves (TECHMAP_DATASET or the bundled one), which is seeded from that
folder on first use. An explicitly named database is never seeded: its first publish is version 1.

Exit codes: 0 done (also when a publish changes nothing), 1 refused (errors in the dataset, no such
version, an export folder that is not empty, a database that refused the change)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from techmap.store import news

if TYPE_CHECKING:  # the module itself is imported only when a command runs (a quick --help)
    from techmap.store.publishing import Published

COMMANDS = ("publish", "versions", "rollback", "export")


def add_parser(sub: argparse._SubParsersAction) -> None:
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL", default=None,
                          help="SQLAlchemy URL (default: TECHMAP_DATABASE_URL, else the SQLite "
                          "file under instance/ of TECHMAP_DATASET)")
    p = sub.add_parser("publish", parents=[database],
                       help="validate a dataset folder and publish it as the current version")
    p.add_argument("folder", type=Path)
    p.add_argument("--note", required=True, help="what changed, for the version list")
    p.add_argument("--by", default=None, help="who publishes (default: your user name)")
    sub.add_parser("versions", parents=[database], help="list the published versions")
    p = sub.add_parser("rollback", parents=[database],
                       help="make version N current again, as a new version")
    p.add_argument("number", type=int, metavar="N")
    p.add_argument("--note", default="", help="why (default: 'rollback to version N')")
    p.add_argument("--by", default=None, help="who rolls back (default: your user name)")
    p = sub.add_parser("export", parents=[database],
                       help="write a version back as a dataset folder")
    p.add_argument("--version", type=int, default=None, metavar="N",
                   help="the version (default: the current one)")
    p.add_argument("--out", type=Path, required=True, help="a new or empty folder")


def _database(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from techmap.store.default import open_store

    explicit = args.database or os.environ.get("TECHMAP_DATABASE_URL", "").strip()
    return open_store(args.database, seed_empty=not explicit)


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def publish_options() -> argparse.ArgumentParser:
    """`--publish [--note N] [--by NAME] [--database URL]` for the commands that write a dataset
    folder (the importers, the harvest): the result published as `publish` would."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--publish", action="store_true",
                         help="then publish the dataset folder as a new version (as `publish` "
                         "does: validated, refused with the report on errors)")
    options.add_argument("--note", default=None, help="with --publish: what changed (default: "
                         "what was imported)")
    options.add_argument("--by", default=None, help="with --publish: who publishes (default: "
                         "your user name)")
    options.add_argument("--database", metavar="URL", default=None,
                         help="with --publish: SQLAlchemy URL (default: as `publish`)")
    return options


def without_publish(args: argparse.Namespace) -> bool:
    """True, with a message, when --note, --by or --database came without --publish (they
    would do nothing)."""
    given = [f"--{name}" for name in ("note", "by", "database") if getattr(args, name, None)]
    if given and not getattr(args, "publish", False):
        print(f"error: {', '.join(given)} only go with --publish", file=sys.stderr)
        return True
    return False


def publish_after(args: argparse.Namespace, folder: Path, default_note: str) -> int:
    """Publish `folder` for a command given publish_options(): exactly `publish`'s path, its
    messages and exit code."""
    publish = argparse.Namespace(command="publish", folder=Path(folder), database=args.database,
                                 note=args.note or default_note, by=args.by)
    return run(publish)


def _publish(args: argparse.Namespace) -> int:
    from techmap.store.checked import check_folder
    from techmap.store.default import publisher_name
    from techmap.store.publishing import folder_files, publish_checked
    from techmap.cli_output import emit

    checked = check_folder(args.folder)
    emit(checked.report)
    if checked.has_errors:
        print("Refused: the dataset has errors (listed above); nothing was published.",
              file=sys.stderr)
        return 1
    database = _database(args)

    def outcome(result: Published) -> str:
        if result.number is None:
            return (f"Unchanged: the folder holds what version {result.current} holds; nothing was "
                    f"published ({database.url}).")
        since = (f"{_rows(result.added)} added, {result.removed:,} removed since version "
                 f"{result.number - 1}" if result.number > 1 else "the first version")
        return f"Published version {result.number}: {result.rows:,} rows ({since}) in {database.url}."

    return _publish_and_tell(lambda: publish_checked(
        database, checked, folder_files(args.folder), origin=str(args.folder.resolve()),
        note=args.note, by=args.by or publisher_name()), outcome)


def _publish_and_tell(publish: Callable[[], Published], outcome: Callable[[Published], str]) -> int:
    """Run a publish (or a rollback): exit 1 when refused, else print its outcome and exit 0."""
    from techmap.store.publishing import PublishRefused

    try:
        result = publish()
    except PublishRefused as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    print(outcome(result))
    if result.number is not None:
        news.announce(result.number)  # app processes listening over Redis switch at once
    return 0


def _versions(args: argparse.Namespace) -> int:
    from techmap.store.reading import list_versions

    database = _database(args)
    versions = list_versions(database)
    print(f"{len(versions)} version{'s' if len(versions) != 1 else ''} in {database.url}")
    if versions:
        print(f"{'version':>7}  {'published (UTC)':16}  {'by':16}  {'rows':>9}  note")
    for position, v in enumerate(versions):
        note = v.note or v.origin
        if v.rollback_of is not None and v.note:
            note = f"{v.note} (rollback to version {v.rollback_of})"
        current = "  [current]" if position == 0 else ""
        print(f"{v.number:>7}  {v.created_at:%Y-%m-%d %H:%M}  {v.published_by[:16]:16}  "
              f"{v.row_count:>9,}  {note}{current}")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from techmap.store.default import publisher_name
    from techmap.store.publishing import rollback

    database = _database(args)

    def outcome(result: Published) -> str:
        if result.number is None:
            return (f"Unchanged: the current version {result.current} already holds what version "
                    f"{args.number} holds; nothing was published.")
        return (f"Published version {result.number}: the contents of version {args.number} "
                f"({_rows(result.rows)}; {result.added:,} added, {result.removed:,} removed).")

    return _publish_and_tell(lambda: rollback(database, args.number, by=args.by or publisher_name(),
                                              note=args.note or f"rollback to version {args.number}"),
                             outcome)


def _export(args: argparse.Namespace) -> int:
    from techmap.store.reading import VersionNotFound, export_version

    database = _database(args)
    try:
        contents = export_version(database, args.out, args.version)
    except (VersionNotFound, FileExistsError) as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: wrote version {contents.number} ({len(contents.rows):,} rows, "
          f"{len(contents.files) + 1} files).")
    return 0


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from techmap.store.publishing import PublishRefused
    from techmap.cli_output import emit

    handlers = {"publish": _publish, "versions": _versions, "rollback": _rollback,
                "export": _export}
    try:
        return handlers[args.command](args)
    except PublishRefused as exc:  # the default store's seed folder has errors
        if exc.checked is not None:
            emit(exc.checked.report, sys.stderr)
        print(f"Refused: the dataset folder that seeds the default store: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:  # unreachable server, a concurrent publish, ...
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        print(f"error: the database refused the change or cannot be reached ({reason}); "
              "nothing was changed.", file=sys.stderr)
        return 1
