"""What the benchmark scripts share: options, processes, HTTP, wrk, /proc figures, the JSON.

Nothing here is imported by the app or the tests. Every process a benchmark starts goes
through `spawn`, in its own session, and is stopped by its own process id when the run ends.
Results are written as JSON to var/bench/ (var/bench/quick/ for --quick runs), and
scripts/bench_report.py turns them into docs/performance.md.
"""

# ruff: noqa: S603, S607 - argument lists built here, programs from Debian and the venv
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.factories import BENCH_SETS, pairs  # noqa: E402 - the tests' named answer sets

BIN = Path(sys.executable).parent  # the venv `make` runs us with
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # not on a non-root PATH
WRK_LUA = ROOT / "scripts" / "bench_wrk.lua"
# Every page of the site carries these (safety.md); the benchmark checks they are still there.
SAFETY_HEADERS = (
    *("content-security-policy", "x-content-type-options", "referrer-policy"),
    *("cross-origin-opener-policy", "cross-origin-resource-policy", "permissions-policy"),
    *("x-frame-options", "cache-control"),
)
# Realistic answer sets as a browser posts them from the last step of the questionnaire.
ANSWER_SETS = tuple(tuple(pairs(name)) for name in BENCH_SETS)
BODIES = [urllib.parse.urlencode(a) for a in ANSWER_SETS]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "Sec-Fetch-Site": "same-origin"}
CASES = ("questionnaire", "result", "save", "open")
TICKS = os.sysconf("SC_CLK_TCK")
DISTS = "fastapi starlette uvicorn h11 httptools jinja2 sqlalchemy pydantic psycopg"


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def options(doc: str, wrk: bool = True) -> argparse.ArgumentParser:
    """The options every benchmark takes; --quick shortens every duration for a check run."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, JSON to var/bench/quick")
    if wrk:
        parser.add_argument("--seconds", type=int, default=10, help="measured seconds per case")
        parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per case")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    return parser


def wrk_opts(args: argparse.Namespace) -> dict[str, int]:
    """The wrk options of a run (2 s per case, 1 s warm-up with --quick)."""
    if args.quick:
        args.seconds, args.warmup = min(args.seconds, 2), min(args.warmup, 1)
    return {k: getattr(args, k) for k in ("seconds", "warmup", "connections", "threads")}


def out_dir(quick: bool) -> Path:
    """Where the JSON goes: quick figures never mix with the full run's."""
    return ROOT / "var" / "bench" / ("quick" if quick else "")


def write_json(name: str, data: dict[str, Any], quick: bool) -> None:
    """var/bench/<name>.json with the machine the figures were measured on."""
    path = out_dir(quick) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": machine(), "quick": quick, **data}, indent=1))
    log(f"wrote {path.relative_to(ROOT)}")


def need_debian(wanted: Mapping[str, str]) -> None:
    """Install Debian packages for missing programs or files (-> package) when run as root."""
    missing = sorted({pkg for prog, pkg in wanted.items() if not _have(prog)})
    if missing and (os.geteuid() != 0 or not shutil.which("apt-get")):
        sys.exit(f"bench: install Debian's {' '.join(missing)} (apt-get install) and run again")
    if missing:
        log(f"installing Debian packages: {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"]
        subprocess.run([*install, *missing], check=True, env=env)


def _have(prog: str) -> bool:
    return Path(prog).exists() if prog.startswith("/") else shutil.which(prog) is not None


def need_pip(program: str, package: str) -> None:
    """Install a benchmark-only tool into this venv (never a project dependency)."""
    if not (BIN / program).exists():
        log(f"installing {package} into {BIN.parent} for the benchmark only")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """A background process in its own session, its output in `<tmp>/<name>.log`."""

    def __init__(self, name: str, argv: Sequence[str], tmp: Path, **popen: Any) -> None:
        self.name, self.log_path = name, tmp / f"{name}.log"
        popen = {"cwd": ROOT, **popen, "env": {**os.environ, **popen.get("env", {})}}
        with self.log_path.open("wb") as out:
            kwargs = {"stdout": out, "stderr": subprocess.STDOUT, "start_new_session": True}
            self.proc = subprocess.Popen(list(argv), **kwargs, **popen)
        self.pid = self.proc.pid

    def stop(self) -> None:
        """SIGTERM, SIGKILL after 10 s; idempotent."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def wait_http(self, url: str, timeout: float = 60.0) -> float:
        """Poll `url` until it answers 200; the seconds it took; fail if the process dies."""
        started = time.perf_counter()
        while time.perf_counter() < started + timeout:
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if http(url)[0] == 200:
                    return time.perf_counter() - started
            time.sleep(0.02)
        tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{self.name} did not answer {url}:\n{tail}")


def spawn(stack: contextlib.ExitStack, name: str, argv: list[str], tmp: Path, **kw: Any) -> Service:
    """Start a service that is stopped when `stack` closes (last started first)."""
    service = Service(name, argv, tmp, **kw)
    stack.callback(service.stop)
    return service


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


Answer = tuple[int, dict[str, str], bytes]  # status, lower-cased headers, body


def http(url: str, body: str | None = None, headers: Mapping[str, str] = {}) -> Answer:
    """One request on loopback (a POST when it has a body), redirects not followed."""
    data = body.encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=dict(headers))  # noqa: S310
    try:
        with _OPENER.open(request, timeout=10) as response:
            status, got, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, got, text = exc.code, exc.headers, exc.read()
    return status, {k.lower(): v for k, v in got.items()}, text


def check(name: str, answer: Answer, want: int, problems: list[str]) -> Answer:
    """Fail on a wrong status; note missing safety headers or a Server header in `problems`."""
    if answer[0] != want:
        raise RuntimeError(f"{name} answered {answer[0]}, expected {want}")
    missing = [h for h in SAFETY_HEADERS if h not in answer[1]]
    problems += [f"{name}: missing {', '.join(missing)}"] if missing else []
    problems += [f"{name}: has a Server header"] if "server" in answer[1] else []
    return answer


def save_tokens(base: str, problems: list[str], n: int = 30) -> list[str]:
    """Save `n` results (cycling the answer sets) and return their tokens."""
    saved = [http(f"{base}/nl/r", BODIES[i % len(BODIES)], SAME_ORIGIN) for i in range(n)]
    return [check("POST /nl/r", a, 303, problems)[1]["location"].rsplit("/", 1)[1] for a in saved]


def run_wrk(base: str, requests: list[tuple[str, str]], tmp: Path, **kw: Any) -> dict[str, Any]:
    """wrk on `base`, cycling through (path, body) pairs, after a warm-up; the CPU of kw["pids"].

    kw: method, headers, pids, and seconds, warmup, connections, threads as in `wrk_opts`.
    """
    o = {"method": "GET", "headers": {}, "pids": (), "warmup": 2, "seconds": 10} | kw
    spec = tmp / f"wrk-{time.monotonic_ns()}.tsv"
    spec.write_text("".join(f"{path}\t{body}\n" for path, body in requests))
    report = spec.with_suffix(".json")
    headers = "\n".join(f"{k}: {v}" for k, v in o["headers"].items())
    env = {"BENCH_METHOD": o["method"], "BENCH_REQUESTS": str(spec), "BENCH_HEADERS": headers}
    env = {**os.environ, **env, "BENCH_REPORT": str(report)}
    argv = ["wrk", f"-t{o.get('threads', 2)}", f"-c{o.get('connections', 64)}", "--timeout", "5s"]
    for duration in (o["warmup"], o["seconds"]):
        if duration:
            wait_idle(o["pids"])
            cpu = sum(map(cpu_seconds, o["pids"]))
            run = [*argv, "-s", str(WRK_LUA), f"-d{duration}s", base]
            subprocess.run(run, env=env, check=True, capture_output=True)
    cpu = sum(map(cpu_seconds, o["pids"])) - cpu
    data = json.loads(report.read_text())
    detail = {k: int(v) for k, v in data["errors"].items() if v}
    n, secs = int(data["requests"]), data["duration_us"] / 1e6
    return {
        **{k: data[f"{k}_us"] / 1000 for k in ("p50", "p90", "p99", "max")},
        **{"requests": n, "seconds": secs, "rps": n / secs, "cpu_s": cpu},
        **{"errors": sum(detail.values()), "error_detail": detail},
        # Server CPU per request: what one fully used core gives, whatever else runs.
        **{"cpu_ms": 1000 * cpu / n if n else 0.0, "rps_per_cpu": n / cpu if cpu else 0.0},
    }


def loads(tokens: list[str]) -> dict[str, tuple[list[tuple[str, str]], dict[str, str]]]:
    """The four cases of `make bench` as wrk's (path, body) pairs and headers."""
    return {
        "questionnaire": ([("/nl/check", "")], {}),
        "result": ([("/nl/check", b) for b in BODIES], FORM),
        "save": ([("/nl/r", b) for b in BODIES], SAME_ORIGIN),
        "open": ([(f"/nl/r/{t}", "") for t in tokens], {}),
    }


def measure_cases(base: str, tokens: list[str], tmp: Path, **opts: Any) -> dict[str, Any]:
    """wrk on the four cases: questionnaire, result, save, open."""
    log(f"  the four cases via {base}")
    return {
        key: run_wrk(base, reqs, tmp, method="POST" if hdrs else "GET", headers=hdrs, **opts)
        for key, (reqs, hdrs) in loads(tokens).items()
    }


def wait_idle(pids: Sequence[int], timeout: float = 60.0) -> None:
    """Wait until the servers worked off what a previous run queued (under 20 % of a core)."""
    deadline, quiet, before = time.monotonic() + timeout, 0, sum(map(cpu_seconds, pids))
    while pids and time.monotonic() < deadline and quiet < 2:
        time.sleep(0.25)
        now = sum(map(cpu_seconds, pids))
        quiet, before = (quiet + 1 if now - before < 0.05 else 0), now


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """User + system CPU seconds of a process and its live descendants (nginx workers, ...);
    with `reaped`, also of the children it has waited for (cutime + cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = sum(int(f) for f in fields[11 : 15 if reaped else 13]) / TICKS
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += sum(cpu_seconds(int(c)) for c in (task / "children").read_text().split())
        return total
    except (OSError, ValueError, IndexError):
        return 0.0  # the process ended meanwhile


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of one process, in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def first_line(*argv: str) -> str:
    """The first line a program prints (its version, say)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return ((done.stdout or done.stderr).strip().splitlines() or ["unknown"])[0]


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    proc = {p: Path(f"/proc/{p}").read_text() for p in ("cpuinfo", "meminfo", "loadavg")}
    cpu = proc["cpuinfo"].split("model name", 1)[-1].split(":", 1)[-1].split("\n")[0].strip()
    git = ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]
    dirty = subprocess.run(git, capture_output=True, text=True).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{int(proc['meminfo'].split('MemTotal:')[1].split()[0]) / 1024**2:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(f"{d} {_version(d)}" for d in DISTS.split()),
        "wrk": first_line("wrk", "--version").split(" [")[0],
        "nginx": first_line(NGINX, "-v").replace("nginx version: ", ""),
        "load": " ".join(proc["loadavg"].split()[:3]),
        "commit": first_line("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "tree": "with uncommitted changes in the tree" if dirty else "clean tree",
    }


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def site_env(database_url: str) -> dict[str, str]:
    """The environment of a benchmarked site process."""
    return {
        "DATABASE_URL": database_url,
        "VERDER_SECRET_KEY": os.urandom(24).hex(),
        "VERDER_HSTS_MAX_AGE": "0",
        # Each benchmark hammers from one address; the limiter would (rightly) answer 429.
        "RATE_LIMIT_ENABLED": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def uvicorn_argv(port: int, *extra: str, app: str = "") -> list[str]:
    """The site as `make run` starts it (one worker, asyncio's loop: uvloop left connections
    waiting seconds under saturation, docs/performance.md); `app` for the bare ceiling."""
    site = "app.main:app --log-config app/log_config.json"
    flags = f"--host 127.0.0.1 --port {port} --workers 1 --loop asyncio --no-access-log"
    return [
        str(BIN / "uvicorn"),
        *(app or site).split(),
        *flags.split(),
        "--no-server-header",
        *extra,
    ]
