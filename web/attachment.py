"""A response the browser saves as a file (the downloads, the templates, the finder's CSV)."""

from __future__ import annotations

from flask import Response


def as_attachment(response: Response, filename: str) -> Response:
    """`response` saved as `filename`, its content type never sniffed. `filename` is made of
    [A-Za-z0-9._-] only (techmap.exports.export.download_filename's, or a fixed name), so quoting it
    is enough."""
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
