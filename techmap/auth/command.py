"""`python -m techmap users|tokens|audit`: manage accounts, API tokens, and read the audit log.

  users add EMAIL --role member   the password is read from standard input (asked twice on a terminal)
  users list | users set-role EMAIL ROLE | users remove EMAIL
  tokens create EMAIL             prints the new token on its last line (only its digest is kept)
  tokens revoke EMAIL [--prefix P]
  audit [--limit N]               sign-ins, failures, role and account changes, newest first
"""

from __future__ import annotations

import argparse
import getpass
import sys

from techmap.auth import accounts, audit
from techmap.auth.db import session_factory
from techmap.auth.roles import ACCOUNT_ROLE_NAMES, parse_account_role


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="manage the accounts that may sign in")
    users = p.add_subparsers(dest="action", required=True)
    a = users.add_parser("add", help="add a local account; the password comes from standard input")
    a.add_argument("email")
    a.add_argument("--role", required=True, choices=ACCOUNT_ROLE_NAMES)
    a.add_argument("--name", default="")
    a.add_argument("--borough", action="append", default=[],
                   help="an ONS code an editor may submit data for (repeatable)")
    users.add_parser("list", help="list the accounts")
    a = users.add_parser("set-role", help="change an account's role")
    a.add_argument("email")
    a.add_argument("role", choices=ACCOUNT_ROLE_NAMES)
    a.add_argument("--borough", action="append", default=None)
    a = users.add_parser("remove", help="remove an account, its sessions, tokens and feeds")
    a.add_argument("email")

    p = sub.add_parser("tokens", help="personal API tokens (sent as Authorization: Bearer)")
    tokens = p.add_subparsers(dest="action", required=True)
    a = tokens.add_parser("create", help="create a token; printed once, on the last line")
    a.add_argument("email")
    a = tokens.add_parser("revoke", help="revoke a user's tokens (those starting with --prefix)")
    a.add_argument("email")
    a.add_argument("--prefix", default="")

    p = sub.add_parser("audit", help="list the audit log, newest first")
    p.add_argument("--limit", type=int, default=200)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise accounts.AccountError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _users(db, args: argparse.Namespace) -> str:
    if args.action == "add":
        user = accounts.add_user(db, args.email, parse_account_role(args.role), _read_password(),
                                 name=args.name, boroughs=tuple(args.borough))
        return f"added {user.email} ({user.role})"
    if args.action == "list":
        rows = [f"{u.email}\t{u.role}\t{'password' if u.password_hash else 'OpenID Connect'}"
                + (f"\t{u.boroughs}" if u.boroughs else "") for u in accounts.list_users(db)]
        return "\n".join(rows) if rows else "no users"
    if args.action == "set-role":
        boroughs = tuple(args.borough) if args.borough is not None else None
        user = accounts.set_role(db, args.email, parse_account_role(args.role), boroughs)
        return f"{user.email} is now {user.role}"
    accounts.remove_user(db, args.email)
    return f"removed {args.email}"


def _tokens(db, args: argparse.Namespace) -> str:
    if args.action == "create":
        token = accounts.create_token(db, args.email)
        return f"API token for {args.email} (shown once; send it as 'Authorization: Bearer TOKEN'):\n{token}"
    count = accounts.revoke_tokens(db, args.email, args.prefix)
    return f"revoked {count} token(s) of {args.email}"


def run(args: argparse.Namespace) -> int:
    """Run a users, tokens or audit command; 1 with a message when it cannot be done."""
    with session_factory()() as db:  # opens (and migrates) the instance's database
        try:
            if args.command == "audit":
                events = audit.recent(db, max(1, args.limit))
                print("\n".join(audit.format_event(e) for e in events) if events else "no events")
                return 0
            message = _users(db, args) if args.command == "users" else _tokens(db, args)
            db.commit()
        except (accounts.AccountError, ValueError) as error:
            db.rollback()
            print(f"error: {error}", file=sys.stderr)
            return 1
    print(message)
    return 0
