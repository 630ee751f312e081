"""gunicorn access log as JSON lines (gunicorn.conf.py sets logger_class to JsonAccessLogger).

gunicorn's access_log_format pastes request values into the format string unescaped, so a
User-Agent holding `"` or `\\` would break a JSON template; json.dumps escapes every value.
"""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime, timezone
from typing import Any

from gunicorn.glogging import Logger


def client_address(peer: str, forwarded_for: str, trusted: list[str]) -> str:
    """The visitor's address: the peer itself, or, when the peer is a trusted proxy, the nearest
    X-Forwarded-For entry that is not a trusted proxy (entries further left are the visitor's
    own claims and can be forged)."""
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def _is_trusted(address: str, trusted: list[str]) -> bool:
    if "*" in trusted:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


class JsonAccessLogger(Logger):
    """One JSON object per request on the access log."""

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        try:
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            peer = environ.get("REMOTE_ADDR", "-")
            trusted = self.cfg.forwarded_allow_ips
            trusted = [trusted] if isinstance(trusted, str) else list(trusted or [])
            record = {
                "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "remote": peer,
                "client": client_address(peer, environ.get("HTTP_X_FORWARDED_FOR", ""), trusted),
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "query": environ.get("QUERY_STRING", ""),
                "status": int(status) if str(status).isdigit() else status,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "referer": environ.get("HTTP_REFERER"),
                "agent": environ.get("HTTP_USER_AGENT"),
            }
            self.access_log.info("%s", json.dumps(record))
        except Exception:  # a log line must never take a request down
            self.exception("could not write the access log line")
