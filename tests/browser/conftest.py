"""Browser fixtures: one uvicorn server, one stub "neutral site" and one Chromium per session.

The server is the real app in a subprocess on a free loopback port, with its own temporary
SQLite file. Chromium is Debian's (`/usr/bin/chromium`), driven by Playwright for Python;
Playwright's own browser downloads are never used. Without a browser the tests fail and say
what to install: they never skip.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import helpers
from tests.server import Server

ROOT = Path(__file__).resolve().parents[2]

# Where to look for Chromium, in order; VERDER_CHROMIUM names another build.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The flags the machine notes prescribe: no GPU, no QUIC, and no background calls home (the
# test machines have no network, and Chromium would otherwise keep trying). Playwright adds
# --headless itself (headless=True) and a fresh, empty profile per launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_BROWSER = (
    "No Chromium found for the browser tests (looked at {where}). Install Debian's packages:\n"
    "    sudo apt-get install chromium fonts-thai-tlwg\n"
    "(`make test` does this by itself when it runs as root, as CI does), or set "
    "VERDER_CHROMIUM to another Chromium's executable. Never `playwright install`: it "
    "downloads a browser, which this project's machines cannot do."
)
NO_PLAYWRIGHT = (
    "Playwright for Python is not installed: run `make install` "
    "(pip install -e '.[test]' installs playwright and axe-playwright-python)."
)
SERVER_START_SECONDS = 30


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (select or leave out with -m browser)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str | None:
    """The Chromium executable to drive, or None."""
    named = os.environ.get("VERDER_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


# --- The neutral site the quick exit goes to --------------------------------------------------


class _NeutralSite(BaseHTTPRequestHandler):
    """A stand-in for the weather site: one page, on its own port, nothing else."""

    def do_GET(self) -> None:
        body = (
            b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            b"<title>Weather</title></head><body><h1>Weather</h1><p>Sunny.</p></body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is no place for a request log."""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Chromium drops connections it no longer needs (after Back, say): not an error."""


@pytest.fixture(scope="session")
def exit_url() -> Iterator[str]:
    """The URL the quick exit leaves for: a local stub page, never the real internet."""
    server = _QuietServer(("127.0.0.1", 0), _NeutralSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


# --- The site ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, exit_url: str) -> Iterator[str]:
    """Run the app with uvicorn on a free port; yield its base URL (no trailing slash)."""
    folder = tmp_path_factory.mktemp("server")
    site = Server(
        f"sqlite:///{folder / 'verder.db'}",
        folder / "server.log",
        start_seconds=SERVER_START_SECONDS,
        VERDER_SECRET_KEY="browser-test-secret-key-long-enough-0123456789",
        VERDER_EXIT_URL=exit_url,
        # The limits stay on, but one test run saves and opens more than a person would.
        RATE_LIMIT_ENABLED="true",
        VERDER_RATE_LIMIT_SAVES_PER_MINUTE="1000",
        VERDER_RATE_LIMIT_OPENS_PER_MINUTE="1000",
    )
    try:
        yield site.start().url
    finally:
        site.stop()


# --- The browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Launch options for Debian's Chromium; fails (never skips) when there is none."""
    executable = find_chromium()
    if executable is None:
        where = os.environ.get("VERDER_CHROMIUM") or ", ".join(CHROMIUM_CANDIDATES)
        pytest.fail(NO_BROWSER.format(where=where), pytrace=False)
    return {"executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(browser_type_launch_args: dict[str, Any]) -> Iterator[Any]:
    """One Chromium for the whole session; each test opens its own contexts."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(NO_PLAYWRIGHT, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**browser_type_launch_args)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Any, server: str) -> Iterator[Callable[..., Any]]:
    """Open browser contexts (fresh profile: no cache, no history) closed after the test."""
    contexts: list[Any] = []
    elsewhere: list[str] = []

    def open_context(**kwargs: Any) -> Any:
        kwargs.setdefault("base_url", server)
        context = browser.new_context(**kwargs)
        context.set_default_timeout(helpers.TIMEOUT_MS)
        context.on("request", lambda request: elsewhere.extend(off_machine(request.url)))
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not elsewhere, f"the pages asked another host: {elsewhere}"


def off_machine(url: str) -> list[str]:
    """[url] when it points anywhere but this machine's loopback (or is a data: URL), else []."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "blob") or parts.hostname == "127.0.0.1":
        return []
    return [url]


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    """A page in a fresh desktop-sized context with JavaScript on."""
    return new_context(viewport=helpers.DESKTOP).new_page()


@pytest.fixture(scope="session")
def shared_page(browser: Any, server: str) -> Iterator[Any]:
    """One desktop page for the whole session, for checks that need no fresh profile.

    A fresh context with its first page costs about a second on two cores; the page-by-page
    axe checks do not need one.
    """
    context = browser.new_context(base_url=server, viewport=helpers.DESKTOP)
    context.set_default_timeout(helpers.TIMEOUT_MS)
    elsewhere: list[str] = []
    context.on("request", lambda request: elsewhere.extend(off_machine(request.url)))
    yield context.new_page()
    context.close()
    assert not elsewhere, f"the pages asked another host: {elsewhere}"
