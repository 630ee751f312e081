"""gunicorn settings for hosting London Tech Map: `gunicorn app:server` picks this file up.

Environment: HOST, PORT (bind address), WEB_CONCURRENCY (worker processes, default 2),
GUNICORN_CONNECTIONS (connections per worker, default 1000), GUNICORN_TIMEOUT (seconds, default 60),
FORWARDED_ALLOW_IPS (proxies trusted for X-Forwarded-*; default 127.0.0.1), LOG_LEVEL (default info).

Workers are gevent's: each connection is a greenlet, so clients that send their request slowly
(a header line every few seconds) cost a little memory each instead of a whole thread, and a
request whose headers are not complete within `keepalive` seconds is dropped. A threaded worker
would need a buffering proxy in front of it for that.
"""

import os

# Patch the standard library for gevent before anything else is imported: with preload_app the
# app (and its locks, sockets and threads) is loaded here, in the master, before the workers fork.
from gevent import monkey

monkey.patch_all()

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = int(os.environ.get("GUNICORN_CONNECTIONS", "1000"))
# Load the app (and its dataset) once, before forking: workers share the memory pages.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5  # also how long a request's line and headers may take to arrive (gevent worker)
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
    """Before the workers fork: compress the static files of a first visit and draw the main pages
    once (web/hosting.py), for all of them."""
    if server.cfg.preload_app:
        import app
        from web.hosting import warm_static, warm_views

        server.log.info(warm_static(app.app))
        server.log.info(warm_views(app.app))
    # Let the greenlets the app started while loading (the rate limiter's expiry timer) finish
    # here: a worker forked with them pending would fail to end them (a traceback per worker).
    from gevent import sleep

    sleep(0.1)
    # Everything loaded so far (the app, the dataset: ~400 MB at --scale 100) lives as long as the
    # workers. Frozen, the workers' garbage collector never walks it: a full collection there took
    # ~130 ms at --scale 100 (in the middle of a request) and wrote to every object it visited,
    # copying the pages the workers share with this process (Python's gc.freeze advice for fork).
    import gc

    gc.freeze()


def post_fork(server, worker):
    """In each worker: leave the database connections opened before the fork to the parent
    (SQLAlchemy's advice for pools and fork); the worker opens its own on first use."""
    from techmap.auth.db import after_fork
    from techmap.store import db

    after_fork()
    db.after_fork()  # the published versions' store; the version checker starts on first request
