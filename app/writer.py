"""One writer thread that commits every waiting save in one transaction (group commit)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert

from app.models import SavedResult
from app.saved_results import StoreUnavailable

log = logging.getLogger("verder")

_INSERT = insert(SavedResult.__table__)  # type: ignore[arg-type]


@dataclass(slots=True)
class _Save:
    """One row waiting to be written, and the future its request awaits."""

    engine: Engine
    row: dict[str, Any]
    future: asyncio.Future[None]


class _Stop:
    """Marks the end of the queue: everything before it is written, then the thread ends."""


class SaveWriter:
    """Writes saves in batches from one thread; a save is answered only after its commit.

    With synchronous=FULL one commit costs one fsync, so one transaction per waiting batch
    instead of one per save lifts the rate a SQLite file can take, and only this thread ever
    waits for SQLite's write lock (other instances' writers are handled by the busy timeout).
    """

    def __init__(self, *, max_batch: int = 256, stop_timeout: float = 10.0) -> None:
        self.max_batch = max_batch
        self.stop_timeout = stop_timeout
        self._queue: queue.SimpleQueue[_Save | _Stop] = queue.SimpleQueue()
        self._pending: set[asyncio.Future[None]] = set()
        self._closed = True
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._finished: asyncio.Future[None] | None = None

    def start(self) -> None:
        """Start the thread; call from the event loop the saves will come from."""
        self._loop = asyncio.get_running_loop()
        self._finished = self._loop.create_future()
        # A daemon thread: a database that hangs must not keep the process from exiting
        # (stop() has already failed every save that was still waiting by then).
        self._thread = threading.Thread(target=self._run, name="verder-writer", daemon=True)
        self._closed = False
        self._thread.start()

    @property
    def running(self) -> bool:
        """Whether the writer thread is alive (it ends after stop(), or never started)."""
        return self._thread is not None and self._thread.is_alive()

    async def save(self, engine: Engine, row: dict[str, Any]) -> None:
        """Write one row durably; raise StoreUnavailable if it was not (or may not be) written."""
        if self._closed or self._loop is None:
            raise StoreUnavailable("writer stopped")
        future: asyncio.Future[None] = self._loop.create_future()
        self._pending.add(future)
        try:
            self._queue.put(_Save(engine, row, future))
            await future
        finally:
            self._pending.discard(future)

    async def stop(self) -> None:
        """Refuse new saves, write every save already waiting, then end the thread."""
        if self._closed or self._finished is None:
            return
        self._closed = True
        # save() checks _closed and enqueues on this same loop, so every save is ahead of this.
        self._queue.put(_Stop())
        try:
            await asyncio.wait_for(asyncio.shield(self._finished), self.stop_timeout)
        except TimeoutError:
            log.warning("writer did not finish in %g s; waiting saves fail", self.stop_timeout)
        # Whatever is still unanswered was not confirmed as written: say so, never lose silently.
        for future in list(self._pending):
            _fail(future, "writer stopped")

    def _run(self) -> None:
        """The thread: take every waiting save (up to max_batch), write them, answer them."""
        stopping = False
        while not stopping:
            batch: list[_Save] = []
            item = self._queue.get()
            while True:
                if isinstance(item, _Stop):
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= self.max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._write(batch)
        self._call(_finish, self._finished)

    def _write(self, batch: Sequence[_Save]) -> None:
        """Insert the batch, one transaction per engine, and answer each save after it."""
        by_engine: dict[Engine, list[_Save]] = {}
        for s in batch:
            # A save whose request is gone (or that stop() gave up on) needs no writing.
            if not s.future.done():
                by_engine.setdefault(s.engine, []).append(s)
        for engine, saves in by_engine.items():
            error = None
            try:
                # A pooled connection per batch: the pool re-checks PostgreSQL connections
                # (pre-ping) and drops broken ones, so saves work again once the database does.
                with engine.begin() as conn:
                    conn.execute(_INSERT, [s.row for s in saves])
            except BaseException as exc:  # any failure: not saved, and the thread goes on
                log.warning("saving %d results failed: %s", len(saves), type(exc).__name__)
                error = type(exc).__name__
            # One hand-over to the event loop for the whole batch.
            self._call(_resolve, [s.future for s in saves], error)

    def _call(self, callback: Any, *args: Any) -> None:
        """Run `callback` on the event loop, from this thread."""
        assert self._loop is not None
        # A closed loop means stop() has already failed these saves.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(callback, *args)


def _resolve(futures: list[asyncio.Future[None]], error: str | None) -> None:
    """Answer each waiting save: written, or StoreUnavailable."""
    for future in futures:
        if error is None:
            if not future.done():
                future.set_result(None)
        else:
            _fail(future, error)


def _fail(future: asyncio.Future[None], reason: str) -> None:
    # One exception per future: a shared instance would collect every awaiter's traceback.
    if not future.done():
        future.set_exception(StoreUnavailable(reason))


def _finish(finished: asyncio.Future[None] | None) -> None:
    if finished is not None and not finished.done():
        finished.set_result(None)
