"""Logs without IPs, tokens or answers; a 500 that still carries every header; the purge."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import saved_results
from app.db import init_db, make_engine
from app.main import create_app
from app.settings import Settings
from tests.pages import parse_page

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def test_the_access_log_has_no_ip_token_or_answer(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="verder")
    client.post("/en/check", content="municipality=GM0344&needs=addiction&step=2", headers=FORM)
    saved = client.post("/en/r", content="municipality=GM0344&needs=addiction", headers=FORM)
    token = saved.headers["location"].rsplit("/", 1)[1]
    client.get(f"/th/r/{token}", headers={"User-Agent": "evil\x1b[31m\nInjected: yes"})
    client.post(f"/en/r/{token}/delete", content="", headers=FORM)
    client.get("/nl/check\x1b[2J".replace("\x1b", "%1b"))
    # The bad-input shapes of safety.md, each of which must leave no trace of itself in the log.
    bad = [
        ("POST", "/nl/check", b"stage=thinking&stage=stopped&needs=addiction"),
        ("POST", "/nl/check", b"stage=%ff%fe&municipality=GM0344"),
        ("POST", "/nl/check", b"token=GM0344&__class__=addiction"),
        ("POST", "/nl/check", b"a=" + b"x" * 70000),
        ("GET", f"/nl/r/{token}x", None),
        ("PUT", f"/nl/r/{token}", None),
        ("GET", "/nl/?" + "q" * 20000, None),
    ]
    for method, url, body in bad:
        client.request(method, url, content=body, headers=FORM)
    client.post("/api/v1/match", json={"answers": {"municipality": "GM0344", "needs": ["x"]}})
    lines = [r.getMessage() for r in caplog.records if r.name == "verder.access"]
    assert len(lines) == 5 + len(bad) + 1
    text = "\n".join(lines)
    for secret in (token, "testclient", "127.0.0.1", "GM0344", "addiction", "Injected"):
        assert secret not in text
    assert "/{lang}/r/{token}" in text, "the route template, never the path"
    assert all("\n" not in line and "\x1b" not in line for line in lines)


@pytest.mark.parametrize("url", ["/en/check", "/th/", "/nl/safety", "/en/directory"])
def test_a_page_served_again_from_the_cache_is_the_same_page_with_the_same_headers(
    client: TestClient, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    caplog.set_level(logging.INFO, logger="verder.access")
    first = client.get(url)
    assert ("http://testserver", url) in client.app.state.services.pages.by_path, "cached"
    second = client.get(url)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert sorted(second.headers.items()) == sorted(first.headers.items())
    lines = [r.getMessage() for r in caplog.records if r.name == "verder.access"]
    route = lines[0].split()[1]
    assert route.startswith("/{lang}"), "logged by route template, never by path"
    assert [line.split()[:3] for line in lines] == [["GET", route, "200"]] * 2


def test_the_page_cache_leaves_query_strings_and_method_overrides_to_the_routes(
    client: TestClient,
) -> None:
    client.get("/nl/")
    deleted = client.get("/nl/?deleted=1")
    assert deleted.content != client.get("/nl/").content, "?deleted=1 shows its confirmation"
    client.get("/nl/check")
    refused = client.get("/nl/check", headers={"X-HTTP-Method-Override": "DELETE"})
    assert refused.status_code == 405
    assert client.get("/nl/check/").status_code == 404, "only the exact path is cached"


def test_an_unexpected_error_is_a_calm_500_page_with_every_header(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/{lang}/boom")
    async def boom(lang: str) -> None:
        raise RuntimeError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/th/boom")
    soup = parse_page(response, lang="th", status=500)
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["cache-control"] == "no-store"
    assert soup.select_one("main a[href='/th/']") is not None
    assert "secret detail" not in caplog.text


def test_expired_results_are_purged_without_anyone_asking(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    engine = make_engine(url)
    init_db(engine)
    saved_results.create(
        engine=engine, answers={}, lang="nl", today=date.today() - timedelta(days=60), days=30
    )
    engine.dispose()
    settings = Settings(database_url=url, data_dir=Path("data"), purge_interval_seconds=10)
    app = create_app(settings)
    with TestClient(app):
        pass  # start-up runs the first purge
    engine = make_engine(url)
    from sqlalchemy import text

    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM saved_result")).scalar() == 0
    engine.dispose()
