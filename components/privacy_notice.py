"""The About page's privacy notice: what the instance keeps about visitors and signed-in users."""

from __future__ import annotations

from typing import Any

from dash import html


def _item(term: str, text: str) -> list[Any]:
    return [html.Dt(term), html.Dd(text)]


def privacy_notice(contact_email: str, *, sign_in: bool) -> list[Any]:
    """What is stored, for how long and why; `sign_in` is false on a public instance (no sign-in)."""
    visitors = html.P(
        "Visiting the map needs no account. The server's access log records each request (the page or "
        "file asked for, the time, your network address and your browser's name) to keep the service "
        "running and secure. " + ("Pages set one cookie, _csrf_token: a random value that stops other "
                                  "sites from sending forms in your name; it says nothing about you."
                                  if sign_in else "The public site sets no cookies."))
    if not sign_in:
        return [visitors, html.P(["This instance has no sign-in. Questions: ",
                                  html.A(contact_email, href=f"mailto:{contact_email}"), "."])]
    return [
        visitors,
        html.P("If you sign in (members of the London boroughs' network), the instance's database keeps:"),
        html.Dl([
            *_item("Your account", "your email address, your name, your role (member, editor or admin), "
                   "the boroughs an editor may submit data for, when the account was made, and, if you "
                   "sign in with your organisation's account, the identifier your organisation's sign-in "
                   "service gives you. A password set here is kept only as an Argon2id hash."),
            *_item("Your sessions", "when each began and was last used and how you signed in; a session "
                   "is deleted when you sign out, after an hour unused or 12 hours after sign-in."),
            *_item("API tokens and feed addresses", "a one-way digest of each token (the token itself is "
                   "shown once), a random value from which each of your feed addresses (calendar, changes) is "
                   "made, and when each "
                   "was made or revoked."),
            *_item("The audit log", "each sign-in, failed sign-in (with the email address typed and the "
                   "network address), sign-out, role change and token change, with its time, so that "
                   "administrators can see misuse."),
            *_item("Cookies", "techmap_session (your session, unreadable by scripts), techmap_signed_in (the "
                   "name shown at the top of the page), _csrf_token, and techmap_oidc_state while you sign in "
                   "with your organisation. None tracks you across sites."),
        ], className="privacy-list"),
        html.P(["Removing your account deletes its sessions, tokens and feed addresses; audit entries "
                "are kept until the administrators delete them. To see, correct or remove what is kept "
                "about you, write to ", html.A(contact_email, href=f"mailto:{contact_email}"), "."]),
    ]
