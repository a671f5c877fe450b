"""Save, read and delete results: encrypted with a key derived from the token, found by hash."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, Row, Table, bindparam, delete, insert, select
from starlette.concurrency import run_in_threadpool

from app.models import SavedResult

# 32 random bytes = 256 bits, written as 43 base64url characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_KEY_INFO = b"verder saved result v1"

# SQLAlchemy Core on the table, not the ORM: no Session, no identity map, three columns read.
_TABLE: Table = SavedResult.__table__  # type: ignore[attr-defined]
_SELECT = select(_TABLE.c.nonce, _TABLE.c.ciphertext, _TABLE.c.expires_on).where(
    _TABLE.c.token_hash == bindparam("row_hash")
)


class StoreUnavailable(Exception):
    """The database could not be reached or written; nothing was saved."""


@dataclass(frozen=True, slots=True)
class Saved:
    """A saved result as read back: the answers, the language she used and the expiry day."""

    answers: dict[str, list[str]]
    lang: str
    expires_on: date

    def pairs(self) -> list[tuple[str, str]]:
        """The answers as the form pairs they were posted as."""
        return [(key, value) for key, values in self.answers.items() for value in values]


def new_token() -> str:
    """A fresh unguessable token from the operating system's CSPRNG."""
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """The row key: a hash of the token, so the database never holds the token itself."""
    return hashlib.sha256(b"verder-row:" + token.encode()).hexdigest()


def _key(token: str) -> bytes:
    # The token has 256 bits of entropy, so HKDF without a salt is sufficient.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(
        token.encode()
    )


@dataclass(frozen=True, slots=True)
class Sealed:
    """A result ready to store: the token she gets, its last day, and the encrypted row."""

    token: str
    expires_on: date
    row: dict[str, Any]


def seal(*, answers: dict[str, list[str]], lang: str, today: date, days: int) -> Sealed:
    """Encrypt the answers under a new token; nothing is written yet."""
    token = new_token()
    expires_on = today + timedelta(days=days)
    payload = json.dumps({"a": answers, "l": lang}, separators=(",", ":"), sort_keys=True)
    nonce = secrets.token_bytes(12)
    row_hash = token_hash(token)
    ciphertext = AESGCM(_key(token)).encrypt(nonce, payload.encode(), row_hash.encode())
    row = {
        "token_hash": row_hash,
        "nonce": nonce,
        "ciphertext": ciphertext,
        "created_on": today,
        "expires_on": expires_on,
    }
    return Sealed(token=token, expires_on=expires_on, row=row)


def create(
    *, engine: Engine, answers: dict[str, list[str]], lang: str, today: date, days: int
) -> Sealed:
    """Store the answers encrypted, one save in its own transaction, committed on return."""
    sealed = seal(answers=answers, lang=lang, today=today, days=days)
    try:
        with engine.begin() as conn:
            conn.execute(insert(_TABLE), [sealed.row])
    except Exception as exc:  # any database failure means: not saved, say so
        raise StoreUnavailable(type(exc).__name__) from exc
    return sealed


def get(*, engine: Engine, token: str, today: date) -> Saved | None:
    """The saved result for `token`; None for a malformed, unknown, expired or deleted token."""
    well_formed, row_hash = _lookup_hash(token)
    with engine.connect() as conn:
        row = conn.execute(_SELECT, {"row_hash": row_hash}).first()
    return _unseal(row, token=token, well_formed=well_formed, row_hash=row_hash, today=today)


async def read(*, engine: Engine, token: str, today: date) -> Saved | None:
    """get() for the event loop: the read runs in a worker thread."""
    return await run_in_threadpool(get, engine=engine, token=token, today=today)


def _lookup_hash(token: str) -> tuple[bool, str]:
    """Whether the token is well formed, and the hash to look up for it."""
    well_formed = TOKEN_PATTERN.match(token) is not None
    # A malformed token still costs one lookup (of a hash no token can have), so that
    # malformed, unknown, expired and deleted tokens cannot be told apart by timing.
    return well_formed, token_hash(token if well_formed else "!")


def _unseal(
    row: Row[Any, Any, Any] | None, *, token: str, well_formed: bool, row_hash: str, today: date
) -> Saved | None:
    """Decrypt a row read for `token`; None when there is none, it expired or it fails."""
    if row is None or row.expires_on < today or not well_formed:
        return None
    try:
        plain = AESGCM(_key(token)).decrypt(row.nonce, row.ciphertext, row_hash.encode())
    except InvalidTag:
        return None
    data = json.loads(plain)
    return Saved(answers=data["a"], lang=data["l"], expires_on=row.expires_on)


def delete_one(*, engine: Engine, token: str) -> None:
    """Delete the result for `token` now; unknown tokens are ignored."""
    if not TOKEN_PATTERN.match(token):
        return
    with engine.begin() as conn:
        conn.execute(delete(_TABLE).where(_TABLE.c.token_hash == token_hash(token)))


def delete_expired(*, engine: Engine, today: date) -> int:
    """Remove every result whose last day has passed; return how many went."""
    with engine.begin() as conn:
        result = conn.execute(delete(_TABLE).where(_TABLE.c.expires_on < today))
        return int(result.rowcount or 0)
