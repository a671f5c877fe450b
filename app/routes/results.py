"""Saving a result (opt-in), the saved-result page, and deleting it."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app import overview, saved_results
from app.answers import Checked, check_answers
from app.deps import Site, SiteDep, rate_limit
from app.forms import read_form, single
from app.security import csrf_verdict
from app.templating import origin

router = APIRouter(include_in_schema=False)


def _check_origin(request: Request, site: Site, pairs: list[tuple[str, str]], purpose: str) -> None:
    verdict = csrf_verdict(
        request.headers,
        single(pairs, "form_token"),
        secret=site.secret,
        purpose=purpose,
    )
    if verdict == "cross_site":
        raise HTTPException(status_code=403)
    if verdict == "stale":
        raise HTTPException(status_code=400, detail="stale_form")


@router.post("/{lang}/r", dependencies=[rate_limit("save")])
async def save(request: Request, site: SiteDep) -> Response:
    """Store the posted answers under a new token and go to the saved result's page."""
    lang, catalog = site.lang, site.catalog
    pairs = await read_form(request)
    _check_origin(request, site, pairs, "save")
    checked = check_answers(
        pairs,
        resolve_place=catalog.resolve_municipality,
        extra_fields=frozenset({"form_token"}),
    )
    if not checked.ok:
        raise HTTPException(status_code=422)
    try:
        # Committed before the 303 goes out: the link she gets always opens.
        sealed = await run_in_threadpool(
            saved_results.create,
            engine=site.engine,
            answers=checked.values,
            lang=lang,
            today=date.today(),
            days=site.settings.result_days,
        )
    except saved_results.StoreUnavailable:
        # Say honestly that nothing was saved, and keep her result on the screen.
        return _page(request, site, checked, save_failed=True, status_code=503)
    return RedirectResponse(f"/{lang}/r/{sealed.token}", status_code=303)


@router.get("/{lang}/r/{token}", dependencies=[rate_limit("open")])
async def show(request: Request, site: SiteDep, token: str) -> Response:
    """The saved result in this page's language, with its link, expiry and delete button."""
    lang, catalog = site.lang, site.catalog
    saved = await saved_results.read(engine=site.engine, token=token, today=date.today())
    if saved is None:
        raise HTTPException(status_code=404)
    checked = check_answers(saved.pairs(), resolve_place=catalog.resolve_municipality)
    base = origin(request.scope, site.settings.public_url)
    info = overview.saved_info(base_url=base, lang=lang, token=token, saved=saved)
    return _page(request, site, checked, saved=info)


def _page(
    request: Request,
    site: Site,
    checked: Checked,
    *,
    saved: overview.SavedInfo | None = None,
    save_failed: bool = False,
    status_code: int = 200,
) -> Response:
    """Her result: saved (with its link and QR code), or not saved after a failure."""
    view = overview.build(catalog=site.catalog, checked=checked, now=site.now())
    context = overview.page_context(
        view, checked=checked, secret=site.secret, saved=saved, save_failed=save_failed
    )
    return site.templates.TemplateResponse(
        request, "pages/check/result.html", context, status_code=status_code
    )


@router.post("/{lang}/r/{token}/delete")
async def remove(request: Request, site: SiteDep, token: str) -> Response:
    """Delete the saved result now, then confirm on the home page or leave the site."""
    pairs = await read_form(request)
    _check_origin(request, site, pairs, "delete")
    await run_in_threadpool(saved_results.delete_one, engine=site.engine, token=token)
    cleared = {"Clear-Site-Data": '"cache", "storage"'}
    if single(pairs, "then") == "leave":
        # The CSP's form-action 'self' stops a form's redirect to another site, so this page
        # leaves by meta refresh (which no JavaScript needs), with a plain link as fallback.
        return site.templates.TemplateResponse(request, "pages/leave.html", {}, headers=cleared)
    return RedirectResponse(f"/{site.lang}/?deleted=1", status_code=303, headers=cleared)
