"""Content pages: the language choice at /, home, safety, privacy, about, and error pages."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app import i18n
from app.deps import LangDep, SiteDep, services
from app.matching import rules as matching_rules
from app.matching.types import PROFILES

router = APIRouter(include_in_schema=False)

# Status codes with a page of their own; anything else gets the general 4xx page.
ERROR_PAGES = {400, 403, 404, 405, 413, 415, 422, 429, 500, 503}


@router.get("/")
async def root(request: Request) -> Response:
    """Send the visitor to her language, chosen from Accept-Language (302, never 301)."""
    lang = i18n.negotiate(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", status_code=302, headers={"Vary": "Accept-Language"})


@router.get("/{lang}")
async def language_root(lang: LangDep) -> Response:
    """/nl without the slash: the home page of that language."""
    return RedirectResponse(f"/{lang}/", status_code=302)


@router.get("/{lang}/")
async def home(request: Request, site: SiteDep) -> Response:
    """What the site does, how long it takes, what happens to answers, and urgent help."""
    emergency = [p for p in site.catalog.providers.values() if p.emergency]
    if request.query_params.get("deleted") == "1":
        context = {"deleted": True, "emergency": emergency}
        return site.templates.TemplateResponse(request, "pages/home.html", context)
    return site.pages.response(
        request, "pages/home.html", lambda: {"deleted": False, "emergency": emergency}
    )


@router.get("/{lang}/safety")
async def safety(request: Request, site: SiteDep) -> Response:
    """Using this site safely."""
    return site.pages.response(request, "pages/safety.html", dict)


@router.get("/{lang}/privacy")
async def privacy(request: Request, site: SiteDep) -> Response:
    """What happens to answers and what is never kept."""
    return site.pages.response(request, "pages/privacy.html", dict)


@router.get("/{lang}/rights")
async def rights(request: Request, site: SiteDep) -> Response:
    """Her rights in plain words, each statement with its source."""
    sections = site.parts.rights
    return site.pages.response(request, "pages/rights.html", lambda: {"sections": sections})


@router.get("/{lang}/about")
async def about(request: Request, site: SiteDep) -> Response:
    """What the site is and where its data comes from."""
    catalog = site.catalog
    return site.pages.response(
        request,
        "pages/about.html",
        lambda: {"provider_count": len(catalog.providers), "region_count": len(catalog.regions)},
    )


@router.get("/{lang}/professionals")
async def professionals(request: Request, site: SiteDep) -> Response:
    """For helpers: what the site does, the profiles, and the rules straight from the matcher."""
    return site.pages.response(
        request,
        "pages/professionals.html",
        lambda: {
            "rules": matching_rules.RULES,
            "profiles": PROFILES,
            "many_needs": matching_rules.MANY_NEEDS,
            "contact": site.settings.corrections_contact,
        },
    )


def error_page(
    request: Request,
    status: int,
    *,
    stale_form: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error page in the visitor's language (from the URL prefix, else the default)."""
    templates = services(request).templates
    shown = status if status in ERROR_PAGES else 400
    return templates.TemplateResponse(
        request,
        "pages/error.html",
        {"status": shown, "stale_form": stale_form},
        status_code=status,
        headers=headers,
    )


@router.get("/static/{name:path}")
async def static(request: Request, name: str) -> Response:
    """A fingerprinted asset from memory; its name changes with its content, so cache it long."""
    asset = services(request).static_files.get(name)
    if asset is None:
        raise HTTPException(status_code=404)
    return Response(
        asset.body,
        media_type=asset.media_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
