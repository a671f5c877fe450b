"""Where one request's time goes, in-process: the app's ASGI callable without a socket.

`make bench` samples the running server with py-spy (uvicorn, the HTTP parser and all); this
calls the app directly, so the app's own cost is measured alone and can be compared before and
after a change. Writes var/bench/profile.json (the report's in-process table).

    .venv/bin/python scripts/bench_profile.py                 # all cases, times only
    .venv/bin/python scripts/bench_profile.py result --tree   # pyinstrument's call tree too

Cases: questionnaire (GET /nl/check), result (POST /nl/check), open (GET /nl/r/{token}).
Saving is left out: its cost is the database write, which `make bench` shows. pyinstrument is
installed into the venv if missing (for the benchmark only, never a project dependency).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from typing import Any

import bench_common as bc


async def request(app: Any, method: str, path: str, body: str, headers: dict[str, str]) -> Any:
    """One request through the ASGI app, as uvicorn would make it: (status, headers)."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw += [(b"host", b"127.0.0.1:8000"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method}
    scope |= {"scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b""}
    scope |= {"root_path": "", "headers": raw, "state": {}, "client": ("127.0.0.1", 50000)}
    messages = [{"type": "http.request", "body": body.encode(), "more_body": False}]
    answer: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else await asyncio.sleep(3600)

    async def send(message: dict[str, Any]) -> None:
        answer.setdefault("status", message.get("status"))
        answer.update({k.decode(): v.decode() for k, v in message.get("headers", [])})

    await app(scope | {"server": ("127.0.0.1", 8000)}, receive, send)
    return answer.pop("status"), answer


async def run(cases: list[str], n: int, tree: bool) -> dict[str, Any]:
    """Time `n` requests per case (after 5 rounds of warm-up); print and return the figures."""
    tmp = tempfile.mkdtemp(prefix="verder-profile-")
    os.environ.update(bc.site_env(f"sqlite:///{tmp}/verder.db"))
    from app.main import create_app

    app, out = create_app(), {}
    async with app.router.lifespan_context(app):
        status, saved = await request(app, "POST", "/nl/r", bc.BODIES[0], bc.SAME_ORIGIN)
        assert status == 303, status
        loads = bc.loads([saved["location"].rsplit("/", 1)[1]])
        for name in cases:
            (paths, headers), method = loads[name], "POST" if loads[name][1] else "GET"
            for path, body in paths * 5:
                status, _ = await asyncio.wait_for(request(app, method, path, body, headers), 30)
                assert status == 200, (name, status)
            profiler = None
            if tree:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005, async_mode="disabled")
                profiler.start()
            wall, cpu = [], []
            for i in range(n):
                t0, c0 = time.perf_counter(), time.process_time()
                await request(app, method, *paths[i % len(paths)], headers)
                wall.append((time.perf_counter() - t0) * 1000)
                # Process CPU (worker threads included): steadier than wall time on a busy machine.
                cpu.append((time.process_time() - c0) * 1000)
            out[name] = {"n": n, "median": statistics.median(wall), "mean": statistics.fmean(wall)}
            out[name] |= {"cpu_median": statistics.median(cpu), "cpu_mean": statistics.fmean(cpu)}
            print(f"{name:14s} " + "  ".join(f"{k} {v:.2f}" for k, v in out[name].items()))
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
    return out


def main() -> None:
    """Parse the options, run, write var/bench/profile.json."""
    parser = bc.options(__doc__, wrk=False)
    parser.add_argument("cases", nargs="*", choices=["questionnaire", "result", "open", []])
    parser.add_argument("-n", type=int, default=300, help="requests per case")
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    args = parser.parse_args()
    if args.tree:
        bc.need_pip("pyinstrument", "pyinstrument")
    cases = args.cases or ["questionnaire", "result", "open"]
    out = asyncio.run(run(cases, 50 if args.quick else args.n, args.tree))
    bc.write_json("profile", {"cases": out}, args.quick)


if __name__ == "__main__":
    main()
