"""Absolute URLs (the pages' og:url and twitter:url) come from TECHMAP_BASE_URL, never from the
request's Host header, which any client can set."""

from __future__ import annotations

import html
import re

from techmap.settings import load_settings
from tests.unit.test_hosting import _run_app

PRINT_META = """
import app
client = app.server.test_client()
for path, host in [("/suppliers?area=housing", "evil.example"), ("/borough/camden", "attacker.test:666")]:
    body = client.get(path, headers={"Host": host, "X-Forwarded-Host": "evil.example"}).get_data(as_text=True)
    print(body.split("</head>")[0])
"""


def _meta(head: str, name: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(rf'<meta property="{name}" content="([^"]*)">', head)]


def test_page_urls_come_from_the_configured_base_url_not_the_host_header():
    out = _run_app({"TECHMAP_BASE_URL": "https://techmap.example.org/"}, PRINT_META)
    assert "evil.example" not in out and "attacker.test" not in out
    assert _meta(out, "og:url") == ["https://techmap.example.org/suppliers?area=housing",
                                    "https://techmap.example.org/borough/camden"]
    assert _meta(out, "twitter:url") == _meta(out, "og:url")
    assert _meta(out, "og:title")  # the rest of the page's tags are still there, once each
    assert out.count('property="twitter:url"') == 2


def test_without_a_base_url_links_name_where_the_app_listens(monkeypatch):
    monkeypatch.delenv("TECHMAP_BASE_URL", raising=False)
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    assert load_settings().base_url == "http://127.0.0.1:8123"


def test_a_malformed_base_url_is_refused_with_a_warning(monkeypatch, caplog):
    monkeypatch.setenv("PORT", "8050")
    for bad in ["techmap.example.org", "javascript:alert(1)", "https://x.org/?q=1", 'https://x.org/"><b>']:
        monkeypatch.setenv("TECHMAP_BASE_URL", bad)
        assert load_settings().base_url.startswith("http://")
    assert "TECHMAP_BASE_URL" in caplog.text
    monkeypatch.setenv("TECHMAP_BASE_URL", "https://techmap.example.org/london/")
    assert load_settings().base_url == "https://techmap.example.org/london"
