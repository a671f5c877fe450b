"""Helpers shared by the benchmark scripts: processes, ports, wrk, machine facts, the report.

Nothing here is imported by the app or the tests. Every process a benchmark starts is started
through `Service`, in its own session, and stopped by its own process id when the run ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The named answer sets live with the tests; the benchmark posts the same ones.
sys.path.insert(0, str(ROOT))
from tests.factories import BENCH_SETS, pairs  # noqa: E402

BIN = Path(sys.executable).parent  # the venv `make` runs us with
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
WRK_LUA = Path(__file__).resolve().parent / "bench_wrk.lua"
# Every page of the site carries these (safety.md); the benchmark checks they are still there.
SAFETY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "permissions-policy",
    "x-frame-options",
    "cache-control",
)

# Realistic answer sets as a browser sends them from the last step of the questionnaire.
ANSWER_SETS = tuple(tuple(pairs(name)) for name in BENCH_SETS)


def log(message: str) -> None:
    """A progress line on stderr, so stdout keeps only the figures."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_debian_packages(wanted: Mapping[str, str]) -> None:
    """Install Debian packages for missing programs (program -> package) when running as root."""
    missing = {prog: pkg for prog, pkg in wanted.items() if not _have_program(prog)}
    if not missing:
        return
    packages = sorted(set(missing.values()))
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            f"bench: missing {', '.join(sorted(missing))}; install Debian's "
            f"{' '.join(packages)} (apt-get install {' '.join(packages)}) and run again"
        )
    log(f"installing Debian packages: {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(  # noqa: S603
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],  # noqa: S607
        check=True,
        env=env,
    )
    still = [prog for prog in missing if not _have_program(prog)]
    if still:
        sys.exit(f"bench: still missing after apt-get: {', '.join(still)}")


def _have_program(prog: str) -> bool:
    return Path(prog).exists() if prog.startswith("/") else shutil.which(prog) is not None


def nginx_binary() -> str:
    """Debian installs nginx in /usr/sbin, which is not always on a non-root PATH."""
    return shutil.which("nginx") or "/usr/sbin/nginx"


def ensure_pip_package(module: str, package: str) -> None:
    """Install a benchmark-only tool into this venv (never a project dependency)."""
    if shutil.which(module, path=str(BIN)):
        return
    log(f"installing {package} into {BIN.parent} for the benchmark only")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "install", "--quiet", package],
        check=True,
    )


class Service:
    """A background process in its own session, its output in a log file, always stopped."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(  # noqa: S603 - argument lists built by the benchmark
            list(argv),
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def tail(self, lines: int = 30) -> str:
        """The end of the log, for error messages."""
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds; idempotent."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                self.proc.wait(timeout=timeout)
        self._log.close()


@contextlib.contextmanager
def services() -> Iterator[list[Service]]:
    """Collect services; stop every one of them (last started first) however the block ends."""
    started: list[Service] = []
    try:
        yield started
    finally:
        for service in reversed(started):
            service.stop()


def wait_http(url: str, service: Service, timeout: float = 30.0) -> float:
    """Poll `url` until it answers 200; return the seconds it took; fail if the service dies."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} stopped during start-up:\n{service.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{service.name} did not answer {url} in {timeout:.0f} s:\n{service.tail()}")


@dataclass(frozen=True)
class HttpResult:
    """One plain HTTP exchange, without following redirects."""

    status: int
    headers: dict[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: Mapping[str, str] = {}
) -> HttpResult:
    """One request on loopback; 4xx and 5xx come back as results, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))  # noqa: S310
    try:
        with _OPENER.open(request, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return HttpResult(response.status, headers, response.read())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def urlencode(pairs: Sequence[tuple[str, str]]) -> str:
    """An application/x-www-form-urlencoded body."""
    return urllib.parse.urlencode(list(pairs))


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "Sec-Fetch-Site": "same-origin"}


@dataclass(frozen=True)
class WrkResult:
    """The figures of one wrk run."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors (connect, read, write, timeout) plus non-2xx/3xx answers
    error_detail: dict[str, int]
    cpu_seconds: float  # CPU time the server processes used during the measured run

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request: what one fully used core would give, whatever else runs."""
        return 1000 * self.cpu_seconds / self.requests if self.requests else 0.0

    @property
    def rps_per_core(self) -> float:
        """Requests per second of server CPU time."""
        return self.requests / self.cpu_seconds if self.cpu_seconds else 0.0


def run_wrk(
    base_url: str,
    requests: Sequence[tuple[str, str]],
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    seconds: int = 10,
    warmup: int = 2,
    connections: int = 64,
    threads: int = 2,
    work_dir: Path,
    server_pids: Sequence[int] = (),
) -> WrkResult:
    """Drive `base_url` with wrk, cycling through (path, body) pairs; a warm-up run first."""
    spec = work_dir / f"wrk-{time.monotonic_ns()}.tsv"
    spec.write_text("".join(f"{path}\t{body}\n" for path, body in requests))
    report = spec.with_suffix(".json")
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_REQUESTS": str(spec),
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
        "BENCH_REPORT": str(report),
    }
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "5s", "-s", str(WRK_LUA)]
    wait_idle(server_pids)
    if warmup:
        subprocess.run(  # noqa: S603
            [*base, f"-d{warmup}s", base_url], env=env, check=True, capture_output=True
        )
    report.unlink(missing_ok=True)
    wait_idle(server_pids)
    cpu_before = sum(tree_cpu_seconds(pid) for pid in server_pids)
    subprocess.run(  # noqa: S603
        [*base, f"-d{seconds}s", base_url], env=env, check=True, capture_output=True
    )
    cpu = sum(tree_cpu_seconds(pid) for pid in server_pids) - cpu_before
    data = json.loads(report.read_text())
    detail = {k: int(v) for k, v in data["errors"].items()}
    return WrkResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=sum(detail.values()),
        error_detail={k: v for k, v in detail.items() if v},
        cpu_seconds=cpu,
    )


_TICKS = os.sysconf("SC_CLK_TCK")


def measure_cases(
    base: str, tokens: list[str], pids: list[int], tmp: Path, opts: dict[str, int]
) -> dict[str, WrkResult]:
    """wrk on the four cases of `make bench`: questionnaire, result, save, open."""
    bodies = [urlencode(a) for a in ANSWER_SETS]
    out = {}
    log(f"  GET /nl/check via {base}")
    out["questionnaire"] = run_wrk(
        base, [("/nl/check", "")], work_dir=tmp, server_pids=pids, **opts
    )
    log("  POST /nl/check")
    out["result"] = run_wrk(
        base,
        [("/nl/check", b) for b in bodies],
        method="POST",
        headers=FORM,
        work_dir=tmp,
        server_pids=pids,
        **opts,
    )
    log("  POST /nl/r")
    out["save"] = run_wrk(
        base,
        [("/nl/r", b) for b in bodies],
        method="POST",
        headers=SAME_ORIGIN,
        work_dir=tmp,
        server_pids=pids,
        **opts,
    )
    log("  GET /nl/r/{token}")
    out["open"] = run_wrk(
        base, [(f"/nl/r/{t}", "") for t in tokens], work_dir=tmp, server_pids=pids, **opts
    )
    return out


def wait_idle(pids: Sequence[int], timeout: float = 60.0) -> None:
    """Wait until the servers have worked off requests queued by a previous run.

    wrk stops after its duration, but a server that fell behind still answers the requests it
    had accepted; measuring the next case meanwhile would charge that work to it.
    """
    if not pids:
        return
    deadline = time.monotonic() + timeout
    quiet = 0
    before = sum(tree_cpu_seconds(pid) for pid in pids)
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(0.25)
        now = sum(tree_cpu_seconds(pid) for pid in pids)
        quiet = quiet + 1 if now - before < 0.05 else 0  # under 20 % of one core
        before = now


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process and its live descendants (e.g. nginx workers)."""
    total = 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += tree_cpu_seconds(int(child))
    except (OSError, ValueError, IndexError):
        pass  # the process ended meanwhile
    return total


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of one process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _first_line(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603
            list(argv), capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    out = (done.stdout or done.stderr).strip().splitlines()
    return out[0] if out else "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    versions = []
    for dist in (
        "fastapi",
        "starlette",
        "uvicorn",
        "h11",
        "httptools",
        "jinja2",
        "sqlalchemy",
        "pydantic",
        "psycopg",
    ):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    wrk_line = _first_line(["wrk", "--version"])
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(versions),
        "wrk": re.sub(r"\s*\[.*$", "", wrk_line),
        "nginx": _first_line([nginx_binary(), "-v"]).replace("nginx version: ", ""),
        "load": load,
        "commit": _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "tree": _tree_state(),
    }


def _tree_state() -> str:
    """Whether the measured code is exactly the commit or has uncommitted changes."""
    try:
        done = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "tree state unknown"
    return "with uncommitted changes in the tree" if done.stdout.strip() else "clean tree"


def machine_markdown(info: Mapping[str, str]) -> str:
    """The machine as a short Markdown list."""
    return "\n".join(
        [
            f"- Date: {info['date']}, commit {info['commit']} ({info['tree']})",
            f"- CPU: {info['cpu']}; memory {info['memory']}; {info['os']}",
            f"- Load average when the run started: {info['load']}",
            f"- Python {info['python']}; {info['packages']}",
            f"- Load generator: {info['wrk']}; {info['nginx']}",
        ]
    )


def update_section(name: str, text: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in the report."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    current = path.read_text() if path.exists() else "# Performance\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        current = before + block + after
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current)
    log(f"wrote the {name} section of {path}")


def temp_dir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder that is removed afterwards."""
    return tempfile.TemporaryDirectory(prefix=prefix)


def site_env(database_url: str, secret: str) -> dict[str, str]:
    """The environment of a benchmarked site process."""
    return {
        "DATABASE_URL": database_url,
        "VERDER_SECRET_KEY": secret,
        "VERDER_HSTS_MAX_AGE": "0",
        # Each benchmark hammers from one address; the limiter would (rightly) answer 429.
        "RATE_LIMIT_ENABLED": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def uvicorn_argv(port: int, *, extra: Sequence[str] = ()) -> list[str]:
    """The site as `make run` starts it: one worker, no uvicorn access log, our log config."""
    return [
        str(BIN / "uvicorn"),
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        # As the Makefile and the Dockerfile: uvloop leaves some connections waiting seconds
        # once the worker is saturated (docs/performance.md).
        "--loop",
        "asyncio",
        "--no-access-log",
        "--no-server-header",
        "--log-config",
        "app/log_config.json",
        *extra,
    ]


def fmt_rate(value: float) -> str:
    """Requests per second, with thousands separators."""
    return f"{value:,.0f}"
