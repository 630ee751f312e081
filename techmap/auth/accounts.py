"""User accounts: local passwords (Argon2id), OpenID Connect identities, roles, API tokens and
the secret addresses of members' feeds (calendar, what changed). Every function takes an open database session; the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmap.auth import audit
from techmap.auth.models import ApiToken, CalendarFeed, User
from techmap.auth.roles import Role
from techmap.auth.secrets_util import digest, keyed_digest, new_secret, same

HASHER = PasswordHasher()  # Argon2id with argon2-cffi's current recommended parameters
# Verified when the email is unknown, so an unknown email costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password anyone has")
TOKEN_PREFIX = "tm_"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


def now() -> datetime:
    return datetime.now(UTC)


def normalise_email(text: str) -> str:
    email = text.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError(f"{text!r} is not an email address")
    return email


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password has {len(password)} characters: use at least "
                           f"{MIN_PASSWORD_LENGTH}")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")


def find_user(db: Session, email: str) -> User | None:
    try:
        return db.scalar(select(User).where(User.email == normalise_email(email)))
    except AccountError:
        return None


def get_user(db: Session, email: str) -> User:
    user = find_user(db, email)
    if user is None:
        raise AccountError(f"no user {email!r}")
    return user


def add_user(db: Session, email: str, role: Role, password: str | None = None, name: str = "",
             boroughs: tuple[str, ...] = ()) -> User:
    address = normalise_email(email)
    if find_user(db, address) is not None:
        raise AccountError(f"a user {address!r} exists already")
    if password is not None:
        check_new_password(password)
    user = User(email=address, name=name.strip()[:200], role=role.value, boroughs=",".join(boroughs),
                password_hash=HASHER.hash(password) if password is not None else None,
                created_at=now())
    db.add(user)
    audit.record(db, audit.USER_ADDED, email=address, detail=f"role={role.value}")
    return user


def set_role(db: Session, email: str, role: Role, boroughs: tuple[str, ...] | None = None,
             by: str = "command line") -> User:
    user = get_user(db, email)
    before = user.role
    user.role = role.value
    if boroughs is not None:
        user.boroughs = ",".join(boroughs)
    audit.record(db, audit.ROLE_CHANGED, email=user.email,
                 detail=f"{before} -> {role.value}" + (f" boroughs={user.boroughs}" if user.boroughs else "")
                 + f" by {by}")
    return user


def remove_user(db: Session, email: str) -> None:
    user = get_user(db, email)
    db.delete(user)  # sessions, tokens and feeds go with it (cascade)
    audit.record(db, audit.USER_REMOVED, email=user.email)


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.email)))


def check_password(db: Session, email: str, password: str) -> User | None:
    """The user whose email and password these are, else None (the same work either way)."""
    user = find_user(db, email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        HASHER.verify(stored, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


def oidc_user(db: Session, subject: str, email: str, name: str, role: Role) -> User:
    """The account of an OpenID Connect identity, created or updated from its verified claims.
    The provider decides the role at every sign-in (a role change is audited)."""
    address = normalise_email(email)
    user = db.scalar(select(User).where(User.oidc_subject == subject)) or find_user(db, address)
    if user is None:
        user = User(email=address, name=name[:200], role=role.value, oidc_subject=subject,
                    created_at=now())
        db.add(user)
        audit.record(db, audit.USER_ADDED, email=address, detail=f"role={role.value} by OpenID Connect")
        return user
    user.oidc_subject = subject
    user.name = name[:200] or user.name
    if user.role != role.value:
        set_role(db, user.email, role, by="OpenID Connect claims")
    return user


# ---- API tokens ---------------------------------------------------------------------------------

def create_token(db: Session, email: str) -> str:
    """A new personal API token for the user; only its digest is kept, so it is shown once."""
    user = get_user(db, email)
    token = new_secret(TOKEN_PREFIX)
    db.add(ApiToken(user=user, token_digest=digest(token), prefix=token[:10], created_at=now()))
    audit.record(db, audit.TOKEN_CREATED, email=user.email, detail=token[:10])
    return token


def revoke_tokens(db: Session, email: str, prefix: str = "") -> int:
    """Revoke the user's tokens starting with `prefix` (every one without it); how many."""
    user = get_user(db, email)
    count = 0
    for token in user.tokens:
        if token.revoked_at is None and token.prefix.startswith(prefix[:10]):
            token.revoked_at = now()
            audit.record(db, audit.TOKEN_REVOKED, email=user.email, detail=token.prefix)
            count += 1
    return count


def user_for_token(db: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_digest == digest(token)))
    return row.user if row is not None and row.revoked_at is None else None


# ---- secret feed addresses (calendar clients and feed readers cannot sign in) -------------------

CALENDAR = "calendar"  # the member's renewals calendar (web/member_calendar.py)
CHANGES = "changes"  # the member's "what changed" Atom feed (web/member_changes_feed.py)
FEED_KINDS = (CALENDAR, CHANGES)


def feed_secret(secret_key: str, feed: CalendarFeed) -> str:
    """The secret part of a member's feed URL: `<feed id>.<HMAC of its kind and nonce>`."""
    return f"{feed.id}.{keyed_digest(secret_key, f'{feed.kind}-feed:' + feed.nonce)}"


def current_feed(db: Session, user: User, kind: str = CALENDAR) -> CalendarFeed | None:
    live = [feed for feed in user.feeds if feed.revoked_at is None and feed.kind == kind]
    return live[-1] if live else None


def revoke_feeds(db: Session, user: User, kind: str = CALENDAR) -> None:
    for feed in user.feeds:
        if feed.revoked_at is None and feed.kind == kind:
            feed.revoked_at = now()
    audit.record(db, audit.FEED_CHANGED, email=user.email, detail=f"{kind} revoked")


def new_feed(db: Session, user: User, kind: str = CALENDAR) -> CalendarFeed:
    """A new secret address of this kind for the user; the old one stops working."""
    if kind not in FEED_KINDS:
        raise AccountError(f"no feed of kind {kind!r}")
    revoke_feeds(db, user, kind)
    feed = CalendarFeed(user=user, nonce=new_secret(), kind=kind, created_at=now())
    db.add(feed)
    db.flush()  # gives the feed its id, part of its URL
    return feed


def user_for_feed(db: Session, secret_key: str, secret: str, kind: str = CALENDAR) -> User | None:
    """The owner of a live feed address of this kind, else None (unknown, revoked, other kind)."""
    feed_id, _, mac = secret.partition(".")
    if not feed_id.isdigit() or len(secret) > 100:
        return None
    feed = db.get(CalendarFeed, int(feed_id))
    if feed is None or feed.revoked_at is not None or feed.kind != kind:
        return None
    return feed.user if same(feed_secret(secret_key, feed), secret) else None
