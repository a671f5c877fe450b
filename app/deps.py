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
async def get_catalog(request: Request) -> Catalog:
    """The catalogue loaded at start-up."""
    return request.app.state.catalog  # type: ignore[no-any-return]


async def get_engine(request: Request) -> Engine:
    """The database engine."""
    return request.app.state.engine  # type: ignore[no-any-return]


class Site:
    """A page's language and the app's parts, as one dependency.

    FastAPI's cost is per dependency (~20 us each): page routes, which need the language and
    three or four of the app's parts, take this one instead. The parts are read from the app's
    state when used, so a test that swaps one (a broken database) is seen at once.
    """

    __slots__ = ("_state", "lang")

    def __init__(self, state: Any, lang: str) -> None:
        self._state = state
        self.lang = lang

    @property
    def settings(self) -> Settings:
        """The settings this app was built with."""
        return self._state.settings  # type: ignore[no-any-return]

    @property
    def catalog(self) -> Catalog:
        """The catalogue loaded at start-up."""
        return self._state.catalog  # type: ignore[no-any-return]

    @property
    def engine(self) -> Engine:
        """The database engine."""
        return self._state.engine  # type: ignore[no-any-return]

    @property
    def templates(self) -> Jinja2Templates:
        """The Jinja templates."""
        return self._state.templates  # type: ignore[no-any-return]

    @property
    def pages(self) -> PageCache:
        """The cache of pages that depend only on their language."""
        return self._state.pages  # type: ignore[no-any-return]


async def get_site(request: Request, lang: str) -> Site:
    """The page's language (404 for any other prefix) with the app's parts."""
    return Site(request.app.state, await get_lang(lang))


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


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
EngineDep = Annotated[Engine, Depends(get_engine)]
LangDep = Annotated[str, Depends(get_lang)]
SiteDep = Annotated[Site, Depends(get_site)]
