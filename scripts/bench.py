"""`make bench`: one worker's throughput and latency, next to a bare-FastAPI and an nginx ceiling.

Starts the site (one uvicorn worker, SQLite, as `make run` does) on a free loopback port and
drives it with wrk: the questionnaire page, the result POST, saving a result and opening a
saved one. py-spy (installed into the venv for the benchmark only) samples the worker while
wrk drives the questionnaire, the result and the opening. Then the same questionnaire bytes
are served by a bare FastAPI endpoint and by nginx, the two ceilings. Writes
var/bench/bench.json; scripts/bench_report.py turns it into docs/performance.md.

Only 127.0.0.1 is loaded, every run is bounded in time, and every process started here is
stopped when the script ends, also on an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import bench_common as bc

BARE_APP = """\
# The bare ceiling: the questionnaire's bytes, pre-rendered, from one FastAPI endpoint.
from pathlib import Path
from fastapi import FastAPI
from fastapi.responses import Response

BODY = Path(__file__).with_name("check.html").read_bytes()
app = FastAPI()


@app.get("/nl/check")
async def questionnaire() -> Response:
    return Response(BODY, media_type="text/html; charset=utf-8")
"""
# The static ceiling: nginx, one worker, serving the questionnaire's bytes as a file.
NGINX_CONF = """\
worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{ listen 127.0.0.1:{port}; root {d}/www;
    location = /nl/check {{ default_type "text/html; charset=utf-8"; }} }} }}
"""
# Frames that mean "waiting", not working: idle thread-pool workers and the event loop's select.
IDLE_LEAVES = (
    ".wait (threading.py",
    ".get (queue.py",
    ".select (selectors.py",
    "poll (selectors.py",
)


def main() -> None:
    """Measure, profile, write var/bench/bench.json (a missed target is a figure, not a crash)."""
    parser = bc.options(__doc__)
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    args = parser.parse_args()
    opts = bc.wrk_opts(args)
    bc.need_debian({"wrk": "wrk", bc.NGINX: "nginx"})
    if not args.no_profile:
        bc.need_pip("py-spy", "py-spy")
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="verder-bench-") as name, contextlib.ExitStack() as st:
        tmp, port = Path(name), bc.free_port()
        base = f"http://127.0.0.1:{port}"
        site = bc.spawn(
            st, "site", bc.uvicorn_argv(port), tmp, env=bc.site_env(f"sqlite:///{tmp}/v.db")
        )
        bc.log(f"site up on port {port} in {site.wait_http(base + '/healthz'):.2f} s")
        page = bc.check("GET /nl/check", bc.http(base + "/nl/check"), 200, problems)[2]
        for body in bc.BODIES:
            bc.check("POST /nl/check", bc.http(base + "/nl/check", body, bc.FORM), 200, problems)
        tokens = bc.save_tokens(base, problems)
        bc.check("GET /nl/r/{token}", bc.http(f"{base}/nl/r/{tokens[0]}"), 200, problems)
        memory = {"idle": bc.rss_mb(site.pid)[0]}
        bc.log("measuring the four cases")
        cases = bc.measure_cases(base, tokens, tmp, pids=[site.pid], **opts)
        profiles = {}
        if not args.no_profile:
            for key in ("questionnaire", "result", "open"):
                profiles[key] = profile(base, site.pid, bc.loads(tokens)[key], tmp, args.quick)
        bc.wait_idle([site.pid])
        memory["loaded"], memory["peak"] = bc.rss_mb(site.pid)
        site.stop()
        problems += failed_answers(site.log_path)
        bc.log("measuring the bare FastAPI and the nginx ceilings")
        cases["bare"] = ceiling(st, tmp, page, opts, "bare")
        cases["nginx"] = ceiling(st, tmp, page, opts, "nginx")
    data = {"opts": opts, "page_bytes": len(page), "cases": cases, "memory": memory}
    bc.write_json("bench", {**data, "problems": problems, "profiles": profiles}, args.quick)


def failed_answers(log_path: Path) -> list[str]:
    """4xx and 5xx answers in the site's own access log (one line per request, no addresses)."""
    counts: Counter[str] = Counter()
    for line in log_path.read_text(errors="replace").splitlines():
        _, found, rest = line.partition(" verder.access ")
        words = rest.split()
        if found and len(words) >= 3 and words[2].isdigit() and int(words[2]) >= 400:
            counts[" ".join(words[:3])] += 1
    return [f"the site answered {k} {n} time(s)" for k, n in sorted(counts.items())]


def ceiling(stack: Any, tmp: Path, page: bytes, opts: dict[str, int], kind: str) -> dict[str, Any]:
    """wrk on a ceiling's /nl/check, once it serves exactly the questionnaire's bytes."""
    folder, port = tmp / kind, bc.free_port()
    (folder / "www" / "nl").mkdir(parents=True)
    if kind == "bare":  # the same uvicorn set-up as the site's: the ratio compares the app alone
        (folder / "check.html").write_bytes(page)
        (folder / "bare_app.py").write_text(BARE_APP)
        argv = bc.uvicorn_argv(port, app="bare_app:app")
    else:  # nginx's workers run as 'nobody' when started by root: they must read the file
        for path in (tmp, folder, folder / "www", folder / "www" / "nl"):
            path.chmod(0o755)
        (folder / "www" / "nl" / "check").write_bytes(page)
        (folder / "nginx.conf").write_text(NGINX_CONF.format(d=folder, port=port))
        argv = [bc.NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    server = bc.spawn(stack, kind, argv, tmp, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    server.wait_http(base + "/nl/check")
    if bc.http(base + "/nl/check")[2] != page:
        raise RuntimeError(f"{kind} does not serve the questionnaire's bytes")
    result = bc.run_wrk(base, [("/nl/check", "")], tmp, pids=[server.pid], **opts)
    server.stop()
    return result


def profile(base: str, pid: int, load: tuple[Any, Any], tmp: Path, quick: bool) -> dict[str, Any]:
    """py-spy on the worker for 6 s (2 with --quick) while wrk drives (requests, headers)."""
    requests, headers = load
    seconds, raw = 2 if quick else 6, tmp / f"profile-{time.monotonic_ns()}.txt"
    bc.log(f"profiling {requests[0][0]} with py-spy for {seconds} s")
    spy = [str(bc.BIN / "py-spy"), "record", "--pid", str(pid), "--duration", str(seconds)]
    spy += ["--rate", "100", "--format", "raw", "--output", str(raw)]
    bc.wait_idle([pid])
    # py-spy starts 1.5 s into the load and stops before it ends.
    sampler = threading.Timer(1.5, subprocess.run, [spy], {"check": True, "capture_output": True})
    sampler.start()
    method = "POST" if headers else "GET"
    bc.run_wrk(base, requests, tmp, method=method, headers=headers, seconds=seconds + 3, warmup=0)
    sampler.join()
    return summarise(raw.read_text())


def frame_name(frame: str) -> str:
    """'func (path/to/file.py:123)' -> 'func (file.py)'; line numbers split one function."""
    func, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3.11/"):
        where = where.split(marker)[-1]
    return f"{func} ({where.replace(str(bc.ROOT) + '/', '')})"


def summarise(raw: str, top: int = 14) -> dict[str, Any]:
    """Inclusive and self shares (%) of the busy samples, for the hottest functions."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        names = [frame_name(f) for f in stack.split(";")]
        if stack and count.isdigit() and not any(idle in names[-1] for idle in IDLE_LEAVES):
            own[names[-1]] += int(count)
            inclusive.update(dict.fromkeys(names, int(count)))
    busy = sum(own.values())
    keys = ("app/", ".html", "render", "jinja2", "h11", "httptools")
    hot = [(f, n) for f, n in inclusive.most_common() if any(k in f for k in keys)][:top]
    return {
        "busy": busy,
        "inclusive": [(100 * n / busy, f) for f, n in hot],
        "self": [(100 * n / busy, f) for f, n in own.most_common(top)],
    }


if __name__ == "__main__":
    main()
