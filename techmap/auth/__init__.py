"""Members and the public on one instance: roles, accounts, sessions, tokens and the audit log.

The domain side of sign-in, with no Flask or Dash import: web/auth*.py serve the pages and apply
it to requests. Modules:
  roles.py      the four roles and what each may see
  config.py     sign-in settings from the environment (OpenID Connect, cookies, lifetimes)
  models.py     the database tables (users, sessions, API tokens, calendar feeds, audit events)
  accounts.py   users and their passwords (Argon2id), API tokens and feed secrets
  sessions.py   server-side sessions with an idle and an absolute lifetime
  audit.py      what happened, for admins (`python -m techmap audit`)
  oidc_claims.py  which role an OpenID Connect identity gets, if any
  command.py    `python -m techmap users|tokens|audit`
"""
