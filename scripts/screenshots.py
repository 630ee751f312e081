"""Take the README's screenshots from a running instance: python scripts/screenshots.py [BASE_URL].
The README shows the real data (datasets/london, what `bash scripts/run` serves)."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SHOTS = {
    "map.png": "/?metric=pairs_known",
    "suppliers.png": "/suppliers",
    "renewals.png": "/renewals",
    "data.png": "/data",
    "mobile.png": "/",
}

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=en-GB"])
    for name, path in SHOTS.items():
        width, height = (390, 844) if name == "mobile.png" else (1280, 1000)
        page = browser.new_page(viewport={"width": width, "height": height}, locale="en-GB")  # dd/mm/yyyy dates
        page.goto(BASE + path)
        page.wait_for_selector("#_pages_content h1")
        page.wait_for_timeout(3000)
        page.screenshot(path=str(OUT / name))
        page.close()
        print("wrote", OUT / name)
    browser.close()
