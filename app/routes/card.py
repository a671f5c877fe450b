"""The pocket card of a result: posted with her answers, or from a saved result's link."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app import overview, pocket, saved_results
from app.answers import Checked, check_answers
from app.deps import Site, SiteDep, rate_limit
from app.forms import read_form
from app.i18n import LANGUAGES
from app.templating import hidden_fields

router = APIRouter(include_in_schema=False)


@router.post("/{lang}/card")
async def card_from_answers(request: Request, site: SiteDep) -> Response:
    """The card for the answers posted from a result page: by POST, so none enter a URL."""
    pairs = await read_form(request)
    checked = check_answers(pairs, resolve_place=site.catalog.resolve_municipality)
    if not checked.ok:
        raise HTTPException(status_code=422)
    return _card(request, site, checked, token=None)


@router.get("/{lang}/r/{token}/card", dependencies=[rate_limit("open")])
async def card_from_saved(request: Request, site: SiteDep, token: str) -> Response:
    """The card of a saved result, in this page's language."""
    saved = await saved_results.read(engine=site.engine, token=token, today=date.today())
    if saved is None:
        raise HTTPException(status_code=404)
    checked = check_answers(saved.pairs(), resolve_place=site.catalog.resolve_municipality)
    return _card(request, site, checked, token=token)


def _card(request: Request, site: Site, checked: Checked, *, token: str | None) -> Response:
    """The card page; a saved result's links go back to it, posted answers ride along."""
    view = overview.build(catalog=site.catalog, checked=checked, now=site.now())
    context = {
        "lines": pocket.card_lines(view),
        "back": f"/{site.lang}/r/{token}" if token else None,
        "links": [(code, f"/{code}/r/{token}/card") for code in LANGUAGES] if token else None,
        "carry_fields": "" if token else hidden_fields(checked.pairs()),
    }
    return site.templates.TemplateResponse(request, "pages/card.html", context)
