"""Dependency aliases used in route signatures, declared once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from starlette.templating import Jinja2Templates

from app.catalog import Catalog
from app.i18n import LANGUAGES, current_language
from app.settings import Settings
from app.templating import PageCache


# These are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread pool,
# which for a one-line attribute read costs more than the whole lookup.
async def get_settings(request: Request) -> Settings:
    """The settings this app was built with."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_catalog(request: Request) -> Catalog:
    """The catalogue loaded at start-up."""
    return request.app.state.catalog  # type: ignore[no-any-return]


async def get_engine(request: Request) -> Engine:
    """The database engine."""
    return request.app.state.engine  # type: ignore[no-any-return]


async def get_templates(request: Request) -> Jinja2Templates:
    """The Jinja templates."""
    return request.app.state.templates  # type: ignore[no-any-return]


async def get_pages(request: Request) -> PageCache:
    """The cache of pages that depend only on their language."""
    return request.app.state.pages  # type: ignore[no-any-return]


async def get_lang(lang: str) -> str:
    """The language from the URL prefix; any other prefix is a page that does not exist."""
    # async on purpose: a ContextVar set in a sync dependency would not reach the endpoint.
    if lang not in LANGUAGES:
        raise HTTPException(status_code=404)
    current_language.set(lang)
    return lang


def rate_limit(action: str) -> Any:
    """A dependency that answers 429 (in her language) once a client exceeds `action`'s limit."""

    async def check(request: Request) -> None:
        limiter = request.app.state.rate_limiter
        if limiter is None:
            return
        # The address is hashed inside the limiter and never stored or logged.
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(action, client):
            raise HTTPException(
                status_code=429, headers={"Retry-After": str(limiter.retry_after())}
            )

    return Depends(check)


SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
EngineDep = Annotated[Engine, Depends(get_engine)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
LangDep = Annotated[str, Depends(get_lang)]
PagesDep = Annotated[PageCache, Depends(get_pages)]
