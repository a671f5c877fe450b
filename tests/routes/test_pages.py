"""Every content page in every language: status, invariants, language links, safety headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import LANGS
from tests.pages import get_page, normalize_spaces, parse_page

PAGES = ["", "check", "safety", "privacy", "about", "rights"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_every_language(client: TestClient, lang: str, page: str) -> None:
    soup = get_page(client, f"/{lang}/{page}")
    links = {a["hreflang"]: a["href"] for a in soup.select(".languages a[hreflang]")}
    assert set(links) == set(LANGS) - {lang}
    for other, href in links.items():
        assert href == f"/{other}/{page}"
    alternates = {link["hreflang"] for link in soup.select("link[rel=alternate]")}
    assert alternates == {*LANGS, "x-default"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_says_what_happens_and_who_to_call(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/")
    text = normalize_spaces(soup.get_text())
    assert "112" in text
    emergency = soup.select(".emergency li")
    assert len(emergency) >= 3, "112 plus the national safety and trafficking lines"
    assert soup.select_one(f"a[href='/{lang}/check']") is not None


def test_the_home_page_is_translated(client: TestClient) -> None:
    headings = {lang: get_page(client, f"/{lang}/").select_one("h1").get_text() for lang in LANGS}
    assert len(set(headings.values())) == len(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_the_deleted_confirmation_shows_after_a_delete(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/?deleted=1")
    assert soup.select_one(".notice--success[role=status]") is not None


@pytest.mark.parametrize(
    "url",
    ["/zz/", "/NL/", "/nl%00/", "/en_US.UTF-8/", "/../../etc/passwd", "/nl/nothing-here", "/th/r/"],
)
def test_unknown_pages_are_a_404_page(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_404_page_is_in_the_visitors_language(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/nothing-here", status=404)
    assert soup.html["lang"] == lang


def test_a_method_override_header_is_refused(client: TestClient) -> None:
    response = client.post("/nl/check", data={}, headers={"X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 405


def test_static_files_are_fingerprinted_and_cached_long(client: TestClient) -> None:
    soup = get_page(client, "/nl/")
    css = soup.select_one("link[rel=stylesheet]")["href"]
    response = client.get(css)
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/css")
    assert client.get("/static/css/site.css").status_code == 404


SAFETY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; "
    "object-src 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "x-frame-options": "DENY",
    "strict-transport-security": "max-age=63072000; includeSubDomains",
}


RESPONSE_KINDS = [
    pytest.param("GET", "/nl/", id="page"),
    pytest.param("GET", "/en/check", id="questionnaire"),
    pytest.param("POST", "/th/check", id="result"),
    pytest.param("GET", "/th/nothing", id="404 page"),
    pytest.param("POST", "/nl/check?x", id="error page"),
    pytest.param("GET", "/api/v1/regions", id="API"),
    pytest.param("POST", "/api/v1/match", id="API error"),
    pytest.param("GET", "/healthz", id="health"),
    pytest.param("GET", "/", id="redirect"),
    pytest.param("DELETE", "/nl/", id="405"),
    pytest.param("GET", "STATIC", id="static file"),
]


@pytest.mark.parametrize(("method", "url"), RESPONSE_KINDS)
@pytest.mark.parametrize("header", sorted(SAFETY_HEADERS))
def test_every_kind_of_response_has_each_safety_header(
    client: TestClient, header: str, method: str, url: str
) -> None:
    if url == "STATIC":
        url = get_page(client, "/nl/").select_one("link[rel=stylesheet]")["href"]
    body = b"stage=oops" if url.endswith("?x") else b""
    response = client.request(
        method, url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.headers.get(header) == SAFETY_HEADERS[header]


@pytest.mark.parametrize(("method", "url"), RESPONSE_KINDS)
def test_no_response_names_the_server_or_sets_a_cookie(
    client: TestClient, method: str, url: str
) -> None:
    if url == "STATIC":
        url = get_page(client, "/nl/").select_one("link[rel=stylesheet]")["href"]
    response = client.request(method, url)
    assert "server" not in response.headers
    assert "set-cookie" not in response.headers


def test_the_stylesheet_and_script_load_nothing_from_elsewhere(client: TestClient) -> None:
    soup = get_page(client, "/th/")
    for ref in (soup.select_one("link[rel=stylesheet]")["href"], soup.select_one("script")["src"]):
        text = client.get(ref).text
        assert "http:" not in text and "https:" not in text and "@import" not in text


ROUTES = [
    "/",
    "/nl",
    "/nl/",
    "/nl/check",
    "/nl/r",
    "/nl/r/" + "A" * 43,
    "/nl/card",
    "/nl/r/" + "A" * 43 + "/card",
    "/nl/safety",
    "/nl/privacy",
    "/nl/about",
    "/nl/rights",
    "/api/v1/match",
    "/api/v1/regions",
    "/healthz",
]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("url", ROUTES)
def test_every_route_refuses_other_methods(client: TestClient, method: str, url: str) -> None:
    assert client.request(method, url).status_code == 405


@pytest.mark.parametrize("url", ["/nl/", "/en/check", "/th/nothing"])
def test_pages_are_not_stored_by_the_browser(client: TestClient, url: str) -> None:
    assert client.get(url).headers["cache-control"] == "no-store"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        pytest.param("GET", "nothing-here", None, 404, id="404"),
        pytest.param("DELETE", "check", None, 405, id="405"),
        pytest.param("POST", "check", b"a=" + b"x" * 70000, 413, id="413"),
        pytest.param("POST", "check", b"stage=nope", 422, id="422"),
        pytest.param("POST", "check", b"stage=%ff", 400, id="400"),
    ],
)
def test_error_pages_speak_the_visitors_language(
    client: TestClient, lang: str, method: str, path: str, body: bytes | None, status: int
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    response = client.request(method, f"/{lang}/{path}", content=body, headers=headers)
    soup = parse_page(response, lang=lang, status=status)
    assert soup.select_one(f"a[href='/{lang}/']") is not None


def test_error_pages_differ_per_language(client: TestClient) -> None:
    titles = {lang: get_page(client, f"/{lang}/x", status=404).title.get_text() for lang in LANGS}
    assert len(set(titles.values())) == len(LANGS)


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        pytest.param("/nl/?" + "q" * 20000, {}, 414, id="long query"),
        pytest.param("/nl/" + "p" * 20000, {}, 414, id="long path"),
        pytest.param("/nl/", {"X-Big": "b" * 20000}, 431, id="big header"),
        pytest.param("/nl/", {f"X-{i}": "v" for i in range(150)}, 431, id="many headers"),
    ],
)
def test_oversized_urls_and_headers_are_refused_with_headers(
    client: TestClient, url: str, headers: dict[str, str], status: int
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.headers["x-frame-options"] == "DENY"


def test_stylesheet_urls_point_at_fingerprinted_files(client: TestClient) -> None:
    css_url = get_page(client, "/th/").select_one("link[rel=stylesheet]")["href"]
    css = client.get(css_url).text
    fonts = [u.strip("\"'") for u in re.findall(r"url\(([^)]+)\)", css)]
    assert fonts, "the Thai font is referenced"
    for url in fonts:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" in response.headers["cache-control"]


class TestRights:
    @pytest.mark.parametrize("lang", LANGS)
    def test_every_statement_is_shown_with_its_source(self, client: TestClient, lang: str) -> None:
        sections = client.app.state.services.rights  # type: ignore[attr-defined]
        soup = get_page(client, f"/{lang}/rights")
        shown = soup.select(".rights__statement")
        assert len(shown) == sum(len(s.statements) for s in sections) >= 20
        for block, statement in zip(
            shown, [st for s in sections for st in s.statements], strict=True
        ):
            assert normalize_spaces(statement.text.get(lang)) in normalize_spaces(block.get_text())
            link = block.select_one(".rights__source a")
            assert link["href"] == statement.source
            assert link["href"].startswith("https://")
            assert link["rel"] == ["noreferrer", "noopener"]

    @pytest.mark.parametrize("lang", LANGS)
    def test_the_sections_cover_papers_confidentiality_the_municipality_and_the_police(
        self, client: TestClient, lang: str
    ) -> None:
        soup = get_page(client, f"/{lang}/rights")
        ids = [h["id"] for h in soup.select("section.rights h2")]
        assert ids == ["no-papers", "free-and-confidential", "municipality", "police"]
        assert [a["href"] for a in soup.select("nav ul a[href^='#']")] == [f"#{i}" for i in ids]

    def test_every_page_links_to_it_in_the_footer(self, client: TestClient) -> None:
        soup = get_page(client, "/th/safety")
        assert soup.select_one(".site-footer a[href='/th/rights']") is not None
