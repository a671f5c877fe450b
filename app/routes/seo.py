"""What search engines read: robots.txt and a sitemap of the public pages in every language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from markupsafe import escape

from app import i18n
from app.deps import services
from app.templating import origin

router = APIRouter(include_in_schema=False)

# The pages anyone may find through a search engine, by their path after /{lang}/. Results,
# the questionnaire, the pocket card and every POST stay out (and say noindex themselves).
PUBLIC_PAGES = (
    "",
    "safety",
    "privacy",
    "rights",
    "about",
    "professionals",
    "directory",
    "coverage",
)


@router.get("/robots.txt", response_class=PlainTextResponse)
async def robots(request: Request) -> str:
    """Allow the public pages; keep saved results, answers and the API out of search engines."""
    closed = [f"/{lang}/{part}" for lang in i18n.LANGUAGES for part in ("r/", "check", "card")]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ["/api/", *closed]), "Allow: /"]
    base = origin(request.scope, services(request).settings.public_url)
    return "\n".join([*lines, "", f"Sitemap: {base}/sitemap.xml", ""])


@router.get("/sitemap.xml")
async def sitemap(request: Request) -> Response:
    """Every public page in every language, each with its alternates (hreflang)."""
    base = escape(origin(request.scope, services(request).settings.public_url))
    entries = []
    for page in PUBLIC_PAGES:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{base}/{code}/{page}"/>'
            for code in i18n.LANGUAGES
        )
        alternates += f'<xhtml:link rel="alternate" hreflang="x-default" href="{base}/"/>'
        entries += [
            f"<url><loc>{base}/{lang}/{page}</loc>{alternates}</url>" for lang in i18n.LANGUAGES
        ]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n"
    )
    return Response(body, media_type="application/xml")
