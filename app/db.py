"""The database engine: SQLite (WAL, synchronous=FULL) by default, PostgreSQL by URL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import SQLModel

from app import models  # noqa: F401 - registers the tables on the metadata
from app.settings import Settings

# How long a connection waits for another one's lock before SQLite answers "busy".
SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(database_url: str) -> Engine:
    """Create the engine; for SQLite, make sure its folder exists and every save is durable."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as the thread pool: a new SQLite connection costs its PRAGMAs, and
        # connections beyond the pool size would be opened and closed for every request.
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=40,
            max_overflow=10,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets reads go on during a write. A commit survives a crash of the app (kill -9) under
    # any setting; FULL makes it survive a power cut or an OS crash too.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def init_db(engine: Engine) -> None:
    """Create the tables that do not exist yet."""
    SQLModel.metadata.create_all(engine)


def main() -> None:
    """`python -m app.db init`: prepare the database once, before the workers start."""
    parser = argparse.ArgumentParser(prog="python -m app.db")
    parser.add_argument("command", choices=["init"])
    parser.parse_args()
    engine = make_engine(Settings().database_url)
    init_db(engine)
    engine.dispose()
    print("database ready")


if __name__ == "__main__":
    main()
