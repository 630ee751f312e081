"""Filter click to the last visual update on the map page, in headless Chromium against gunicorn
(issue 18: median under 150 ms and p95 under 300 ms at London scale, p95 under 500 ms at
`--scale 100`; under 10 KB of callback responses per change).

Serves the checkout with gunicorn (gunicorn.conf.py's workers), opens `/` in Debian's headless
Chromium, and makes `--changes` filter changes, alternating a Select button of the ranked list (a
borough toggle) and a service-area change of the filter bar's drop-down (set as the drop-down sets
it). Each change is timed in the page from the click to the last DOM mutation, once no callback
request is pending, none has finished for 400 ms and nothing shows Dash's loading state. The bytes
per change are the callback responses' bodies (uncompressed). `--before-root DIR` measures another
checkout the same way first (e.g. `git archive <commit> | tar -x -C DIR`) and prints both.

    .venv/bin/python benchmarks/filter_clicks.py                          # datasets/demo
    .venv/bin/python benchmarks/filter_clicks.py --scale 100              # generate-demo --scale 100 (kept in /tmp)
    .venv/bin/python benchmarks/filter_clicks.py --dataset /tmp/tm100     # a dataset folder
    .venv/bin/python benchmarks/filter_clicks.py --before-root /tmp/before
    .venv/bin/python benchmarks/filter_clicks.py --page /borough/camden   # another page (figures only)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budgets import add_smoke_flag, exit_status  # noqa: E402  (beside this script)
from first_load import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402

BYTES_BUDGET = 10 * 1024
AREAS = ["housing", "libraries", "planning-building-control", "revenues-benefits", "adult-social-care"]

# Counts callback requests and their response bytes, and notes the time of the last DOM change.
INSTRUMENT = """
(() => {
    const tm = window.__tm = {pending: 0, bytes: 0, requests: 0, lastEnd: 0, lastMutation: 0};
    const fetch0 = window.fetch;
    window.fetch = function(url, options) {
        if (!String(url).includes('_dash-update-component')) { return fetch0.apply(this, arguments); }
        tm.pending += 1; tm.requests += 1;
        return fetch0.apply(this, arguments).then(r => r.clone().arrayBuffer().then(body => {
            tm.bytes += body.byteLength; tm.pending -= 1; tm.lastEnd = performance.now(); return r;
        }), e => { tm.pending -= 1; tm.lastEnd = performance.now(); throw e; });
    };
    new MutationObserver(() => { tm.lastMutation = performance.now(); })
        .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
IDLE = """() => { const tm = window.__tm;
    return tm.requests > 0 && tm.pending === 0 && performance.now() - tm.lastEnd > 400
        && !document.querySelector('[data-dash-is-loading="true"]'); }"""
START = "() => { const tm = window.__tm; tm.bytes = 0; tm.requests = 0; tm.start = performance.now(); }"
CLICK_SELECT = "(i) => document.querySelectorAll('#map-ranked button')[i].click()"
SET_AREA = "(areas) => window.dash_clientside.set_props('filter-area', {value: areas})"
SET_BOROUGH = "(codes) => window.dash_clientside.set_props('filter-authority', {value: codes})"
BOROUGHS = ["E09000007", "E09000012", "E09000001", "E09000033", "E09000022", "E09000030"]
RESULT = """() => { const tm = window.__tm;
    return [Math.max(tm.lastMutation, tm.lastEnd) - tm.start, tm.bytes, tm.requests, tm.lastEnd - tm.start]; }"""


def measure(root: Path, dataset: str, changes: int, workers: int,
            path: str = "/") -> tuple[list[float], list[int], list[int], list[float]]:
    from playwright.sync_api import sync_playwright

    os.environ["TECHMAP_DATASET"] = dataset
    proc, base = start_server(workers, root)
    times, sizes, counts, answered = [], [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
            page.add_init_script(INSTRUMENT)
            page.goto(base + path, wait_until="networkidle", timeout=120000)
            if path == "/":
                page.wait_for_selector("#map-ranked button", timeout=120000)
            page.wait_for_function(IDLE, timeout=120000)
            for i in range(changes + 1):  # the first change warms the server's caches: not counted
                page.evaluate(START)
                if i % 2:
                    k = i // 2  # one service area, then none again: every step changes the filters
                    page.evaluate(SET_AREA, [] if k % 2 else [AREAS[(k // 2) % len(AREAS)]])
                elif path == "/":
                    page.evaluate(CLICK_SELECT, (i // 2) % 6)
                else:  # another page: the borough drop-down, set as the drop-down sets it
                    page.evaluate(SET_BOROUGH, [BOROUGHS[(i // 2) % len(BOROUGHS)]])
                page.wait_for_function(IDLE, timeout=120000, polling=20)
                took, size, requests, last_answer = page.evaluate(RESULT)
                if i:
                    times.append(took)
                    sizes.append(size)
                    counts.append(requests)
                    answered.append(last_answer)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return times, sizes, counts, answered


def report(label: str, times: list[float], sizes: list[int], counts: list[int],
           answered: list[float]) -> tuple[float, float, int]:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    print(f"{label:<8} changes {len(times):>3}  median {median:>6.0f} ms  p95 {p95:>6.0f} ms  "
          f"bytes/change median {statistics.median(sizes) / 1024:>5.1f} KB max {max(sizes) / 1024:>5.1f} KB  "
          f"requests/change {statistics.median(counts):.0f}  last answer in (median) "
          f"{statistics.median(answered):.0f} ms")
    slowest = sorted(range(len(times)), key=lambda i: -times[i])[:3]
    print("         slowest: " + ", ".join(
        f"#{i + 1} ({'service area' if i % 2 == 0 else 'borough'}) {times[i]:.0f} ms, last answer {answered[i]:.0f} ms"
        for i in slowest))
    return median, p95, max(sizes)


def scaled_dataset(scale: int) -> str:
    """`generate-demo --scale N`, written once into the temporary folder and reused after."""
    folder = Path(tempfile.gettempdir()) / f"techmap-filter-clicks-scale-{scale}"
    if not (folder / "manifest.json").is_file():
        print(f"generating the demo at --scale {scale} into {folder} ...", flush=True)
        subprocess.run([sys.executable, "-m", "techmap", "generate-demo", "--scale", str(scale), "--out",
                        str(folder)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return str(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default=str(ROOT / "datasets" / "demo"),
                        help="dataset folder (default the London-scale demo; a generate-demo --scale 100 folder)")
    parser.add_argument("--scale", type=int, help="generate-demo --scale N instead of --dataset")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page", default="/", help="the page to measure (default the map; the budgets are "
                        "the map's, other pages print their figures): its changes alternate a borough "
                        "set in the drop-down and a service area")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (default this one)")
    parser.add_argument("--before-root", type=Path, help="measure this checkout first, for before/after")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.changes, args.workers = 2, 1
    dataset = scaled_dataset(args.scale) if args.scale and args.scale > 1 else str(Path(args.dataset).resolve())
    london = Path(dataset).name in ("demo", "london")
    on_map = args.page == "/"
    print(f"{args.page} filter changes in headless Chromium, dataset {dataset}; "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.before_root:
        report("before", *measure(args.before_root.resolve(), dataset, args.changes, args.workers, args.page))
    median, p95, biggest = report("after", *measure(args.root.resolve(), dataset, args.changes, args.workers,
                                                    args.page))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not on_map:
        print("no budget off the map page")
        return 0
    timings = [("median < 150 ms", median < 150)] if london else []
    timings.append(("p95 < 300 ms" if london else "p95 < 500 ms", p95 < (300 if london else 500)))
    sizes = [("bytes per change < 10 KB", biggest < BYTES_BUDGET)]
    for name, ok in timings + sizes:
        print(f"budget: {name}: {'OK' if ok else 'OVER'}")
    return exit_status([n for n, ok in timings if not ok], args.smoke, always=[n for n, ok in sizes if not ok])


if __name__ == "__main__":
    sys.exit(main())
