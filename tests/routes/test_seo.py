"""Findable: absolute hreflang, a description on every public page, robots.txt and a sitemap."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.routes.seo import PUBLIC_PAGES
from app.settings import Settings
from tests.conftest import LANGS
from tests.pages import get_page, normalize_spaces

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PUBLIC_URL = "https://verder.example"


@pytest.fixture
def public_client(settings: Settings) -> TestClient:
    """A client of a site that knows its public address (VERDER_PUBLIC_URL)."""
    site = settings.model_copy(update={"public_url": PUBLIC_URL + "/"})
    with TestClient(create_app(site), follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_links_its_languages_absolutely_and_describes_itself(
    public_client: TestClient, lang: str, page: str
) -> None:
    soup = get_page(public_client, f"/{lang}/{page}")
    alternates = {a["hreflang"]: a["href"] for a in soup.select("link[rel=alternate][hreflang]")}
    assert alternates == {
        **{code: f"{PUBLIC_URL}/{code}/{page}" for code in LANGS},
        "x-default": f"{PUBLIC_URL}/",
    }
    description = soup.select_one("meta[name=description]")
    assert description is not None
    assert 50 <= len(normalize_spaces(description["content"])) <= 170, "a search snippet's length"
    assert soup.select_one("meta[name=robots]") is None, "public pages may be indexed"


def test_each_page_has_its_own_description_in_each_language(public_client: TestClient) -> None:
    found = {
        (lang, page): get_page(public_client, f"/{lang}/{page}").select_one(
            "meta[name=description]"
        )["content"]
        for lang in LANGS
        for page in PUBLIC_PAGES
    }
    assert len(set(found.values())) == len(found)


def test_the_dutch_home_page_says_what_a_searcher_types(public_client: TestClient) -> None:
    soup = get_page(public_client, "/nl/")
    description = soup.select_one("meta[name=description]")["content"].lower()
    assert "stoppen met sekswerk" in description and "hulp" in description


@pytest.mark.parametrize("url", ["/nl/check", "/en/card"])
def test_pages_with_answers_have_no_description_and_are_not_indexed(
    client: TestClient, url: str
) -> None:
    response = client.get(url) if url.endswith("check") else client.post(url, data={})
    assert 'name="robots" content="noindex"' in response.text
    assert 'name="description"' not in response.text


def test_without_a_public_url_the_links_use_the_request_host(client: TestClient) -> None:
    soup = get_page(client, "/en/about")
    hrefs = [a["href"] for a in soup.select("link[rel=alternate]")]
    assert hrefs and all(href.startswith("http://testserver/") for href in hrefs)


def test_a_made_up_host_header_never_reaches_a_page(client: TestClient) -> None:
    response = client.get("/en/about", headers={"host": 'evil"><script>'})
    assert response.status_code == 200
    assert "evil" not in response.text
    assert 'href="http://testserver/en/about"' in response.text


def test_made_up_hosts_do_not_fill_the_page_cache(client: TestClient) -> None:
    for n in range(20):
        assert client.get("/en/about", headers={"host": f"h{n}.example"}).status_code == 200
    cache = client.app.state.services.pages
    assert len({base for base, _ in cache.by_path}) <= cache.MAX_ORIGINS


def test_robots_txt_allows_public_pages_and_keeps_answers_and_the_api_out(
    public_client: TestClient,
) -> None:
    response = public_client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Disallow: /api/" in lines and "Allow: /" in lines
    for lang in LANGS:
        assert {f"Disallow: /{lang}/r/", f"Disallow: /{lang}/check", f"Disallow: /{lang}/card"} <= {
            *lines
        }
    assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in lines
    disallowed = [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")]
    for page in PUBLIC_PAGES:
        path = f"/nl/{page}"
        assert not any(path.startswith(prefix) for prefix in disallowed), path


def test_the_sitemap_lists_every_public_page_in_every_language_with_alternates(
    public_client: TestClient,
) -> None:
    response = public_client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - the app's own response
    urls = root.findall(f"{SITEMAP}url")
    locs = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert sorted(locs) == sorted(
        f"{PUBLIC_URL}/{lang}/{page}" for lang in LANGS for page in PUBLIC_PAGES
    )
    for url in urls:
        links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        page = url.find(f"{SITEMAP}loc").text.split("/", 4)[4]
        assert links == {
            **{code: f"{PUBLIC_URL}/{code}/{page}" for code in LANGS},
            "x-default": f"{PUBLIC_URL}/",
        }
    for loc in locs:
        assert public_client.get(loc.removeprefix(PUBLIC_URL)).status_code == 200, loc
