"""Health check for load balancers and the container."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from app.deps import CatalogDep, EngineDep

router = APIRouter()


@router.get("/healthz")
async def healthz(catalog: CatalogDep, engine: EngineDep) -> JSONResponse:
    """200 when the catalogue is loaded and the database answers, else 503."""

    def ping() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(ping)
    except Exception:  # any database failure: not healthy
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "catalog": catalog.version})
