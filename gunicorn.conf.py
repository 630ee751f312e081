"""gunicorn settings for hosting London Tech Map: `gunicorn app:server` picks this file up.

Environment: HOST, PORT (bind address), WEB_CONCURRENCY (worker processes, default 2),
GUNICORN_THREADS (threads per worker, default 4), GUNICORN_TIMEOUT (seconds, default 60),
FORWARDED_ALLOW_IPS (proxies trusted for X-Forwarded-*; default 127.0.0.1), LOG_LEVEL (default info).
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Load the app (and its dataset) once, before forking: workers share the memory pages.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then, jittered so they don't restart together
max_requests_jitter = 500
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Structured request logs: one JSON object per line on stdout, every value escaped by json.dumps
# ("client" is the visitor behind a proxy listed in FORWARDED_ALLOW_IPS, from X-Forwarded-For).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
logger_class = "web.access_log.JsonAccessLogger"


def when_ready(server):
    """Before the workers fork: compress the static files of a first visit once, for all of them."""
    if server.cfg.preload_app:
        import app
        from web.hosting import warm_static

        server.log.info(warm_static(app.app))


def post_fork(server, worker):
    """In each worker: leave the database connections opened before the fork to the parent
    (SQLAlchemy's advice for pools and fork); the worker opens its own on first use."""
    from techmap.auth.db import after_fork
    from techmap.store import db

    after_fork()
    db.after_fork()  # the published versions' store; the version checker starts on first request
