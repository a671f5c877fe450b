"""Run a coroutine to the end from a synchronous test, whatever loop the test's thread has."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own, with a fresh event loop.

    Playwright's sync API (the browser tests) keeps an event loop running in the main thread
    for the whole session, and asyncio.run refuses to start beside a running loop.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
