"""`python -m techmap harvest contracts-finder|find-a-tender --from D [--to D] --out DATASET
[--base-url URL]`: read every page of the service's OCDS search for the dates, fold each into the
spool as it comes (fold.py), then import the spool with the OCDS import (same classification,
merge by ocid, report) into DATASET. Exit 0 when the run worked and the dataset has no validator
errors (also when the dates hold no London borough technology contract: then no dataset is made),
1 when it failed, with the reason: a page that could not be had after the retries, a body that is
not a release package, a dataset that cannot be merged into. Run the same command again to
continue an interrupted or failed run from its last completed page. With `--publish` the dataset
is then published as a new version, as `python -m techmap publish` does (importers/command.py)."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from techmap.harvest.progress import Progress
from techmap.harvest.retries import HarvestFailed, Retryable, RetryPolicy
from techmap.harvest.services import MAX_PAGE_SIZE, SERVICES, Service
from techmap.harvest.state import HarvestState, RunFiles, cut_spool

if TYPE_CHECKING:  # imported when a harvest runs, not when the CLI parses its arguments
    from techmap.harvest.client import PageClient
    from techmap.harvest.fold import PageFolder


def add_parser(sub: Any) -> None:
    """The `harvest` subcommand and its two services, on the CLI's subparsers."""
    parser = sub.add_parser("harvest", help="download OCDS from Contracts Finder or Find a "
                            "Tender and keep the London boroughs' technology contracts")
    services = parser.add_subparsers(dest="service", required=True)
    from techmap.store.command import publish_options

    publish = [publish_options()]  # --publish [--note] [--by] [--database], as the importers
    for service in SERVICES.values():
        p = services.add_parser(service.name, parents=publish, help=f"{service.title}'s OCDS "
                                f"search ({service.base_url}{service.path})")
        p.add_argument("--from", dest="date_from", type=_iso_date, required=True,
                       metavar="YYYY-MM-DD",
                       help="first day (YYYY-MM-DD)")
        p.add_argument("--to", dest="date_to", type=_iso_date, default=None,
                       metavar="YYYY-MM-DD",
                       help="last day (YYYY-MM-DD; default today)")
        p.add_argument("--out", type=Path, required=True, metavar="DATASET",
                       help="the dataset folder to write")
        p.add_argument("--base-url", default=service.base_url, metavar="URL",
                       help=f"where the service is (default {service.base_url}): a mirror or "
                            "a test server")
        p.add_argument("--tries", type=_positive_int, default=RetryPolicy.tries,
                       help="tries per page before giving up (default %(default)s)")
        p.add_argument("--max-wait", type=float, default=RetryPolicy.max_wait_s,
                       help="longest wait in seconds before a retry (default %(default)s)")
        p.add_argument("--page-size", type=_positive_int, default=MAX_PAGE_SIZE,
                       help=f"releases asked per page, 1 to {MAX_PAGE_SIZE}")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") \
            from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def run(args: argparse.Namespace) -> int:
    """Entry point from techmap.cli."""
    from techmap.store.command import without_publish

    if without_publish(args):
        return 2
    date_to = args.date_to or date.today()
    if args.date_from > date_to:
        print(f"error: --from {args.date_from} is after --to {date_to}", file=sys.stderr)
        return 2
    policy = RetryPolicy(tries=args.tries, max_wait_s=args.max_wait)
    outcome = harvest(SERVICES[args.service], args.date_from, date_to, args.out,
                      base_url=args.base_url, policy=policy,
                      page_size=min(args.page_size, MAX_PAGE_SIZE))
    if not getattr(args, "publish", False):
        return outcome.exit_code
    if outcome.report is None:  # the pages are not all in: there is nothing new to publish
        print("Not published: the harvest did not finish; nothing was published.", file=sys.stderr)
        return outcome.exit_code
    from techmap.importers.command import publish_imported

    note = f"harvest {args.service} {args.date_from} to {date_to}"
    return max(outcome.exit_code, publish_imported(args, outcome.report, Path(args.out), note))


@dataclass
class HarvestOutcome:
    exit_code: int
    state: HarvestState | None = None
    report: Any = None  # techmap.importers.ImportReport once the import ran
    seconds: dict[str, float] = field(default_factory=dict)  # parse, fold, import (no network)
    error: str = ""


def harvest(service: Service, date_from: date, date_to: date, out: Path, *,
            base_url: str | None = None, policy: RetryPolicy | None = None,
            page_size: int = MAX_PAGE_SIZE, stream: TextIO | None = None,
            progress: Progress | None = None) -> HarvestOutcome:
    """The whole run as a function (tests and the benchmark call it): pages, import, report."""
    from techmap.harvest.client import PageClient
    from techmap.harvest.fold import PageFolder

    stream = stream or sys.stdout
    progress = progress or Progress()
    policy = policy or RetryPolicy()
    files = RunFiles.beside(Path(out), service.name, date_from, date_to)
    base = (base_url or service.base_url).rstrip("/")
    outcome = HarvestOutcome(exit_code=1)

    def on_wait(failure: Retryable, seconds: float, next_try: int) -> None:
        why = "Retry-After" if failure.retry_after is not None else "back-off"
        progress.note(f"{failure.reason} from {failure.url}: waiting {seconds:g} s ({why}), "
                      f"then try {next_try} of {policy.tries}")

    try:
        outcome.state = state = _start(service, date_from, date_to, base, page_size, files,
                                       progress)
        folder = PageFolder(files.spool)
        if state.pages:
            folder.restore()
        with PageClient(policy, on_wait=on_wait) as client:
            _read_pages(state, files, client, folder, progress)
            outcome.seconds = {"parse": client.parse_seconds, "fold": folder.seconds}
    except (HarvestFailed, OSError, KeyboardInterrupt) as exc:
        progress.finish()
        done = outcome.state.pages if outcome.state else 0
        again = (f"run the same command again to continue from page {done + 1:,}"
                 if outcome.state else "run the same command again")
        if isinstance(exc, KeyboardInterrupt):
            print(f"Interrupted after {done:,} complete pages; {again}.", file=sys.stderr)
            outcome.exit_code = 130
            return outcome
        outcome.error = str(exc) if isinstance(exc, HarvestFailed) else (
            f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}")
        print(f"error: {outcome.error}", file=sys.stderr)
        print(f"The harvest stopped after {done:,} complete pages; {again}.", file=sys.stderr)
        return outcome
    progress.finish()
    started = time.perf_counter()
    from techmap.harvest.finish import import_spool  # the import (pandas) only once pages are in

    outcome.report, outcome.exit_code = import_spool(service, state, files, Path(out), stream)
    outcome.seconds["import"] = time.perf_counter() - started
    return outcome


def _read_pages(state: HarvestState, files: RunFiles, client: PageClient, folder: PageFolder,
                progress: Progress) -> None:
    """Fetch, fold and record each page in turn until the last; the state is saved after each
    page is safely in the spool, so a run stopped anywhere resumes at the next page."""
    from techmap.harvest.paging import next_page_url

    while state.next_url is not None:
        url = state.next_url
        package = client.get_package(url)
        following = next_page_url(package, url)
        state.spool_bytes = folder.fold(url, package)
        state.pages += 1
        state.releases += len(package["releases"])
        state.kept_releases, state.kept_rows = folder.kept_releases, len(folder.kept_ids)
        state.set_aside = _counts(state.set_aside, folder.set_aside)
        folder.set_aside.clear()
        state.next_url, state.complete = following, following is None
        state.save(files.state)
        progress.page(state)


def _counts(saved: dict[str, int], new: Any) -> dict[str, int]:
    total = dict(saved)
    for key, count in new.items():
        total[key] = total.get(key, 0) + count
    return total


def _start(service: Service, date_from: date, date_to: date, base: str, page_size: int,
           files: RunFiles, progress: Progress) -> HarvestState:
    """The saved state of this run, or a new one; the spool cut to the pages the state counts."""
    fresh = HarvestState(service=service.name, date_from=date_from.isoformat(),
                         date_to=date_to.isoformat(), base_url=base,
                         next_url=service.first_url(date_from, date_to, base, page_size))
    saved = HarvestState.load(files.state)
    if saved is not None and saved.same_run(fresh) and (saved.pages or saved.complete):
        cut_spool(files.spool, saved.spool_bytes)
        where = ("every page is in; importing" if saved.complete else
                 f"continuing from page {saved.pages + 1:,}")
        progress.note(f"Resuming the harvest in {files.state}: {saved.pages:,} pages, "
                      f"{saved.releases:,} releases read before; {where}.")
        return saved
    if saved is not None and not saved.same_run(fresh):
        progress.note(f"{files.state} is from a run at {saved.base_url}; starting again at "
                      f"{base}.")
    files.spool.parent.mkdir(parents=True, exist_ok=True)
    cut_spool(files.spool, 0)
    fresh.save(files.state)
    return fresh
