"""An encoding the browser refuses with q=0 is never used (issue 15): `gzip;q=0` gets no gzip,
on dynamic and static responses alike."""

from __future__ import annotations

import pytest

import app as app_module

client = app_module.server.test_client()
PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@pytest.mark.parametrize("path", ["/", "/api/v1/summary", "/download/contracts.csv", PLOTLY])
@pytest.mark.parametrize("accept", ["gzip;q=0", "gzip;q=0, br;q=0, zstd;q=0", "GZIP; Q=0"])
def test_an_encoding_refused_with_q0_is_not_used(path, accept):
    response = client.get(path, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers, response.headers.get("Content-Encoding")
