"""London Tech Map: creates the Dash app, the shell layout and `server`; nothing else.

Run `python app.py` (HOST, PORT, TECHMAP_DATASET) or host with `gunicorn app:server`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dash

from components.shell import shell
from techmap.auth.config import AuthConfigError
from techmap.cli_output import emit
from techmap.dataformat.problems import DatasetError
from techmap.service import context, views
from techmap.store.publishing import PublishRefused

HERE = Path(__file__).resolve().parent

# Dash's default page wraps its scripts in a <footer>, which would be a second footer landmark.
INDEX = """<!DOCTYPE html>
<html lang="en-GB">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div hidden>{%config%}{%scripts%}{%renderer%}</div>
    </body>
</html>"""


def current_layout() -> Any:
    """The shell drawn from the version this request is pinned to (once per version)."""
    served, sign_in, members = context.served(), not context.settings().public, not context.public_only()
    return views.cached("app.shell", (sign_in, members), lambda: shell(
        served.data, sign_in=sign_in, published=(served.number, served.published_at), members=members))


def create_app() -> dash.Dash:
    try:
        context.check_configuration()
    except ValueError as error:
        print(f"London Tech Map: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    try:
        context.dataset()
    except DatasetError as error:  # refuse to serve a broken dataset; same report as `validate`
        print(error.report(), file=sys.stderr)
        print(f"London Tech Map: the dataset at {context.settings().dataset_path} has errors "
              "(listed above); fix them or run `python -m techmap validate PATH`.", file=sys.stderr)
        raise SystemExit(1) from None
    except FileNotFoundError as error:
        print(f"London Tech Map: dataset not found: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except PublishRefused as error:  # seeding the store from a folder with errors: the same report
        if error.checked is not None:
            emit(error.checked.report, sys.stderr)
        print(f"London Tech Map: the dataset at {context.settings().dataset_path} was not "
              f"published ({error}); fix it or run `python -m techmap validate PATH`.", file=sys.stderr)
        raise SystemExit(1) from None

    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="London Tech Map",
        update_title=None,
        suppress_callback_exceptions=True,  # page components appear only on their page
        serve_locally=True,
        compress=False,  # web.hosting sets up compression (flask-compress plus cached static files)
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description", "content": "Which systems, suppliers and contracts "
                    "power each of London's 33 borough councils."}],
    )
    app.index_string = INDEX
    app.layout = current_layout  # drawn from the version this request is pinned to
    from shell import callbacks  # noqa: F401  (registers the shell callbacks: reducer,
    # chips, banner; every page's "nothing matches" slot)
    from shell import facets  # noqa: F401  (the filter drop-downs' counted options)
    from web import hosting, register_routes

    try:
        register_routes(app.server)
    except AuthConfigError as error:  # a sign-in setting is missing or wrong: say which
        print(f"London Tech Map: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    hosting.install(app)
    # Dash finishes its set-up (callback map, page router) on the first request, marking it done
    # before it is: concurrent first requests to a new worker would then find no callbacks. One
    # request now, before serving (and before gunicorn forks its workers), does it safely.
    app.server.test_client().get("/")

    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    cfg = context.settings()
    app.run(host=cfg.host, port=cfg.port, debug=cfg.debug)
