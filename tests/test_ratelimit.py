"""Saving and opening saved results are limited per client; the limit can be switched off."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.ratelimit import RateLimiter
from app.settings import Settings
from tests.pages import parse_page


@pytest.fixture(autouse=True)
def _one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the clock mid-window, so that no test straddles two one-minute windows."""
    monkeypatch.setattr("app.ratelimit.time", SimpleNamespace(monotonic=lambda: 30.0))


FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def client_for(tmp_path: Path, **overrides: object) -> TestClient:
    """A client over an app with the given settings."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'v.db'}",
        data_dir=Path(__file__).resolve().parent.parent / "data",
        secret_key="test-secret-key-that-is-long-enough",
        **overrides,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings), follow_redirects=False)


def test_too_many_saves_get_a_429_page_in_her_language(tmp_path: Path) -> None:
    with client_for(tmp_path, rate_limit_saves_per_minute=3) as client:
        statuses = [
            client.post("/th/r", content="stage=thinking", headers=FORM).status_code
            for _ in range(4)
        ]
        assert statuses == [303, 303, 303, 429]
        response = client.post("/th/r", content="stage=thinking", headers=FORM)
        parse_page(response, lang="th", status=429)
        assert int(response.headers["retry-after"]) >= 1


def test_too_many_opens_get_a_429(tmp_path: Path) -> None:
    with client_for(tmp_path, rate_limit_opens_per_minute=2) as client:
        statuses = [client.get("/nl/r/" + "A" * 43).status_code for _ in range(3)]
        assert statuses == [404, 404, 429]


def test_the_limit_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_ENABLED", "false")
    with client_for(tmp_path, rate_limit_opens_per_minute=1) as client:
        assert {client.get("/nl/r/" + "A" * 43).status_code for _ in range(5)} == {404}


def test_the_questionnaire_is_never_limited(tmp_path: Path) -> None:
    with client_for(tmp_path, rate_limit_saves_per_minute=1, rate_limit_opens_per_minute=1) as c:
        assert {c.post("/nl/check", content="", headers=FORM).status_code for _ in range(5)} == {
            200
        }


def test_a_new_window_starts_a_new_count() -> None:
    limiter = RateLimiter(limits={"save": 1})
    assert limiter.allow("save", "10.0.0.1", now=0)
    assert not limiter.allow("save", "10.0.0.1", now=30)
    assert limiter.allow("save", "10.0.0.2", now=30), "another client has its own count"
    assert limiter.allow("save", "10.0.0.1", now=61)


def test_the_limiter_keeps_no_ip() -> None:
    limiter = RateLimiter(limits={"open": 5})
    limiter.allow("open", "203.0.113.7", now=0)
    assert "203.0.113.7" not in repr(limiter._counts)
