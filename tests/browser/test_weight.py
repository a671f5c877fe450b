"""The weight budget of a first view (empty cache): at most 4 requests, HTML ≤ 20 KB,
CSS ≤ 15 KB and JS ≤ 5 KB after gzip, and not one request to another host.

The sizes are measured by gzip-compressing (level 6) each body the browser received. Every
measurement is also written to test-output/weights/ for the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.helpers import (
    OUTPUT,
    PHONE,
    PROFILES,
    RESULT_READY,
    SAMPLE_LANGS,
    answer_pairs,
    gzip_size,
    save_directly,
)

MAX_REQUESTS = 4
# Bytes after gzip, per kind of resource.
BUDGET = {"document": 20 * 1024, "stylesheet": 15 * 1024, "script": 5 * 1024}

GET_PAGES = ["", "check", "safety", "privacy", "about", "no-such-page"]


def measure(page: Any, server: str, open_page: Callable[[], Any]) -> dict[str, Any]:
    """Open a page as a first view; return its requests, foreign hosts and gzip sizes."""
    requests: list[Any] = []

    def record(request: Any) -> None:
        requests.append(request)

    page.on("request", record)
    response = open_page()
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.remove_listener("request", record)
    origin = urlsplit(server).netloc
    sizes: dict[str, int] = {}
    for request in requests:
        answer = request.response()
        if answer is None:
            continue  # refused before it left (e.g. by the CSP): counted, but has no body
        kind = request.resource_type
        sizes[kind] = sizes.get(kind, 0) + gzip_size(answer.body())
    return {
        "status": response.status,
        "requests": [f"{r.resource_type} {urlsplit(r.url).path}" for r in requests],
        "foreign": [r.url for r in requests if urlsplit(r.url).netloc != origin],
        "gzip_bytes": sizes,
    }


def over_budget(measured: dict[str, Any], name: str) -> list[str]:
    """What is wrong with one first view; it is also written to test-output/weights/."""
    record = OUTPUT / "weights" / f"{name}.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(measured, indent=2))
    problems = []
    if measured["foreign"]:
        problems.append(f"{name}: requests to other hosts: {measured['foreign']}")
    if len(measured["requests"]) > MAX_REQUESTS:
        problems.append(f"{name}: {len(measured['requests'])} requests: {measured['requests']}")
    for kind, limit in BUDGET.items():
        size = measured["gzip_bytes"].get(kind, 0)
        if size > limit:
            problems.append(f"{name}: {kind} is {size} bytes after gzip, over {limit}")
    if not measured["gzip_bytes"].get("document"):
        problems.append(f"{name}: no HTML measured")
    return problems


def post(body: str) -> Callable[[Any], None]:
    """A route handler that sends the intercepted request as a form POST of `body`."""

    def handler(route: Any) -> None:
        headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded"}
        route.continue_(method="POST", post_data=body, headers=headers)

    return handler


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_first_views(new_context: Callable[..., Any], server: str, lang: str) -> None:
    """Every main page as a first view: a fresh context, and the cache off for each page."""
    context = new_context(viewport=PHONE)
    page = context.new_page()
    saved_url = save_directly(page, lang, PROFILES["complex"])
    # A cold cache for every page, not only the first: Chromium's DevTools switch.
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    problems = []
    linked: list[str] = []
    for path in GET_PAGES:
        measured = measure(page, server, lambda path=path: page.goto(f"/{lang}/{path}"))
        expected = 404 if path == "no-such-page" else 200
        assert measured["status"] == expected, (path, measured)
        problems += over_budget(measured, f"{lang}-{path or 'home'}")
        if not path:
            linked = page.eval_on_selector_all(
                f"a[href^='/{lang}/']", "els => els.map(a => new URL(a.href).pathname)"
            )
    # Pages linked from the home page that the list does not name (directory, coverage, ...).
    for path in sorted({p.split("/", 2)[2] for p in linked} - set(GET_PAGES)):
        measured = measure(page, server, lambda path=path: page.goto(f"/{lang}/{path}"))
        assert measured["status"] == 200, (path, measured)
        problems += over_budget(measured, f"{lang}-{path}")

    # A result is the answer to a POST: the navigation is turned into that POST.
    url = f"{server}/{lang}/check"
    for profile in sorted(PROFILES):
        page.route(url, post(urlencode(answer_pairs(PROFILES[profile]))), times=1)
        measured = measure(page, server, lambda: page.goto(url))
        assert measured["status"] == 200 and page.locator(RESULT_READY).count() == 1, measured
        problems += over_budget(measured, f"{lang}-result-{profile}")

    measured = measure(page, server, lambda: page.goto(saved_url))
    assert measured["status"] == 200 and page.locator(RESULT_READY).count() == 1, measured
    problems += over_budget(measured, f"{lang}-saved-result")
    assert not problems, "\n".join(problems)
