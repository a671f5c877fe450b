"""The application factory: settings, catalogue, translations, database, routes, error pages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from datetime import date

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app import db, i18n, saved_results
from app.catalog import load_catalog
from app.deps import Services
from app.ratelimit import RateLimiter
from app.rights import load_rights
from app.routes import api, card, check, directory, health, pages, results, seo
from app.security import SiteMiddleware
from app.settings import Settings
from app.templating import PageCache, build_templates, load_static

log = logging.getLogger("verder")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ASGI app; tests pass their own settings."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A bad catalogue or a missing translation stops start-up here, with a clear message.
        catalog = load_catalog(settings.data_dir)
        i18n.load_translations()
        static_urls, static_files = load_static()
        templates = build_templates(
            static_urls=static_urls,
            exit_url=settings.exit_url,
            result_days=settings.result_days,
            public_url=settings.public_url,
        )
        limits = {
            "save": settings.rate_limit_saves_per_minute,
            "open": settings.rate_limit_opens_per_minute,
        }
        parts = app.state.services = Services(
            settings=settings,
            catalog=catalog,
            templates=templates,
            pages=PageCache(templates, settings.public_url),
            static_files=static_files,
            secret=settings.secret_key.encode() or secrets.token_bytes(32),
            rate_limiter=RateLimiter(limits=limits) if settings.rate_limit_enabled else None,
            engine=db.make_engine(settings.database_url),
            rights=load_rights(settings.data_dir),
        )
        # The site must work without its database (saving says so). A database that is not
        # up yet is tried again in the background, so saving starts to work without a restart.
        tasks = [] if await _prepare_db(parts) else [asyncio.create_task(_prepare_db_later(parts))]
        await _purge_once(parts)
        tasks.append(asyncio.create_task(_purge_forever(parts, settings.purge_interval_seconds)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            parts.engine.dispose()

    app = FastAPI(
        title="Verder API",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # /th/r/ must be the same 404 as any unknown token, not a redirect to somewhere else.
        redirect_slashes=False,
    )
    app.add_middleware(
        SiteMiddleware,
        hsts_max_age=settings.hsts_max_age,
        max_body_bytes=settings.max_body_bytes,
        server_error=_server_error,
    )
    # Routes are tried in order: the questionnaire and results first, since every route tried
    # before the one that matches costs time; then health, API and robots.txt and the sitemap,
    # before the pages' /{lang}, which would otherwise catch /healthz and /robots.txt.
    for module in (check, results, card, health, api, seo, pages, directory):
        app.include_router(module.router)
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    return app


# Waits between tries to create the tables while the database is not ready: doubling from
# the first to the last, then every last seconds.
DB_RETRY_FIRST_S = 2.0
DB_RETRY_MAX_S = 60.0


async def _prepare_db(parts: Services) -> bool:
    """Create the missing tables; False, with a warning that names no detail, if that fails."""
    try:
        await run_in_threadpool(db.init_db, parts.engine)
    except Exception as exc:  # the message may hold the URL, so only the type is logged
        log.warning("database not ready: %s", type(exc).__name__)
        return False
    return True


async def _prepare_db_later(parts: Services) -> None:
    """Try to create the tables until it works, with a growing wait between tries."""
    wait = DB_RETRY_FIRST_S
    while True:
        await asyncio.sleep(wait)
        if await _prepare_db(parts):
            log.info("database ready")
            return
        wait = min(2 * wait, DB_RETRY_MAX_S)


async def _purge_once(parts: Services) -> None:
    """Remove expired results; a failure now is tried again next round."""
    try:
        removed = await run_in_threadpool(
            saved_results.delete_expired, engine=parts.engine, today=date.today()
        )
        if removed:
            log.info("purged %d expired results", removed)
    except Exception as exc:  # the database may be down; saving says so on its own
        log.warning("purge failed: %s", type(exc).__name__)


async def _purge_forever(parts: Services, interval: int) -> None:
    """Purge every `interval` seconds for as long as the app runs, unasked."""
    while True:
        await asyncio.sleep(interval)
        await _purge_once(parts)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Every 4xx as a page in the visitor's language, or as JSON for the API."""
    if _is_api(request):
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    stale = exc.detail == "stale_form"
    headers = dict(exc.headers) if exc.headers else None
    return pages.error_page(request, exc.status_code, stale_form=stale, headers=headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    """422 that names the field; an HTML page for the few non-API parameters."""
    if _is_api(request):
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)
    return pages.error_page(request, 422)


def _server_error(request: Request) -> Response:
    """A calm 500 page or JSON error; the log gets the exception's type name only."""
    if _is_api(request):
        return JSONResponse({"detail": "internal error"}, status_code=500)
    return pages.error_page(request, 500)


app = create_app()
