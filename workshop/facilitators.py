"""Facilitator accounts: argon2 passwords and single-use, short-lived login links."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workshop.errors import Conflict, InvalidInput, LoginLinkInvalid, NotFound
from workshop.i18n_markers import N_
from workshop.models import Facilitator, LoginToken, utcnow

_hasher = PasswordHasher()
# Deliberately loose: the address is only an identifier here, never mailed by the app.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
TOKEN_BYTES = 32  # 256 bits, comfortably above the 128-bit floor


def normalise_email(email: str) -> str:
    """Trim and lower-case an address, or raise InvalidInput."""
    cleaned = email.strip().lower()
    if not EMAIL_RE.match(cleaned) or len(cleaned) > 254:
        raise InvalidInput(N_("%(email)s is not an e-mail address."), email=email.strip())
    return cleaned


def hash_password(password: str) -> str:
    """Argon2id hash of a password that meets the minimum length."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("A password needs at least %(count)d characters."), count=MIN_PASSWORD_LENGTH
        )
    return _hasher.hash(password)


def generate_password() -> str:
    """A random password for accounts created without a terminal to type one."""
    return secrets.token_urlsafe(15)


def create(
    db: Session, email: str, password: str | None = None, display_name: str = ""
) -> Facilitator:
    """Create a facilitator account; the address must be new."""
    address = normalise_email(email)
    if find(db, address) is not None:
        raise Conflict(N_("There is already a facilitator with address %(email)s."), email=address)
    facilitator = Facilitator(
        email=address,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        created_at=utcnow(),
    )
    db.add(facilitator)
    db.flush()
    return facilitator


def find(db: Session, email: str) -> Facilitator | None:
    """The facilitator with this address, if any."""
    return db.scalars(
        select(Facilitator).where(func.lower(Facilitator.email) == email.strip().lower())
    ).one_or_none()


def get(db: Session, facilitator_id: int) -> Facilitator:
    """The facilitator with this id, or NotFound."""
    facilitator = db.get(Facilitator, facilitator_id)
    if facilitator is None:
        raise NotFound()
    return facilitator


def get_or_create(db: Session, email: str) -> tuple[Facilitator, bool]:
    """The facilitator with this address, created without a password if new."""
    existing = find(db, email)
    if existing is not None:
        return existing, False
    return create(db, email), True


def set_password(db: Session, facilitator: Facilitator, password: str) -> None:
    """Replace the facilitator's password."""
    facilitator.password_hash = hash_password(password)
    db.flush()


def authenticate(db: Session, email: str, password: str) -> Facilitator | None:
    """The facilitator if address and password match; None otherwise (no hint which failed)."""
    facilitator = find(db, email)
    if facilitator is None or not facilitator.password_hash:
        # Spend the same time as a real check so response times do not reveal addresses.
        _hasher.hash(password or "x")
        return None
    try:
        _hasher.verify(facilitator.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(facilitator.password_hash):
        facilitator.password_hash = _hasher.hash(password)
    facilitator.last_login_at = utcnow()
    db.flush()
    return facilitator


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_login_token(db: Session, facilitator: Facilitator, minutes: int = 15) -> str:
    """Create a one-time login token and return it (only its hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    db.add(
        LoginToken(
            facilitator_id=facilitator.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    db.flush()
    return token


def redeem_login_token(db: Session, token: str) -> Facilitator:
    """Spend a login token: the facilitator it belongs to, or LoginLinkInvalid."""
    now = utcnow()
    # One conditional UPDATE marks it used, so two tabs opening the same link cannot both win.
    token_id = db.execute(
        update(LoginToken)
        .where(
            LoginToken.token_hash == _digest(token),
            LoginToken.used_at.is_(None),
            LoginToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(LoginToken.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if token_id is None:
        raise LoginLinkInvalid()
    login = db.get(LoginToken, token_id)
    assert login is not None
    login.facilitator.last_login_at = now
    db.flush()
    return login.facilitator
