"""Where one request's time goes, in-process: pyinstrument over the app's ASGI callable.

`make bench` samples the running server with py-spy (uvicorn, the HTTP parser and all); this
tool calls the app directly, without a socket, so the app's own cost is measured alone and
can be compared before and after a change:

    .venv/bin/python scripts/bench_profile.py                 # all cases, times only
    .venv/bin/python scripts/bench_profile.py result --tree   # pyinstrument's call tree too

Cases: questionnaire (GET /nl/check), result (POST /nl/check), open (GET /nl/r/{token}).
Saving is left out: its cost is the database write in a worker thread, which the py-spy
profile and `make bench` show. pyinstrument is installed into the venv if missing (for the
benchmark only, never a project dependency).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_common import ANSWER_SETS, ensure_pip_package, urlencode


class Driver:
    """Calls an ASGI app in-process, the way uvicorn would, one request at a time."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        raw += [(b"host", b"127.0.0.1:8000"), (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": self.state,
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 0
        out_headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers.update({k.decode(): v.decode() for k, v in message["headers"]})
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, out_headers, b"".join(chunks)

    async def start(self) -> None:
        """Run the lifespan's start-up (catalogue, translations, database)."""
        self.state: dict[str, Any] = {}
        self._startup = asyncio.Event()
        self._shutdown = asyncio.Event()
        self._done = asyncio.Event()
        messages = asyncio.Queue()  # type: ignore[var-annotated]
        await messages.put({"type": "lifespan.startup"})
        self._messages = messages

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "lifespan.startup.complete":
                self._startup.set()
            elif message["type"] == "lifespan.startup.failed":
                raise RuntimeError(message.get("message"))

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        self._task = asyncio.create_task(self.app(scope, messages.get, send))
        await asyncio.wait_for(self._startup.wait(), 60)

    async def stop(self) -> None:
        """Run the lifespan's shutdown."""
        await self._messages.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self._task, 10)


async def run(args: argparse.Namespace) -> None:
    tmp = tempfile.mkdtemp(prefix="verder-profile-")
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/verder.db",
            "VERDER_SECRET_KEY": secrets.token_urlsafe(32),
            "VERDER_HSTS_MAX_AGE": "0",
            "RATE_LIMIT_ENABLED": "false",
        }
    )
    from app.main import create_app

    driver = Driver(create_app())
    await driver.start()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    bodies = [urlencode(a).encode() for a in ANSWER_SETS]
    status, headers, _ = await driver.request(
        "POST", "/nl/r", bodies[0], {**form, "Sec-Fetch-Site": "same-origin"}
    )
    assert status == 303, status
    token_path = headers["location"]
    cases = {
        "questionnaire": [("GET", "/nl/check", b"", {})],
        "result": [("POST", "/nl/check", b, form) for b in bodies],
        "open": [("GET", token_path, b"", {})],
    }
    wanted = args.cases or list(cases)
    for name in wanted:
        requests = cases[name]
        for method, path, body, hdrs in requests * 5:  # warm-up
            status, _, _ = await asyncio.wait_for(driver.request(method, path, body, hdrs), 30)
            assert status == 200, (name, status)
        samples = []
        cpu = []
        profiler = None
        if args.tree:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        for i in range(args.n):
            method, path, body, hdrs = requests[i % len(requests)]
            t0, c0 = time.perf_counter(), time.process_time()
            await driver.request(method, path, body, hdrs)
            samples.append((time.perf_counter() - t0) * 1000)
            # Process CPU (worker threads included): steadier than wall time on a busy machine.
            cpu.append((time.process_time() - c0) * 1000)
        if profiler is not None:
            profiler.stop()
        print(
            f"{name:14s} median {statistics.median(samples):6.2f} ms   "
            f"mean {statistics.fmean(samples):6.2f} ms   "
            f"CPU median {statistics.median(cpu):6.2f} ms mean {statistics.fmean(cpu):6.2f} ms   "
            f"({args.n} requests, in-process)"
        )
        if profiler is not None:
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    await driver.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", choices=["questionnaire", "result", "open", []])
    parser.add_argument("-n", type=int, default=300, help="requests per case")
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    args = parser.parse_args()
    if args.tree:
        ensure_pip_package("pyinstrument", "pyinstrument")
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
