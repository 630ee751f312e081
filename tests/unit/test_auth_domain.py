"""Sign-in's domain (techmap/auth): roles, settings, claims, accounts, tokens, feeds, sessions,
the audit log and `python -m techmap users|tokens|audit`, on a real SQLite database migrated by
the store's Alembic migrations."""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import techmap.auth.models  # noqa: F401  (the sign-in tables on the store's Base)
from techmap.auth import accounts, audit, sessions
from techmap.auth.config import AuthConfigError, OidcConfig, load_auth_config
from techmap.auth.models import ApiToken, SignInSession, User
from techmap.auth.oidc_claims import role_from_claims
from techmap.auth.roles import Role, parse_account_role, public_only
from techmap.cli import main
from techmap.store.db import close_all, open_database

PASSWORD = "correct horse battery staple"
KEY = "k" * 40


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Session]:
    database = open_database(f"sqlite:///{tmp_path / 'auth.sqlite3'}")
    with database.sessions() as session:
        yield session
    close_all()


# ---- roles and settings -----------------------------------------------------------------------


def test_only_anonymous_is_public_only_and_a_public_instance_is_public_for_all() -> None:
    assert public_only(Role.ANONYMOUS, instance_public=False)
    assert not any(public_only(r, instance_public=False) for r in (Role.MEMBER, Role.EDITOR, Role.ADMIN))
    assert all(public_only(r, instance_public=True) for r in Role)
    assert parse_account_role(" Admin ") is Role.ADMIN
    with pytest.raises(ValueError, match="member, editor, admin"):
        parse_account_role("anonymous")


OIDC_ENV = {"TECHMAP_OIDC_ISSUER": "https://login.example/tenant/v2.0", "TECHMAP_OIDC_CLIENT_ID": "id",
            "TECHMAP_OIDC_CLIENT_SECRET": "secret", "TECHMAP_OIDC_ALLOWED_DOMAINS": "camden.gov.uk, @hackney.gov.uk"}


@pytest.mark.parametrize(("env", "message"), [
    (OIDC_ENV, "TECHMAP_SECRET_KEY is required"),
    ({**OIDC_ENV, "TECHMAP_SECRET_KEY": "short"}, "at least 32"),
    ({**OIDC_ENV, "TECHMAP_SECRET_KEY": KEY, "TECHMAP_OIDC_ALLOWED_DOMAINS": ""}, "TECHMAP_OIDC_ROLE_CLAIM"),
    ({**OIDC_ENV, "TECHMAP_SECRET_KEY": KEY, "TECHMAP_OIDC_CLIENT_SECRET": ""}, "TECHMAP_OIDC_CLIENT_SECRET"),
    ({**OIDC_ENV, "TECHMAP_SECRET_KEY": KEY, "TECHMAP_OIDC_ROLE_MAP": "admins=root"}, "TECHMAP_OIDC_ROLE_MAP"),
    ({"TECHMAP_SECRET_KEY": KEY, "TECHMAP_SESSION_IDLE_MINUTES": "soon"}, "TECHMAP_SESSION_IDLE_MINUTES"),
])
def test_a_missing_or_wrong_setting_is_named(env: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match=message):
        load_auth_config(env, instance_dir=tmp_path)


def test_settings_from_the_environment(tmp_path: Path) -> None:
    config = load_auth_config({**OIDC_ENV, "TECHMAP_SECRET_KEY": KEY, "TECHMAP_SECURE_COOKIES": "0",
                               "TECHMAP_OIDC_ROLE_MAP": "tm-admins=admin"}, instance_dir=tmp_path)
    assert config.oidc is not None and config.oidc.allowed_domains == {"camden.gov.uk", "hackney.gov.uk"}
    assert config.oidc.metadata_url == "https://login.example/tenant/v2.0/.well-known/openid-configuration"
    assert config.oidc.role_map == {"tm-admins": Role.ADMIN}
    assert (config.secure_cookies, config.idle_minutes, config.max_hours) == (False, 60, 12)
    assert load_auth_config({"TECHMAP_SECRET_KEY": KEY}, instance_dir=tmp_path).secure_cookies  # on by default


def test_without_oidc_a_development_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = load_auth_config({}, instance_dir=tmp_path).secret_key
    assert len(first) >= 32 and load_auth_config({}, instance_dir=tmp_path).secret_key == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_claims_map_to_a_role_or_to_no_entry() -> None:
    config = OidcConfig("https://idp", "id", "s", allowed_domains=frozenset({"camden.gov.uk"}),
                        role_claim="groups", role_map={"tm-admins": Role.ADMIN, "tm-editors": Role.EDITOR})
    assert role_from_claims({"email": "a@camden.gov.uk", "email_verified": True}, config) is Role.MEMBER
    assert role_from_claims({"email": "a@CAMDEN.gov.uk"}, config) is Role.MEMBER  # Entra sends no flag
    assert role_from_claims({"email": "a@camden.gov.uk", "email_verified": False}, config) is None
    assert role_from_claims({"email": "a@evil.example"}, config) is None
    assert role_from_claims({"email": "a@camden.gov.uk.evil.example"}, config) is None
    assert role_from_claims({"email": "x@other.org", "groups": ["staff", "tm-editors"]}, config) is Role.EDITOR
    assert role_from_claims({"email": "x@other.org", "groups": ["tm-editors", "tm-admins"]}, config) is Role.ADMIN
    assert role_from_claims({"email": "x@other.org", "groups": "member"}, config) is Role.MEMBER
    assert role_from_claims({"email": "x@other.org", "groups": {"admin": 1}}, config) is None


# ---- accounts, tokens, feeds, sessions -----------------------------------------------------------


def test_passwords_are_argon2id_and_checked_without_telling_which_part_was_wrong(db: Session) -> None:
    accounts.add_user(db, " Ada@Camden.gov.uk ", Role.MEMBER, PASSWORD, name="Ada")
    db.commit()
    stored = db.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.check_password(db, "ada@camden.gov.uk", PASSWORD).name == "Ada"
    assert accounts.check_password(db, "ada@camden.gov.uk", PASSWORD + "!") is None
    assert accounts.check_password(db, "nobody@camden.gov.uk", PASSWORD) is None
    with pytest.raises(accounts.AccountError, match="exists already"):
        accounts.add_user(db, "ada@camden.gov.uk", Role.ADMIN, PASSWORD)
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.add_user(db, "bo@camden.gov.uk", Role.MEMBER, "short")
    with pytest.raises(accounts.AccountError, match="not an email"):
        accounts.add_user(db, "not an email", Role.MEMBER, PASSWORD)


def test_tokens_are_stored_as_digests_and_stop_working_when_revoked(db: Session) -> None:
    accounts.add_user(db, "ada@camden.gov.uk", Role.MEMBER, PASSWORD)
    token = accounts.create_token(db, "ada@camden.gov.uk")
    other = accounts.create_token(db, "ada@camden.gov.uk")
    db.commit()
    assert token.startswith("tm_") and len(token) > 40
    assert token not in {row.token_digest for row in db.scalars(select(ApiToken))}
    assert accounts.user_for_token(db, token).email == "ada@camden.gov.uk"
    assert accounts.user_for_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert accounts.revoke_tokens(db, "ada@camden.gov.uk", prefix=token[:10]) == 1
    assert accounts.user_for_token(db, token) is None and accounts.user_for_token(db, other) is not None


def test_a_calendar_secret_works_until_replaced_or_stopped(db: Session) -> None:
    user = accounts.add_user(db, "ada@camden.gov.uk", Role.MEMBER, PASSWORD)
    first = accounts.feed_secret(KEY, accounts.new_feed(db, user))
    assert accounts.user_for_feed(db, KEY, first) is user
    assert accounts.user_for_feed(db, "another key" * 4, first) is None  # the key is part of it
    feed_id = first.split(".")[0]
    assert accounts.user_for_feed(db, KEY, f"{feed_id}.{'0' * 64}") is None
    second = accounts.feed_secret(KEY, accounts.new_feed(db, user))
    assert accounts.user_for_feed(db, KEY, first) is None and accounts.user_for_feed(db, KEY, second) is user
    accounts.revoke_feeds(db, user)
    assert accounts.user_for_feed(db, KEY, second) is None and accounts.current_feed(db, user) is None


def test_sessions_end_when_idle_too_long_after_the_absolute_lifetime_or_at_sign_out(db: Session) -> None:
    user = accounts.add_user(db, "ada@camden.gov.uk", Role.MEMBER, PASSWORD)
    start = datetime(2026, 11, 22, 9, tzinfo=UTC)
    idle, absolute = timedelta(minutes=60), timedelta(hours=12)
    raw = sessions.start(db, user, "password", start)
    assert sessions.start(db, user, "password", start) != raw  # every sign-in gets a new id
    db.commit()
    assert db.get(SignInSession, raw) is None  # only a digest is stored
    moment = start
    for _ in range(13):  # used every 59 minutes: alive until 12 hours after sign-in
        moment += timedelta(minutes=59)
        alive = sessions.resume(db, raw, moment, idle, absolute)
        assert (alive is not None) == (moment - start <= absolute), moment
    raw = sessions.start(db, user, "password", start)
    assert sessions.resume(db, raw, start + timedelta(minutes=61), idle, absolute) is None
    raw = sessions.start(db, user, "password", start)
    sessions.end(db, raw)
    assert sessions.resume(db, raw, start, idle, absolute) is None


def test_removing_a_user_removes_their_sessions_tokens_and_feeds(db: Session) -> None:
    user = accounts.add_user(db, "ada@camden.gov.uk", Role.MEMBER, PASSWORD)
    sessions.start(db, user, "password", datetime.now(UTC))
    accounts.create_token(db, user.email)
    accounts.new_feed(db, user)
    db.commit()
    accounts.remove_user(db, user.email)
    db.commit()
    for table in ("auth_sessions", "auth_api_tokens", "auth_calendar_feeds"):
        assert db.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


# ---- the command line ---------------------------------------------------------------------------


def test_users_tokens_and_audit_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("TECHMAP_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "Ada@Camden.gov.uk", "--role", "member"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "bo@camden.gov.uk", "--role", "member"]) == 1
    assert main(["users", "set-role", "ada@camden.gov.uk", "editor", "--borough", "E09000007"]) == 0
    assert main(["tokens", "create", "ada@camden.gov.uk"]) == 0
    out = capsys.readouterr()
    assert "at least 12" in out.err
    token = out.out.strip().splitlines()[-1]
    with open_database(url).sessions() as db:
        assert accounts.user_for_token(db, token).role == "editor"
    assert main(["users", "list"]) == 0
    assert "ada@camden.gov.uk\teditor\tpassword\tE09000007" in capsys.readouterr().out
    assert main(["tokens", "revoke", "ada@camden.gov.uk"]) == 0
    with open_database(url).sessions() as db:
        assert accounts.user_for_token(db, token) is None
    assert main(["users", "remove", "nobody@camden.gov.uk"]) == 1
    assert "no user 'nobody@camden.gov.uk'" in capsys.readouterr().err
    assert main(["audit"]) == 0
    log = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in log] == [
        audit.TOKEN_REVOKED, audit.TOKEN_CREATED, audit.ROLE_CHANGED, audit.USER_ADDED]
    assert "member -> editor" in log[2]
    close_all()
