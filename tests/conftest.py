"""Fixtures: settings (temp database, test catalogue) -> app (factory) -> client (lifespan runs)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete

from app.db import init_db, make_engine
from app.i18n import LANGUAGES
from app.main import create_app
from app.models import SavedResult
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
LANGS = list(LANGUAGES)


def postgres_url() -> str:
    """The throwaway server started by scripts/with_postgres.py; fail loudly without it."""
    url = os.environ.get("VERDER_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "VERDER_TEST_POSTGRES_URL is not set: run the suite with `make test`, which starts "
            "a throwaway PostgreSQL, or point the variable at an empty test database."
        )
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs twice: embedded SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'verder.db'}"
    return postgres_url()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A fresh, empty saved_result table on the chosen database."""
    engine = make_engine(database_url)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(delete(SavedResult))
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: SQLite in a temp folder, the real catalogue."""
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'verder.db'}",
        data_dir=ROOT / "data",
        secret_key="test-secret-key-that-is-long-enough",
        hsts_max_age=63072000,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app built by the factory with the test settings."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client with the lifespan running (catalogue, translations, database loaded)."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def test_catalogue_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client over the small hand-made catalogue in tests/data, for exact expectations."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'verder.db'}",
        data_dir=TEST_DATA,
        secret_key="test-secret-key-that-is-long-enough",
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client
