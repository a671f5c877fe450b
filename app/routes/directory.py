"""The directory of help and the coverage matrix, for helpers and policy makers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app import directory
from app.catalog import Catalog
from app.deps import SiteDep
from app.forms import read_form, single
from app.i18n import current_language
from app.matching.types import GROUPS, NEEDS

router = APIRouter(include_in_schema=False)


def _region_names(catalog: Catalog) -> dict[str, str]:
    lang = current_language.get()
    return {r.id: r.name.get(lang) for r in catalog.regions.values()}


def _directory_context(catalog: Catalog, filters: directory.Filters) -> dict[str, Any]:
    return {
        "filters": filters,
        "grouped": directory.list_providers(catalog, filters),
        "desks": directory.municipal_desks(catalog, filters),
        "regions": list(catalog.regions.values()),
        "region_names": _region_names(catalog),
    }


@router.get("/{lang}/directory")
async def directory_page(request: Request, site: SiteDep) -> Response:
    """National help, and a choice of region for the help there."""
    return site.pages.response(
        request,
        "pages/directory.html",
        lambda: _directory_context(site.catalog, directory.Filters(national_only=True)),
    )


@router.post("/{lang}/directory")
async def directory_filtered(request: Request, site: SiteDep) -> Response:
    """The directory narrowed by region, need and group; by POST, so no choice enters a URL."""
    catalog = site.catalog
    pairs = await read_form(request)
    if {name for name, _ in pairs} - {"region", "need", "group"}:
        raise HTTPException(status_code=422)
    region, need, group = (single(pairs, name) or None for name in ("region", "need", "group"))
    if (
        (region is not None and region not in catalog.regions)
        or (need is not None and need not in NEEDS)
        or (group is not None and group not in GROUPS)
    ):
        raise HTTPException(status_code=422)
    filters = directory.Filters(region=region, need=need, group=group)
    context = _directory_context(catalog, filters)
    return site.templates.TemplateResponse(request, "pages/directory.html", context)


@router.get("/{lang}/coverage")
async def coverage_page(request: Request, site: SiteDep) -> Response:
    """The region x need and region x group matrices, gaps marked in colour and words."""
    catalog = site.catalog
    return site.pages.response(
        request,
        "pages/coverage.html",
        lambda: {
            "rows": directory.coverage(catalog),
            "needs": NEEDS,
            "groups": GROUPS,
            "region_names": _region_names(catalog),
            "unverified": {r.id for r in catalog.regions.values() if not r.verified},
        },
    )
