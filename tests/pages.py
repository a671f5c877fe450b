"""One helper to fetch and parse a page and check what every page must satisfy."""

from __future__ import annotations

import re
from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from httpx import Response

from app.i18n import LANGUAGES

FORBIDDEN_TITLE_WORDS = re.compile(r"sex|prostitu|seks|โสเภณี|ค้าประเวณี", re.IGNORECASE)


def normalize_spaces(text: str) -> str:
    """Collapse runs of white space, as a reader sees the text."""
    return " ".join(text.split())


def parse_page(response: Response, *, lang: str, status: int = 200) -> BeautifulSoup:
    """Parse with html5lib and assert the page invariants; return the soup."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in response.headers
    assert_valid_html(response.text)
    soup = BeautifulSoup(response.text, "html5lib")
    assert soup.html is not None and soup.html.get("lang") == lang
    alternates = {a["hreflang"]: a["href"] for a in soup.select("link[rel=alternate][hreflang]")}
    leaving = soup.select_one("meta[http-equiv=refresh]") is not None
    if alternates or (status == 200 and not leaving):
        # Every page in a language names itself in every site language, and a default; only
        # the page that leaves the site (and error pages) name none.
        assert set(alternates) == {*LANGUAGES, "x-default"}, sorted(alternates)
        # Absolute, one origin, the same page under each language's prefix.
        base = alternates["x-default"].removesuffix("/")
        assert re.fullmatch(r"https?://[^/]+", base), alternates["x-default"]
        rests = {alternates[code].removeprefix(f"{base}/{code}/") for code in LANGUAGES}
        assert all(alternates[code].startswith(f"{base}/{code}/") for code in LANGUAGES)
        assert len(rests) == 1, alternates
    h1s = soup.select("h1")
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    title = normalize_spaces(soup.title.get_text()) if soup.title else ""
    assert title, "page has no title"
    # The title starts with the h1; only an error prefix ("Error: ", GOV.UK style) may precede it.
    heading = normalize_spaces(h1s[0].get_text())
    assert title.startswith(heading) or (soup.select_one(".error-summary") and heading in title)
    assert not FORBIDDEN_TITLE_WORDS.search(title), f"title is not neutral: {title}"
    ids = [el["id"] for el in soup.select("[id]")]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert all(img.get("alt") is not None for img in soup.select("img"))
    assert not soup.select("[style]"), "inline style attributes break the CSP"
    for script in soup.select("script"):
        assert script.get("src", "").startswith("/static/"), "inline or foreign script"
    for link in soup.select("link[href]:not([rel=alternate])"):
        # Only the hreflang links are absolute (and on the page's own origin, checked above).
        assert link["href"].startswith(("/", "data:")), f"another host: {link['href']}"
    for a in soup.select("a[href^='http']"):
        assert set(a.get("rel", [])) >= {"noreferrer", "noopener"}, a
    exit_link = soup.select_one("body a")
    assert exit_link is not None and exit_link.get("id") == "quick-exit", "quick exit not first"
    return soup


def assert_valid_html(text: str) -> None:
    """Fail on any HTML parse error html5lib reports, with the lines around it."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(text)
    if parser.errors:
        (line, col), code, data = parser.errors[0]
        lines = text.splitlines()
        context = "\n".join(lines[max(0, line - 4) : line + 3])
        raise AssertionError(f"HTML parse error {code} {data} at {line}:{col}:\n{context}")


def get_page(client, url: str, *, lang: str | None = None, status: int = 200) -> BeautifulSoup:
    """GET `url` and parse it with the page invariants."""
    lang = lang or url.split("/")[1]
    return parse_page(client.get(url), lang=lang, status=status)
