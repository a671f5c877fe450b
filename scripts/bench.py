"""`make bench`: the site's throughput and latency on one worker, next to two ceilings.

Starts the site (one uvicorn worker, SQLite, as `make run` does) on a free loopback port and
drives it with wrk at 64 connections: the questionnaire page, the result POST, saving a result
and opening a saved one. Then it serves the same questionnaire bytes from a bare FastAPI
endpoint and from nginx, the two ceilings, and prints every figure also as a share of them.
It profiles the questionnaire GET and the result POST with py-spy (installed into the venv for
the benchmark only) and finishes with the catalogue-scale benchmark (scripts/bench_matching.py).
Results go to docs/performance.md, between markers, with the machine they were measured on.

Only 127.0.0.1 is ever loaded, every run is bounded in time, and every process started here is
stopped when the script ends, also on an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import (
    ANSWER_SETS,
    BIN,
    FORM,
    PERFORMANCE_MD,
    ROOT,
    SAFETY_HEADERS,
    SAME_ORIGIN,
    Service,
    WrkResult,
    ensure_debian_packages,
    ensure_pip_package,
    fmt_rate,
    free_port,
    http,
    log,
    machine,
    machine_markdown,
    measure_cases,
    nginx_binary,
    rss_mb,
    run_wrk,
    services,
    site_env,
    temp_dir,
    update_section,
    urlencode,
    uvicorn_argv,
    wait_http,
    wait_idle,
)

# The targets of issue 6, on this machine, one worker, 64 connections.
QUESTIONNAIRE_SHARE_OF_BARE = 0.75
RESULT_POST_RPS = 1000
OPEN_RPS = 1000
SAVE_RPS = 300
GET_P99_MS = 50.0

BARE_APP = '''\
"""The bare ceiling: the questionnaire's bytes, pre-rendered, from one FastAPI endpoint."""
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

BODY = Path(__file__).with_name("check.html").read_bytes()
app = FastAPI()


@app.get("/nl/check")
async def questionnaire() -> Response:
    return Response(BODY, media_type="text/html; charset=utf-8")
'''

NGINX_CONF = """\
# The static ceiling: nginx, one worker, serving the questionnaire's bytes as a file.
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        location = /nl/check {{ default_type "text/html; charset=utf-8"; }}
    }}
}}
"""


@dataclass(frozen=True)
class Case:
    """One measured endpoint."""

    key: str
    label: str
    result: WrkResult
    is_get: bool
    target_rps: float | None  # None: judged against the bare ceiling instead


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 (figures are reported, a missed target is not a crash)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per case")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per case")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    parser.add_argument("--no-matching", action="store_true", help="skip bench_matching.py")
    parser.add_argument("--no-write", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--doc", type=Path, default=PERFORMANCE_MD, help="report to update")
    args = parser.parse_args(argv)

    ensure_debian_packages({"wrk": "wrk", nginx_binary(): "nginx"})
    if not args.no_profile:
        ensure_pip_package("py-spy", "py-spy")
    info = machine()
    wrk_opts = {
        "seconds": args.seconds,
        "warmup": args.warmup,
        "connections": args.connections,
        "threads": args.threads,
    }

    with temp_dir("verder-bench-") as tmp_name, services() as running:
        tmp = Path(tmp_name)
        port = free_port()
        site = Service(
            "site",
            uvicorn_argv(port),
            log_dir=tmp,
            env=site_env(f"sqlite:///{tmp / 'verder.db'}", secrets.token_urlsafe(32)),
        )
        running.append(site)
        startup = wait_http(f"http://127.0.0.1:{port}/healthz", site)
        base = f"http://127.0.0.1:{port}"
        log(f"site up on port {port} in {startup:.2f} s")
        page, tokens, header_problems = _prepare(base)
        rss_idle = rss_mb(site.pid)[0]

        log("measuring the four cases")
        measured = measure_cases(base, tokens, [site.pid], tmp, wrk_opts)
        bodies = [urlencode(a) for a in ANSWER_SETS]

        profiles: dict[str, str] = {}
        if not args.no_profile:
            profiles["GET /nl/check (questionnaire)"] = _profile(
                base, site, [("/nl/check", "")], "GET", tmp, "questionnaire"
            )
            profiles["POST /nl/check (result)"] = _profile(
                base, site, [("/nl/check", b) for b in bodies], "POST", tmp, "result"
            )
            profiles["GET /nl/r/{token} (open a saved result)"] = _profile(
                base, site, [(f"/nl/r/{t}", "") for t in tokens], "GET", tmp, "open"
            )
        wait_idle([site.pid])
        rss_loaded, rss_peak = rss_mb(site.pid)
        site.stop()
        failed = _failed_answers(site.log_path)

        log("measuring the bare FastAPI ceiling")
        bare = _bare_ceiling(page, tmp, running, wrk_opts)
        log("measuring the nginx ceiling")
        static = _nginx_ceiling(page, tmp, running, wrk_opts)

    cases = [
        Case(
            "questionnaire", "GET /nl/check (questionnaire)", measured["questionnaire"], True, None
        ),
        Case("result", "POST /nl/check (result)", measured["result"], False, RESULT_POST_RPS),
        Case("save", "POST /nl/r (save a result)", measured["save"], False, SAVE_RPS),
        Case("open", "GET /nl/r/{token} (open a saved result)", measured["open"], True, OPEN_RPS),
    ]
    memory = (rss_idle, rss_loaded, rss_peak)
    report = _report(cases, bare, static, info, args, len(page), memory, header_problems + failed)
    print(report.console)
    if not args.no_write:
        update_section("bench", report.markdown, args.doc)
        if profiles:
            update_section("bench-profile", _profiles_markdown(profiles, info), args.doc)
    if not args.no_matching:
        import bench_matching

        bench_matching.main(["--no-write"] if args.no_write else ["--doc", str(args.doc)])
    return 0


def _prepare(base: str) -> tuple[bytes, list[str], list[str]]:
    """Check the endpoints answer as they should; save results to open; note missing headers."""
    problems: list[str] = []

    def check(name: str, got: int, want: int, headers: dict[str, str]) -> None:
        if got != want:
            raise RuntimeError(f"{name} answered {got}, expected {want}")
        missing = [h for h in SAFETY_HEADERS if h not in headers]
        if missing:
            problems.append(f"{name}: missing {', '.join(missing)}")
        if "server" in headers:
            problems.append(f"{name}: has a Server header")

    page = http(f"{base}/nl/check")
    check("GET /nl/check", page.status, 200, page.headers)
    for answers in ANSWER_SETS:
        body = urlencode(answers).encode()
        shown = http(f"{base}/nl/check", method="POST", body=body, headers=FORM)
        check("POST /nl/check", shown.status, 200, shown.headers)
    tokens = []
    for i in range(30):
        body = urlencode(ANSWER_SETS[i % len(ANSWER_SETS)]).encode()
        saved = http(f"{base}/nl/r", method="POST", body=body, headers=SAME_ORIGIN)
        check("POST /nl/r", saved.status, 303, saved.headers)
        tokens.append(saved.headers["location"].rsplit("/", 1)[1])
    opened = http(f"{base}/nl/r/{tokens[0]}")
    check("GET /nl/r/{token}", opened.status, 200, opened.headers)
    return page.body, tokens, problems


def _failed_answers(log_path: Path) -> list[str]:
    """4xx and 5xx answers in the site's own access log (one line per request, no IPs)."""
    counts: Counter[str] = Counter()
    for line in log_path.read_text(errors="replace").splitlines():
        words = line.split(" verder.access ", 1)[-1].split()
        logged = " verder.access " in line and len(words) >= 3 and words[2].isdigit()
        if logged and int(words[2]) >= 400:
            counts[f"{words[0]} {words[1]} {words[2]}"] += 1
    return [f"the site answered {k} {n} time(s)" for k, n in sorted(counts.items())]


def _bare_ceiling(
    page: bytes, tmp: Path, running: list[Service], wrk_opts: dict[str, int]
) -> WrkResult:
    folder = tmp / "bare"
    folder.mkdir()
    (folder / "check.html").write_bytes(page)
    (folder / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    argv = [
        str(BIN / "uvicorn"),
        "bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # The same uvicorn set-up as the site's, so the ratio compares the application only.
        "--loop",
        "asyncio",
        "--no-access-log",
        "--no-server-header",
    ]
    bare = Service("bare", argv, log_dir=tmp, cwd=folder)
    running.append(bare)
    return _ceiling(bare, port, page, tmp, wrk_opts)


def _nginx_ceiling(
    page: bytes, tmp: Path, running: list[Service], wrk_opts: dict[str, int]
) -> WrkResult:
    folder = tmp / "nginx"
    (folder / "www" / "nl").mkdir(parents=True)
    # nginx's workers run as 'nobody' when started by root: they must be able to read the file.
    for path in (tmp, folder, folder / "www", folder / "www" / "nl"):
        path.chmod(0o755)
    (folder / "www" / "nl" / "check").write_bytes(page)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=folder, port=port))
    argv = [nginx_binary(), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    server = Service("nginx", argv, log_dir=tmp)
    running.append(server)
    return _ceiling(server, port, page, tmp, wrk_opts)


def _ceiling(
    server: Service, port: int, page: bytes, tmp: Path, wrk_opts: dict[str, int]
) -> WrkResult:
    """wrk on a ceiling's /nl/check, once it serves exactly the questionnaire's bytes."""
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/nl/check", server)
    if http(f"{base}/nl/check").body != page:
        raise RuntimeError(f"{server.name} does not serve the questionnaire's bytes")
    result = run_wrk(base, [("/nl/check", "")], work_dir=tmp, server_pids=[server.pid], **wrk_opts)
    server.stop()
    return result


# --- Profiles ----------------------------------------------------------------------------------

# Frames that mean "waiting", not working: idle thread-pool workers and the event loop's select.
IDLE_LEAVES = (
    ".wait (threading.py",
    ".get (queue.py",
    ".select (selectors.py",
    "poll (selectors.py",
)


def _profile(
    base: str,
    site: Service,
    requests: list[tuple[str, str]],
    method: str,
    tmp: Path,
    name: str,
    seconds: int = 6,
) -> str:
    """Sample the site with py-spy while wrk drives one endpoint; return a Markdown summary."""
    log(f"profiling {method} {requests[0][0]} with py-spy for {seconds} s")
    wait_idle([site.pid])
    spec = tmp / f"profile-{name}.tsv"
    spec.write_text("".join(f"{p}\t{b}\n" for p, b in requests))
    load = subprocess.Popen(  # noqa: S603 - wrk on loopback, bounded by -d
        [sys.executable, __file__, "--drive", base, method, name, str(seconds + 3), str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    raw = tmp / f"profile-{name}.txt"
    try:
        time.sleep(1.5)
        subprocess.run(  # noqa: S603
            [
                str(BIN / "py-spy"),
                "record",
                "--pid",
                str(site.pid),
                "--duration",
                str(seconds),
                "--rate",
                "100",
                "--format",
                "raw",
                "--output",
                str(raw),
            ],
            check=True,
            capture_output=True,
        )
    finally:
        load.wait(timeout=seconds + 30)
    return _summarise_profile(raw.read_text())


def _drive(base: str, method: str, name: str, seconds: str, tmp: str) -> None:
    """The load behind a profile (run as a child process so py-spy can sample meanwhile)."""
    spec = Path(tmp) / f"profile-{name}.tsv"
    requests = [tuple(line.split("\t", 1)) for line in spec.read_text().splitlines()]
    run_wrk(
        base,
        [(p, b) for p, b in requests],
        method=method,
        headers=FORM if method == "POST" else {},
        seconds=int(seconds),
        warmup=0,
        work_dir=Path(tmp),
    )


def _frame_name(frame: str) -> str:
    """'func (path/to/file.py:123)' -> 'func (file.py)'; line numbers split one function."""
    func, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3.11/"):
        where = where.split(marker)[-1]
    where = where.replace(str(ROOT) + "/", "")
    return f"{func} ({where})"


def _summarise_profile(raw: str, top: int = 14) -> str:
    """Inclusive and self shares of the busy samples, for the hottest functions."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    busy = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        names = [_frame_name(f) for f in stack.split(";")]
        if any(idle in names[-1] for idle in IDLE_LEAVES):
            continue
        n = int(count)
        busy += n
        own[names[-1]] += n
        for frame in set(names):
            inclusive[frame] += n
    if not busy:
        return "No busy samples were taken."
    interesting = [
        (f, n)
        for f, n in inclusive.most_common()
        if any(key in f for key in ("app/", ".html", "render", "jinja2", "h11", "httptools"))
    ][:top]
    rows = ["| inclusive | function |", "|---:|---|"]
    rows += [f"| {100 * n / busy:.1f} % | `{f}` |" for f, n in interesting]
    rows += ["", "| self | function |", "|---:|---|"]
    rows += [f"| {100 * n / busy:.1f} % | `{f}` |" for f, n in own.most_common(top)]
    rows += ["", f"{busy} busy samples at 100 Hz (idle waits left out)."]
    return "\n".join(rows)


def _profiles_markdown(profiles: dict[str, str], info: dict[str, str]) -> str:
    parts = [
        f"Generated by `make bench` on {info['date']} (py-spy, 100 Hz, while wrk drives the "
        "endpoint at 64 connections). Shares are of the samples in which the worker was busy; "
        "`inclusive` counts a function with everything it calls.",
    ]
    for title, text in profiles.items():
        parts += ["", f"#### {title}", "", text]
    return "\n".join(parts)


# --- The report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The figures for the terminal and for docs/performance.md."""

    console: str
    markdown: str


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _report(
    cases: list[Case],
    bare: WrkResult,
    static: WrkResult,
    info: dict[str, str],
    args: argparse.Namespace,
    page_bytes: int,
    memory: tuple[float, float, float],
    header_problems: list[str],
) -> Report:
    rows = []
    targets = []
    for case in cases:
        r = case.result
        rows.append(_row(case.label, r, bare, static))
        if case.target_rps is None:
            # Judged per CPU second: the two runs are seconds apart on a machine whose other
            # load changes, which moves req/s but hardly the server's CPU per request.
            share = r.rps_per_core / bare.rps_per_core if bare.rps_per_core else 0.0
            targets.append(
                (
                    f"{case.label}: ≥ 75 % of the bare ceiling (per server CPU second)",
                    f"{100 * share:.0f} % ({fmt_rate(r.rps_per_core)} vs "
                    f"{fmt_rate(bare.rps_per_core)}; by req/s {100 * r.rps / bare.rps:.0f} %)",
                    share >= QUESTIONNAIRE_SHARE_OF_BARE,
                )
            )
        else:
            targets.append(
                (
                    f"{case.label}: ≥ {fmt_rate(case.target_rps)} req/s",
                    f"{fmt_rate(r.rps)} req/s",
                    r.rps >= case.target_rps,
                )
            )
        if case.is_get:
            targets.append(
                (
                    f"{case.label}: p99 ≤ {GET_P99_MS:.0f} ms",
                    f"{r.p99_ms:.1f} ms",
                    r.p99_ms <= GET_P99_MS,
                )
            )
    errors = sum(c.result.errors for c in cases)
    targets.append(("Zero errors in every case", f"{errors} errors", errors == 0))
    for ceiling, r in (("bare FastAPI endpoint", bare), ("nginx static file", static)):
        rows.append(_row(f"ceiling: {ceiling}, same {page_bytes:,} bytes", r, bare, static))
    table = "\n".join(
        [
            "| endpoint | req/s | p50 ms | p99 ms | errors | server CPU ms/req | req/s per "
            "CPU-s | of bare | of nginx |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    q = cases[0].result
    cpu_note = (
        "CPU-normalised (server CPU seconds, immune to other load on the machine): the "
        f"questionnaire costs {q.cpu_ms_per_request:.2f} ms of CPU per request against "
        f"{bare.cpu_ms_per_request:.2f} ms for the bare endpoint, i.e. "
        f"{100 * bare.cpu_ms_per_request / q.cpu_ms_per_request:.0f} % of the bare ceiling."
    )
    target_table = "\n".join(
        [
            "| target | measured | verdict |",
            "|---|---:|---|",
            *[f"| {t} | {m} | {_verdict(ok)} |" for t, m, ok in targets],
        ]
    )
    idle, loaded, peak = memory
    headers_line = (
        "Every checked response carried the safety headers and no `Server` header, and the "
        "site's log shows no 4xx or 5xx answer."
        if not header_problems
        else "Problems: " + "; ".join(header_problems) + "."
    )
    method = (
        f"wrk, {args.threads} threads, {args.connections} connections, {args.warmup} s warm-up "
        f"then {args.seconds} s per case, on 127.0.0.1. The site runs as `make run` starts it: "
        "one uvicorn worker, SQLite (WAL, synchronous=FULL), the access log on (to a file), "
        "`VERDER_HSTS_MAX_AGE=0`, `RATE_LIMIT_ENABLED=false` (one client address would be "
        "limited). The result POST and saving cycle through three realistic answer sets; "
        "opening cycles through 30 saved results. Ceilings: the questionnaire's bytes from a "
        "bare FastAPI endpoint on the same uvicorn, and from nginx (one worker) as a file. "
        "wrk shares the two cores with the server, as it did for the figures in the issue."
    )
    markdown = "\n".join(
        [
            f"Generated by `make bench` on {info['date']}.",
            "",
            machine_markdown(info),
            "",
            table,
            "",
            target_table,
            "",
            textwrap.fill(cpu_note, 100),
            "",
            f"Worker memory (RSS): {idle:.0f} MB after start-up, {loaded:.0f} MB after the "
            f"load, peak {peak:.0f} MB.",
            "",
            headers_line,
            "",
            textwrap.fill(method, 100),
        ]
    )
    console = "\n".join(
        [
            "",
            f"Verder benchmark, {info['date']}, {info['cpu']}",
            "",
            table,
            "",
            target_table,
            "",
            cpu_note,
            f"RSS: {idle:.0f} MB idle, {loaded:.0f} MB after load, peak {peak:.0f} MB",
            headers_line,
        ]
    )
    return Report(console=console, markdown=markdown)


def _row(label: str, r: WrkResult, bare: WrkResult, static: WrkResult) -> str:
    return (
        f"| {label} | {fmt_rate(r.rps)} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
        f"{r.errors}{_error_detail(r)} | {r.cpu_ms_per_request:.2f} | {fmt_rate(r.rps_per_core)} | "
        f"{100 * r.rps / bare.rps:.0f} % | {100 * r.rps / static.rps:.1f} % |"
    )


def _error_detail(r: WrkResult) -> str:
    if not r.error_detail:
        return ""
    return " (" + ", ".join(f"{k} {v}" for k, v in r.error_detail.items()) + ")"


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--drive":
        _drive(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
