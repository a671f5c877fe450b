"""The app's parts, built once at start-up, and the dependency aliases routes declare them by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from starlette.templating import Jinja2Templates

from app.catalog import Catalog
from app.i18n import LANGUAGES, current_language
from app.ratelimit import RateLimiter
from app.rights import Section
from app.settings import Settings
from app.templating import PageCache, StaticFile


@dataclass(slots=True)
class Services:
    """Everything the lifespan builds; kept in `app.state.services`, read only through here.

    Not frozen: a test swaps one part (a broken database) and the next request sees it.
    """

    settings: Settings
    catalog: Catalog
    templates: Jinja2Templates
    pages: PageCache
    static_files: dict[str, StaticFile]
    secret: bytes
    rate_limiter: RateLimiter | None
    engine: Engine
    rights: tuple[Section, ...]
    # What "open now" on a card is measured against; tests set a fixed clock.
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def services(request: Request) -> Services:
    """The app's parts, for code that has the request (middleware, error pages)."""
    parts: Services = request.app.state.services
    return parts


@dataclass(frozen=True, slots=True)
class Site:
    """A page's language with the app's parts: the one dependency page routes take."""

    lang: str
    parts: Services

    @property
    def settings(self) -> Settings:
        """The settings this app was built with."""
        return self.parts.settings

    @property
    def catalog(self) -> Catalog:
        """The catalogue loaded at start-up."""
        return self.parts.catalog

    @property
    def engine(self) -> Engine:
        """The database engine."""
        return self.parts.engine

    @property
    def templates(self) -> Jinja2Templates:
        """The Jinja templates."""
        return self.parts.templates

    @property
    def pages(self) -> PageCache:
        """The cache of pages that depend only on their language."""
        return self.parts.pages

    @property
    def secret(self) -> bytes:
        """The key for form tokens."""
        return self.parts.secret

    def now(self) -> datetime:
        """The moment a page is made, for "open now" (an aware datetime)."""
        return self.parts.clock()


# These are `async def` on purpose: FastAPI runs plain `def` dependencies in a thread pool,
# which for an attribute read costs more than the whole lookup.
async def get_catalog(request: Request) -> Catalog:
    """The catalogue loaded at start-up."""
    return services(request).catalog


async def get_engine(request: Request) -> Engine:
    """The database engine."""
    return services(request).engine


async def get_site(request: Request, lang: str) -> Site:
    """The page's language (404 for any other prefix) with the app's parts."""
    return Site(await get_lang(lang), services(request))


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
        limiter = services(request).rate_limiter
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
