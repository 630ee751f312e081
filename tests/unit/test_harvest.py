"""`python -m techmap harvest`: the real client (httpx + tenacity) against a local HTTP server
(tests/ocds_server.py) serving the real Contracts Finder and Find a Tender samples in pages chained
by links.next, with rate limits, failures, a truncated body and a run killed half-way. Waits are
recorded by an injected sleep (their logic is real, their time is not spent); nothing reaches the
internet."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from techmap.cli import main as cli_main
from techmap.harvest.command import harvest
from techmap.harvest.paging import next_page_url
from techmap.harvest.progress import Progress
from techmap.harvest.retries import HarvestFailed, RetryPolicy, parse_retry_after
from techmap.harvest.services import CONTRACTS_FINDER, FIND_A_TENDER
from techmap.harvest.state import HarvestState, RunFiles
from techmap.importers import run_import
from tests.ocds_server import (
    FTS_PATH,
    SAMPLES,
    Fault,
    OcdsServer,
    cf_package_meta,
    cf_releases,
    fts_package,
    varied,
)
from tests.paths import ROOT

JAN, MAR = date(2025, 1, 1), date(2025, 3, 31)
CF_2025 = SAMPLES / "cf_ocds11_releases_2025_CFServer1.json"


def _cf_server(**faults: list[Fault]) -> OcdsServer:
    """The 200 Contracts Finder releases of 2025 in pages of 40 (5 pages); faults by page."""
    return OcdsServer(cf_releases(), meta=cf_package_meta(), page_size=40,
                      faults={int(k[1:]): v for k, v in faults.items()})


class Waits(list):
    """An injected sleep: records each wait the retry logic chose, spends no time."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _run(server: OcdsServer, out: Path, *, start: date = JAN, end: date = MAR, tries: int = 6,
         max_wait: float = 300.0, waits: Waits | None = None, service=CONTRACTS_FINDER,
         progress: Progress | None = None):
    policy = RetryPolicy(tries=tries, max_wait_s=max_wait, sleep=waits if waits is not None
                         else Waits())
    return harvest(service, start, end, out, base_url=server.base_url, policy=policy,
                   stream=io.StringIO(), progress=progress or Progress(io.StringIO(), tty=False))


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "contracts.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "techmap", "harvest", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


# -- the whole run --------------------------------------------------------------------------------

def test_harvest_keeps_what_import_ocds_keeps(tmp_path):
    """Paged over HTTP, the harvest keeps exactly the rows `import ocds` keeps from the same file
    (same classification, merge by ocid), under one source named after the run."""
    with _cf_server() as server:
        outcome = _run(server, tmp_path / "harvested")
    assert outcome.exit_code == 0, outcome.error
    assert server.pages_served() == [0, 1, 2, 3, 4]
    state = outcome.state
    assert (state.pages, state.releases, state.complete) == (5, 200, True)
    assert state.set_aside == {"not a London borough": 188, "not technology": 10}
    code, _ = run_import("ocds", [CF_2025], tmp_path / "imported", stream=io.StringIO())
    assert code == 0
    harvested, imported = _rows(tmp_path / "harvested"), _rows(tmp_path / "imported")
    source = "harvest-contracts-finder-2025-01-01-2025-03-31"
    assert {r["source"] for r in harvested} == {source}
    strip = [{k: v for k, v in r.items() if k != "source"} for r in harvested]
    assert strip == [{k: v for k, v in r.items() if k != "source"} for r in imported]
    assert len(harvested) == 2
    manifest = json.loads((tmp_path / "harvested" / "manifest.json").read_text())
    entry = manifest["sources"][source]
    assert entry["url"].startswith(server.base_url + "/Published/Notices/OCDS/Search?")
    assert entry["imported_with"] == "python -m techmap harvest contracts-finder"
    files = RunFiles.beside(tmp_path / "harvested", "contracts-finder", JAN, MAR)
    assert not files.state.exists()  # done: the same command later starts a new harvest
    assert len(files.spool.read_text().splitlines()) == 5  # one line per page
    report = (tmp_path / "harvested" / "import_reports" / f"{source}.txt").read_text()
    assert "5 pages, 200 releases read; 198 set aside" in report
    assert f"{files.spool}:" in report  # kept rows point into the spool (line = page)


def test_first_url_is_the_official_endpoint_with_its_parameters():
    assert CONTRACTS_FINDER.first_url(JAN, MAR) == (
        "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search?"
        "publishedFrom=2025-01-01T00:00:00&publishedTo=2025-03-31T23:59:59&limit=100")
    assert FIND_A_TENDER.first_url(JAN, MAR, page_size=50) == (
        "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?"
        "updatedFrom=2025-01-01T00:00:00&updatedTo=2025-03-31T23:59:59&limit=50")
    # a mirror, with or without the endpoint's path
    assert FIND_A_TENDER.first_url(JAN, JAN, "http://m/x/").startswith(f"http://m/x{FTS_PATH}?")
    assert FIND_A_TENDER.first_url(JAN, JAN, f"http://m{FTS_PATH}").startswith(
        f"http://m{FTS_PATH}?")


# -- rate limits and failures ---------------------------------------------------------------------

def test_429_503_truncated_and_cut_pages_are_retried_and_change_nothing(tmp_path):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    waits = Waits()
    with _cf_server(p1=[Fault("status", 429, {"Retry-After": "1"})],
                    p2=[Fault("status", 503), Fault("truncate"), Fault("cut")],
                    p3=[Fault("status", 429, {"Retry-After": when})]) as server:
        outcome = _run(server, tmp_path / "faulty", waits=waits)
    assert outcome.exit_code == 0, outcome.error
    # page 1: Retry-After 1 s; page 2: back-off 2, 4, 8 s; page 3: an HTTP date about 2 s away
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0]
    assert len(waits) == 5 and 0 < waits[4] <= 2
    assert [what for page, what in server.requests if page == 2] == [
        "503", "truncate", "cut", "200"]
    with _cf_server() as server:
        _run(server, tmp_path / "clean")
    assert (tmp_path / "faulty" / "contracts.csv").read_bytes() == (
        tmp_path / "clean" / "contracts.csv").read_bytes()


def test_progress_names_each_wait_and_page(tmp_path):
    stream = io.StringIO()
    with _cf_server(p1=[Fault("status", 429, {"Retry-After": "1"})]) as server:
        _run(server, tmp_path / "out", progress=Progress(stream, tty=False))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "page 1: 40 releases read, 39 set aside, 1 kept, 1 rows"
    assert lines[1].startswith("HTTP 429 Too Many Requests from http://127.0.0.1:")
    assert lines[1].endswith("waiting 1 s (Retry-After), then try 2 of 6")
    assert lines[-1] == "page 5: 200 releases read, 198 set aside, 2 kept, 2 rows"
    terminal = io.StringIO()
    with _cf_server() as server:
        _run(server, tmp_path / "tty", progress=Progress(terminal, tty=True))
    text = terminal.getvalue()
    assert text.count("\r") == 5 and text.count("\n") == 1  # one line, rewritten in place


def test_gives_up_after_the_tries_allowed_with_a_clear_message(tmp_path):
    """Through the command line: exit 1, the URL and the reason, never a traceback; run again,
    it continues from the page that failed."""
    with _cf_server(p1=[Fault("status", 503)] * 3) as server:
        args = ["contracts-finder", "--from", "2025-01-01", "--to", "2025-03-31",
                "--out", str(tmp_path / "ds"), "--base-url", server.base_url,
                "--tries", "3", "--max-wait", "0.01"]
        failed = _cli(*args)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stderr + failed.stdout
        assert (f"error: gave up on {server.base_url}/Published/Notices/OCDS/Search?"
                in failed.stderr)
        assert "after 3 tries: HTTP 503 Service Unavailable" in failed.stderr
        assert "continue from page 2" in failed.stderr
        assert not (tmp_path / "ds").exists()
        again = _cli(*args)
    assert again.returncode == 0, again.stderr
    assert "Resuming the harvest" in again.stderr
    assert server.pages_served() == [0, 1, 2, 3, 4]  # page 0 was not fetched twice


def test_a_body_that_stays_invalid_json_is_reported_with_its_url(tmp_path):
    with _cf_server(p0=[Fault("truncate")] * 2) as server:
        outcome = _run(server, tmp_path / "ds", tries=2)
    assert outcome.exit_code == 1
    assert outcome.error.startswith(f"gave up on {server.base_url}/Published/")
    assert "after 2 tries: the body is not valid JSON" in outcome.error


def test_a_retry_after_longer_than_allowed_stops_the_run(tmp_path):
    with _cf_server(p0=[Fault("status", 429, {"Retry-After": "3600"})]) as server:
        outcome = _run(server, tmp_path / "ds", max_wait=60)
    assert outcome.exit_code == 1
    assert "asks to wait 3600 s (Retry-After), more than the longest wait allowed (60 s" \
        in outcome.error


def test_parse_retry_after():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0  # already past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# -- paging ---------------------------------------------------------------------------------------

def test_next_page_url_is_the_one_the_page_gives():
    here = "http://127.0.0.1:1/api/1.0/ocdsReleasePackages?updatedFrom=x"
    assert next_page_url({"releases": []}, here) is None
    assert next_page_url({"links": {"next": "?cursor=MTAw"}}, here) == (
        "http://127.0.0.1:1/api/1.0/ocdsReleasePackages?cursor=MTAw")
    for bad, why in ((here, "same page"), ("ftp://x/y", r"not an http\(s\) URL"),
                     (7, "not a URL")):
        with pytest.raises(HarvestFailed, match=why):
            next_page_url({"links": {"next": bad}}, here)


def test_find_a_tender_pages_and_retries(tmp_path):
    """Find a Tender's real sample release, three times with their own ocids, one per page at
    its own endpoint and parameters, through a 429 and a 503."""
    package = fts_package()
    meta = {k: v for k, v in package.items() if k not in ("uri", "releases")}
    waits = Waits()
    server = OcdsServer(varied(package["releases"], 3), path=FTS_PATH, meta=meta, page_size=1,
                        date_params=("updatedFrom", "updatedTo"),
                        faults={1: [Fault("status", 429, {"Retry-After": "1"})],
                                2: [Fault("status", 503)]})
    with server:
        outcome = _run(server, tmp_path / "fts", service=FIND_A_TENDER, start=date(2020, 12, 1),
                       end=date(2020, 12, 31), waits=waits)
    assert outcome.exit_code == 0, outcome.error
    assert server.pages_served() == [0, 1, 2]
    assert waits == [1.0, 2.0]
    assert (outcome.state.pages, outcome.state.releases) == (3, 3)
    # the sample's buyer is a placeholder ("Buyer name"): nothing kept, no dataset, not a failure
    assert outcome.state.set_aside == {"not a London borough": 3}
    assert outcome.report.nothing_kept and not (tmp_path / "fts" / "contracts.csv").exists()


# -- resuming -------------------------------------------------------------------------------------

def test_a_run_killed_half_way_resumes_and_equals_an_uninterrupted_run(tmp_path):
    with _cf_server(p2=[Fault("hold")]) as server:
        args = ["contracts-finder", "--from", "2025-01-01", "--to", "2025-03-31",
                "--out", str(tmp_path / "ds"), "--base-url", server.base_url]
        proc = subprocess.Popen([sys.executable, "-m", "techmap", "harvest", *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert server.held.wait(timeout=60), "the harvest never asked for page 3"
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        server.release_hold.set()
        files = RunFiles.beside(tmp_path / "ds", "contracts-finder", JAN, MAR)
        saved = HarvestState.load(files.state)
        assert (saved.pages, saved.releases, saved.complete) == (2, 80, False)
        assert "cursor=" in saved.next_url
        assert not (tmp_path / "ds").exists()  # nothing imported before every page is in
        with files.spool.open("ab") as spool:  # as if killed while writing page 3
            spool.write(b'{"uri":"half a pa')
        again = _cli(*args)
        assert again.returncode == 0, again.stderr
        assert "continuing from page 3" in again.stderr
        assert server.pages_served() == [0, 1, 2, 3, 4]  # every page fetched once
    with _cf_server() as server:
        _run(server, tmp_path / "whole")
    assert _rows(tmp_path / "ds") == _rows(tmp_path / "whole")
    whole_spool = RunFiles.beside(tmp_path / "whole", "contracts-finder", JAN, MAR).spool
    strip = [json.loads(line)["releases"] for line in files.spool.read_text().splitlines()]
    assert strip == [json.loads(line)["releases"]
                     for line in whole_spool.read_text().splitlines()]


def test_overlapping_dates_add_nothing_twice(tmp_path):
    out = tmp_path / "ds"
    with _cf_server() as server:
        first = _run(server, out, start=JAN, end=date(2025, 1, 23))
        second = _run(server, out, start=date(2025, 1, 23), end=MAR)
        again = _run(server, out, start=date(2025, 1, 23), end=MAR)
        whole = _run(server, tmp_path / "whole")
    assert len(first.report.merge.added) == 2
    assert second.report.merge.added == [] and len(second.report.merge.updated) == 2
    assert again.report.merge.added == [] and not again.report.merge.wrote
    ids = [r["contract_id"] for r in _rows(out)]
    assert len(ids) == len(set(ids)) == 2
    assert sorted(ids) == sorted(r["contract_id"] for r in _rows(tmp_path / "whole"))
    assert whole.exit_code == 0


def test_a_state_file_that_is_not_one_stops_the_run(tmp_path):
    files = RunFiles.beside(tmp_path / "ds", "contracts-finder", JAN, MAR)
    files.state.write_text('{"next_url": "http://elsewhere/"}')
    with _cf_server() as server:
        outcome = _run(server, tmp_path / "ds")
    assert outcome.exit_code == 1
    assert "not a harvest state file" in outcome.error and "delete it" in outcome.error
    assert server.requests == []


def test_bad_dates_are_a_usage_error(capsys):
    assert cli_main(["harvest", "contracts-finder", "--from", "2025-03-01", "--to", "2025-01-01",
                     "--out", "/nonexistent"]) == 2
    assert "--from 2025-03-01 is after --to 2025-01-01" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["harvest", "find-a-tender", "--from", "1/2/2025", "--out", "/nonexistent"])
    assert exit_info.value.code == 2


def test_the_benchmark_runs_and_prints_its_budget_line():
    """Small sizes; the figures are the benchmark's to judge (no timed assertion here)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "harvest.py"),
                           "--copies", "1", "2"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "budget: >= 500 releases/s" in done.stdout and "Traceback" not in done.stderr
    assert "   1,000 " in done.stdout  # the 2-copy run read every release


def test_an_output_that_cannot_be_written_is_a_failure_with_its_reason(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with _cf_server() as server:
        outcome = _run(server, tmp_path / "a-file" / "ds")
    assert outcome.exit_code == 1
    assert outcome.error.startswith("cannot write ") and str(tmp_path / "a-file") in outcome.error
