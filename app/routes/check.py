"""The questionnaire (GET and step posts) and the result, rendered in the POST's response."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app import overview, texts
from app.answers import Checked, check_answers
from app.catalog import Catalog
from app.deps import Site, SiteDep
from app.forms import read_form, single
from app.matching.types import NEEDS
from app.templating import hidden_fields

router = APIRouter(include_in_schema=False)
STEP_NUMBERS = {str(s.number): s for s in texts.STEPS}


@router.get("/{lang}/check")
async def questionnaire(request: Request, site: SiteDep) -> Response:
    """The first step of the questionnaire, empty: the same for everyone, so rendered once."""
    return site.pages.response(
        request, "pages/check/step.html", lambda: step_context(site.catalog, Checked(), 1)
    )


@router.post("/{lang}/check")
async def submit(request: Request, site: SiteDep) -> Response:
    """Move between steps (`step` field), or show the result when there is no `step`."""
    pairs = await read_form(request)
    step = single(pairs, "step")
    if step is not None and step not in STEP_NUMBERS:
        raise HTTPException(status_code=422)
    up = single(pairs, "up")  # "move this need up" in her own order, on the result page
    if up is not None and up not in NEEDS:
        raise HTTPException(status_code=422)
    checked = check_answers(
        pairs,
        resolve_place=site.catalog.resolve_municipality,
        allow_skip=True,
        extra_fields=frozenset({"step", "up"}),
    )
    if not checked.ok:
        first = next((f for f in checked.errors if f in texts.STEP_OF), None)
        number = texts.STEP_OF[first] if first else int(step or 1)
        return render_step(request, site, checked, number, status_code=422)
    if step is not None:
        return render_step(request, site, checked, int(step))
    return render_result(request, site, checked.with_moved_up(up) if up else checked)


def render_step(
    request: Request, site: Site, checked: Checked, number: int, status_code: int = 200
) -> Response:
    """One step of the form; answers of the other steps ride along as hidden fields."""
    return site.templates.TemplateResponse(
        request,
        "pages/check/step.html",
        step_context(site.catalog, checked, number),
        status_code=status_code,
    )


def step_context(catalog: Catalog, checked: Checked, number: int) -> dict[str, Any]:
    """What the step template needs: the step, her answers so far, errors, hidden fields."""
    step = texts.STEPS[number - 1]
    on_page = {q.id for q in step.questions}
    return {
        "step": step,
        "steps": texts.STEPS,
        "values": checked.values,
        "errors": checked.errors,
        "hidden": [(k, v) for k, v in checked.pairs() if k not in on_page],
        "carry_fields": hidden_fields([*checked.pairs(), ("step", str(number))]),
        "provinces": catalog.provinces(),
    }


def render_result(request: Request, site: Site, checked: Checked) -> Response:
    """The result page: profile, reasons, urgent help, start here, options per need."""
    view = overview.build(catalog=site.catalog, checked=checked, now=site.now())
    context = overview.page_context(view, checked=checked, secret=site.secret)
    return site.templates.TemplateResponse(request, "pages/check/result.html", context)
