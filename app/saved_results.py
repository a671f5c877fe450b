"""Save, read and delete results: encrypted with a key derived from the token, found by hash."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import secrets
import sqlite3
import urllib.parse
import weakref
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, Row, Table, bindparam, delete, event, insert, select
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from starlette.concurrency import run_in_threadpool

from app.models import SavedResult

# 32 random bytes = 256 bits, written as 43 base64url characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_KEY_INFO = b"verder saved result v1"
# How long a read on the event loop may wait for a busy SQLite before moving to a thread.
_INLINE_BUSY_MS = 50
# How long a read on the event loop may take on PostgreSQL, connecting included, before the
# read is tried once more through the engine in a worker thread.
_PG_INLINE_TIMEOUT_S = 3.0

# SQLAlchemy Core on the table, not the ORM: no Session, no identity map, three columns read.
_TABLE: Table = SavedResult.__table__  # type: ignore[assignment]
_SELECT = select(_TABLE.c.nonce, _TABLE.c.ciphertext, _TABLE.c.expires_on).where(
    _TABLE.c.token_hash == bindparam("row_hash")
)
# The same query as plain SQL for reads on the event loop: sqlite3 (qmark parameters) and
# psycopg (named parameters).
_SQLITE_SELECT = str(_SELECT.compile(dialect=sqlite_dialect.dialect()))
_PG_SELECT = str(_SELECT.compile(dialect=postgresql_dialect.psycopg.dialect()))


class StoreUnavailable(Exception):
    """The database could not be reached or written; nothing was saved."""


@dataclass(frozen=True, slots=True)
class Saved:
    """A saved result as read back: the answers, the language she used and the expiry day."""

    answers: dict[str, list[str]]
    lang: str
    expires_on: date


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
) -> tuple[str, date]:
    """Store the answers encrypted, one save in its own transaction; return token and last day."""
    sealed = seal(answers=answers, lang=lang, today=today, days=days)
    try:
        with engine.begin() as conn:
            conn.execute(insert(_TABLE), [sealed.row])
    except Exception as exc:  # any database failure means: not saved, say so
        raise StoreUnavailable(type(exc).__name__) from exc
    return sealed.token, sealed.expires_on


def get(*, engine: Engine, token: str, today: date) -> Saved | None:
    """The saved result for `token`; None for a malformed, unknown, expired or deleted token."""
    well_formed, row_hash = _lookup_hash(token)
    with engine.connect() as conn:
        row = conn.execute(_SELECT, {"row_hash": row_hash}).first()
    return _unseal(row, token=token, well_formed=well_formed, row_hash=row_hash, today=today)


async def read(*, engine: Engine, token: str, today: date) -> Saved | None:
    """get() for the event loop: SQLite and PostgreSQL are read inline, others in a thread."""
    # Through the engine in a worker thread, a read costs ~0.3 ms of CPU more on SQLite and
    # ~0.9 ms more on PostgreSQL (the hop to the thread, the pool, SQLAlchemy's execution)
    # than the read itself. A busy SQLite (recovery after a crash, another process closing
    # the file) or a PostgreSQL connection that failed still goes that way, off the loop.
    reader = _inline_reader(engine)
    if reader is None:
        return await run_in_threadpool(get, engine=engine, token=token, today=today)
    well_formed, row_hash = _lookup_hash(token)
    try:
        row = await reader.select(row_hash)
    except _InlineReadFailed:
        return await run_in_threadpool(get, engine=engine, token=token, today=today)
    return _unseal(row, token=token, well_formed=well_formed, row_hash=row_hash, today=today)


class _InlineReadFailed(Exception):
    """A read on the event loop did not work; the engine's way in a thread is tried instead."""


class _InlineReader:
    """One plain sqlite3 connection per engine for the event loop's reads of saved results.

    SQLAlchemy's pool check-out, execution context and result objects cost ~0.3 ms per read,
    several times the read itself. This connection only reads (query_only), never waits long
    for a lock, and keeps no transaction open between reads, so it always sees the newest
    committed rows and never holds back a WAL checkpoint.
    """

    def __init__(self, path: str) -> None:
        # Opened on the event loop's thread; check_same_thread=False only so that disposing of
        # the engine from another thread can close it.
        # mode=rw: never create a database file that is not there (the engine's job).
        self._conn = sqlite3.connect(
            f"file:{urllib.parse.quote(path)}?mode=rw",
            uri=True,
            timeout=_INLINE_BUSY_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        self._conn.execute("PRAGMA query_only=ON")

    async def select(self, row_hash: str) -> _Row | None:
        """The row for `row_hash`, or None; _InlineReadFailed when SQLite is busy."""
        # fetchall, not fetchone: the statement runs to its end, which ends its read
        # transaction at once.
        try:
            rows = self._conn.execute(_SQLITE_SELECT, (row_hash,)).fetchall()
        except sqlite3.Error as exc:
            raise _InlineReadFailed from exc
        if not rows:
            return None
        nonce, ciphertext, expires_on = rows[0]
        return _Row(nonce, ciphertext, date.fromisoformat(expires_on))

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


@dataclass(frozen=True, slots=True)
class _Row:
    nonce: bytes
    ciphertext: bytes
    expires_on: date


class _PgReader:
    """One psycopg connection per engine for the event loop's reads of saved results.

    It reads on the loop, without a worker thread, SQLAlchemy's pool or its pre-ping: ~0.2 ms
    of CPU per read instead of ~1.1 ms. psycopg runs one query at a time on a connection, and
    a read takes ~0.2 ms, so one connection serves more reads than a worker renders pages.
    The connection belongs to the event loop that opened it; on another loop (a test client
    has its own) a new one is opened. After any failure it is closed and opened again on the
    next read.
    """

    def __init__(self, conninfo: str) -> None:
        # Imported here, once: only a PostgreSQL site needs psycopg, and SQLite starts without.
        import psycopg

        self._conninfo = conninfo
        self._open_connection = psycopg.AsyncConnection.connect
        self._failures = (psycopg.Error, OSError, TimeoutError)
        self._conn: Any = None  # a psycopg.AsyncConnection once opened
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening = asyncio.Lock()  # replaced by one of the loop's own on the first read

    async def select(self, row_hash: str) -> _Row | None:
        """The row for `row_hash`, or None; _InlineReadFailed when PostgreSQL did not answer."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self.close()
            self._loop, self._opening = loop, asyncio.Lock()
        try:
            async with asyncio.timeout(_PG_INLINE_TIMEOUT_S):
                conn = await self._connection()
                cursor = await conn.execute(_PG_SELECT, {"row_hash": row_hash})
                row = await cursor.fetchone()
        except self._failures as exc:
            self.close()
            raise _InlineReadFailed from exc
        return None if row is None else _Row(*row)

    async def _connection(self) -> Any:
        async with self._opening:  # one connection, however many reads arrive at once
            if self._conn is None or self._conn.closed:
                self._conn = await self._open_connection(self._conninfo, autocommit=True)
            return self._conn

    def close(self) -> None:
        """Close the connection, from any thread or loop (libpq's close does not wait)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.pgconn.finish()

    # An engine dropped without dispose() takes its reader along; its connection must not be
    # left for psycopg to find open (and warn about) when it is collected.
    __del__ = close


_READERS: weakref.WeakKeyDictionary[Engine, _InlineReader | _PgReader | None] = (
    weakref.WeakKeyDictionary()
)


def _inline_reader(engine: Engine) -> _InlineReader | _PgReader | None:
    """The engine's reader for the event loop; None where only the engine can read."""
    try:
        return _READERS[engine]
    except KeyError:
        pass
    url = engine.url
    reader: _InlineReader | _PgReader | None = None
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        # The URL's query holds libpq options (sslmode, connect_timeout), kept as they are.
        reader = _PgReader(url.set(drivername="postgresql").render_as_string(hide_password=False))
    elif url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path and path != ":memory:" and not path.startswith("file:") and not url.query:
            try:
                reader = _InlineReader(path)
            except sqlite3.Error:
                return None  # tried again next time, e.g. once the database file exists
    if reader is not None and not event.contains(engine, "engine_disposed", _close_reader):
        # Closed with the engine's pool, so a disposed engine leaves no connection behind.
        event.listen(engine, "engine_disposed", _close_reader)
    _READERS[engine] = reader
    return reader


def _close_reader(engine: Engine) -> None:
    reader = _READERS.pop(engine, None)
    if reader is not None:
        reader.close()


def _lookup_hash(token: str) -> tuple[bool, str]:
    """Whether the token is well formed, and the hash to look up for it."""
    well_formed = TOKEN_PATTERN.match(token) is not None
    # A malformed token still costs one lookup (of a hash no token can have), so that
    # malformed, unknown, expired and deleted tokens cannot be told apart by timing.
    return well_formed, token_hash(token if well_formed else "!")


def _unseal(
    row: Row[Any] | _Row | None, *, token: str, well_formed: bool, row_hash: str, today: date
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
