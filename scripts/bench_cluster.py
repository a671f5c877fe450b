"""`make bench-cluster`: docker-compose.yml's topology without Docker, on loopback.

nginx (deploy/nginx.conf) → two uvicorn instances → one throwaway PostgreSQL (Debian's package,
durable settings: fsync on). The same four cases as `make bench` are driven through nginx, and
next to them one instance on the same PostgreSQL without nginx. The rate limits of
deploy/nginx.conf are taken out for the throughput runs (wrk is one client address) and then
checked on their own: a burst of saves and opens from one address must meet 429s. Results go to
the bench-cluster section of docs/performance.md.

On this 2-core machine the two instances, nginx, PostgreSQL and wrk share the same two cores,
so this shows the topology works and what it costs, not the gain of a second machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import (
    ANSWER_SETS,
    BIN,
    PERFORMANCE_MD,
    ROOT,
    SAFETY_HEADERS,
    SAME_ORIGIN,
    Service,
    WrkResult,
    ensure_debian_packages,
    fmt_rate,
    free_port,
    http,
    log,
    machine,
    machine_markdown,
    measure_cases,
    nginx_binary,
    services,
    site_env,
    temp_dir,
    update_section,
    urlencode,
    uvicorn_argv,
    wait_http,
)
from with_postgres import find_bin
from with_postgres import install as install_postgres
from with_postgres import server as postgres_server

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
HEADERS_MORE = "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so"


@contextlib.contextmanager
def postgres(tmp: Path) -> Iterator[str]:
    """A throwaway PostgreSQL on loopback with durable defaults (fsync on); yields its URL."""
    bindir = find_bin()
    if bindir is None:
        install_postgres()
        bindir = find_bin()
    if bindir is None:
        sys.exit("bench-cluster: install Debian's postgresql package (apt-get install postgresql)")
    folder = tmp / "pg"
    folder.mkdir()
    if os.geteuid() == 0:
        tmp.chmod(0o755)  # the postgres user must reach the folder inside our temp dir
    with postgres_server(bindir, folder, "-c max_connections=100") as url:
        yield url


def nginx_config(
    folder: Path, port: int, upstreams: list[int], *, rate_limits: bool
) -> tuple[Path, Path]:
    """deploy/nginx.conf with loopback addresses and temp paths; returns (conf, access log)."""
    text = NGINX_CONF.read_text()
    servers = iter(upstreams)
    text, n = re.subn(r"server app\d+:8000", lambda _: f"server 127.0.0.1:{next(servers)}", text)
    if n != len(upstreams):
        raise RuntimeError(f"deploy/nginx.conf lists {n} app servers, expected {len(upstreams)}")
    access_log = folder / "access.log"
    replacements = {
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "pid /run/nginx.pid;": f"pid {folder}/nginx.pid;",
        "access_log /dev/stdout verder_noip;": f"access_log {access_log} verder_noip;",
        "user www-data;": "",
        "http {": "http {\n"
        + "".join(
            f"    {kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
    }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new, 1)
    if not rate_limits:
        text = re.sub(r"^\s*limit_req zone=.*\n", "", text, flags=re.MULTILINE)
    conf = folder / "nginx.conf"
    conf.write_text(text)
    return conf, access_log


def start_nginx(
    tmp: Path, running: list[Service], upstreams: list[int], *, rate_limits: bool
) -> tuple[str, Service, Path]:
    """Start nginx in the foreground under our control; return its base URL."""
    folder = tmp / ("nginx-limited" if rate_limits else "nginx")
    folder.mkdir()
    port = free_port()
    conf, access_log = nginx_config(folder, port, upstreams, rate_limits=rate_limits)
    argv = [nginx_binary(), "-p", str(folder), "-c", str(conf), "-e", "stderr"]
    subprocess.run([*argv, "-t", "-q"], check=True)  # noqa: S603
    server = Service(folder.name, [*argv, "-g", "daemon off;"], log_dir=tmp)
    running.append(server)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/healthz", server)
    return base, server, access_log


def save_tokens(base: str, n: int = 30) -> list[str]:
    """Save `n` results and return their tokens."""
    tokens = []
    for i in range(n):
        body = urlencode(ANSWER_SETS[i % len(ANSWER_SETS)]).encode()
        saved = http(f"{base}/nl/r", method="POST", body=body, headers=SAME_ORIGIN)
        if saved.status != 303:
            raise RuntimeError(f"saving through {base} answered {saved.status}")
        tokens.append(saved.headers["location"].rsplit("/", 1)[1])
    return tokens


def check_rate_limits(base: str, token: str) -> dict[str, object]:
    """A burst from one address through the real deploy/nginx.conf limits."""
    body = urlencode(ANSWER_SETS[0]).encode()
    saves = [
        http(f"{base}/nl/r", method="POST", body=body, headers=SAME_ORIGIN).status
        for _ in range(25)
    ]
    opens = [http(f"{base}/nl/r/{token}").status for _ in range(45)]
    limited = http(f"{base}/nl/r", method="POST", body=body, headers=SAME_ORIGIN)
    page = http(f"{base}/nl/check")
    missing = [h for h in SAFETY_HEADERS if h not in limited.headers]
    return {
        "saves_ok": saves.count(303),
        "saves_429": saves.count(429),
        "opens_ok": opens.count(200),
        "opens_429": opens.count(429),
        "limited_headers_missing": missing,
        "limited_status": limited.status,
        "server_header": "server" in page.headers or "server" in limited.headers,
        "page_headers_missing": [h for h in SAFETY_HEADERS if h not in page.headers],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the cluster benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--doc", type=Path, default=PERFORMANCE_MD, help="report to update")
    args = parser.parse_args(argv)
    ensure_debian_packages(
        {
            "wrk": "wrk",
            nginx_binary(): "nginx",
            HEADERS_MORE: "libnginx-mod-http-headers-more-filter",
        }
    )
    info = machine()
    opts = {
        "seconds": args.seconds,
        "warmup": args.warmup,
        "connections": args.connections,
        "threads": args.threads,
    }
    secret = secrets.token_urlsafe(32)

    with temp_dir("verder-bench-cluster-") as tmp_name:
        tmp = Path(tmp_name)
        with postgres(tmp) as url, services() as running:
            env = site_env(url, secret)
            subprocess.run(  # noqa: S603
                [str(BIN / "python"), "-m", "app.db", "init"],
                cwd=ROOT,
                env={**os.environ, **env},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            pg_pids = _postgres_pids(tmp / "pg" / "data")

            log("one instance on PostgreSQL, no nginx")
            port = free_port()
            single = Service("single", uvicorn_argv(port), log_dir=tmp, env=env)
            running.append(single)
            wait_http(f"http://127.0.0.1:{port}/healthz", single)
            base = f"http://127.0.0.1:{port}"
            tokens = save_tokens(base)
            one = measure_cases(base, tokens, [single.pid, *pg_pids], tmp, opts)
            single.stop()

            log("nginx → two instances → PostgreSQL")
            ports = [free_port(), free_port()]
            apps = [
                Service(
                    f"app{i + 1}", uvicorn_argv(p, extra=["--proxy-headers"]), log_dir=tmp, env=env
                )
                for i, p in enumerate(ports)
            ]
            running.extend(apps)
            for app, p in zip(apps, ports, strict=True):
                wait_http(f"http://127.0.0.1:{p}/healthz", app)
            front, nginx, access_log = start_nginx(tmp, running, ports, rate_limits=False)
            tokens = save_tokens(front)
            pids = [a.pid for a in apps] + [nginx.pid, *pg_pids]
            two = measure_cases(front, tokens, pids, tmp, opts)
            spread = [_requests_served(a) for a in apps]
            nginx.stop()

            log("checking the rate limits of deploy/nginx.conf")
            limited_front, limited, limited_log = start_nginx(tmp, running, ports, rate_limits=True)
            limits = check_rate_limits(limited_front, tokens[0])
            log_sample = _log_sample(limited_log)
            limited.stop()
            access_text = access_log.read_text()
            access_lines = access_text.count("\n")
            failed = _failed(access_text)

    markdown = _markdown(info, args, one, two, limits, log_sample, spread, access_lines, failed)
    print(markdown)
    if not args.no_write:
        update_section("bench-cluster", markdown, args.doc)
    return 0


def _postgres_pids(data: Path) -> list[int]:
    """The postmaster's pid (its backends are its children, counted with it)."""
    pid_file = data / "postmaster.pid"
    try:
        return [int(pid_file.read_text().split()[0])]
    except (OSError, ValueError, IndexError):
        return []


def _requests_served(app: Service) -> int:
    """How many requests one instance logged (the app's access log: one line per request)."""
    text = app.log_path.read_text(errors="replace")
    return sum(1 for line in text.splitlines() if " verder.access " in line)


def _failed(access_log: str) -> dict[str, int]:
    """4xx and 5xx answers in nginx's log of the throughput runs: `route status` -> count."""
    counts: dict[str, int] = {}
    for line in access_log.splitlines():
        words = line.split()
        # 499: wrk closed a connection with a request in flight when a run ended; not an error.
        if len(words) >= 4 and words[3].isdigit() and int(words[3]) >= 400 and words[3] != "499":
            key = f"{words[1]} {words[2]} {words[3]}"
            counts[key] = counts.get(key, 0) + 1
    return counts


def _log_sample(path: Path) -> list[str]:
    lines = path.read_text().splitlines() if path.exists() else []
    wanted = []
    for needle in (" /{lang}/r ", " /{lang}/r/{token} ", " 429 "):
        wanted += [line for line in lines if needle in line][:1]
    return wanted[:3]


def _markdown(
    info: dict[str, str],
    args: argparse.Namespace,
    one: dict[str, WrkResult],
    two: dict[str, WrkResult],
    limits: dict[str, object],
    log_sample: list[str],
    spread: list[int],
    access_lines: int,
    failed: dict[str, int],
) -> str:
    labels = {
        "questionnaire": "GET /nl/check (questionnaire)",
        "result": "POST /nl/check (result)",
        "save": "POST /nl/r (save a result)",
        "open": "GET /nl/r/{token} (open a saved result)",
    }
    rows = [
        "| endpoint | one instance req/s | p99 ms | errors | nginx + two instances req/s | "
        "p99 ms | errors | cluster / one | CPU ms/req one → cluster |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in labels.items():
        a, b = one[key], two[key]
        rows.append(
            f"| {label} | {fmt_rate(a.rps)} | {a.p99_ms:.1f} | {_errors(a)} | {fmt_rate(b.rps)} | "
            f"{b.p99_ms:.1f} | {_errors(b)} | {b.rps / a.rps:.2f}× | "
            f"{a.cpu_ms_per_request:.2f} → {b.cpu_ms_per_request:.2f} |"
        )
    ok_limits = (
        limits["saves_429"] > 0  # type: ignore[operator]
        and limits["opens_429"] > 0  # type: ignore[operator]
        and limits["limited_status"] == 429
        and not limits["limited_headers_missing"]
        and not limits["page_headers_missing"]
        and not limits["server_header"]
    )
    limit_text = (
        f"Rate limits of deploy/nginx.conf, one address, no pause: of 25 saves "
        f"{limits['saves_ok']} were stored and {limits['saves_429']} got 429; of 45 opens "
        f"{limits['opens_ok']} were served and {limits['opens_429']} got 429. nginx's 429 page "
        f"carries the safety headers: {'yes' if not limits['limited_headers_missing'] else 'no'}; "
        f"a `Server` header anywhere: {'yes' if limits['server_header'] else 'no'}. "
        f"Verdict: {'as configured' if ok_limits else '**not as configured**'}."
    )
    method = (
        f"wrk, {args.threads} threads, {args.connections} connections, {args.warmup} s warm-up "
        f"then {args.seconds} s per case, on 127.0.0.1. PostgreSQL {_pg_version()} with its "
        "durable defaults (fsync and synchronous_commit on); each instance is one uvicorn "
        "worker with `RATE_LIMIT_ENABLED=false`; nginx runs deploy/nginx.conf with 2 worker "
        "processes and its limit_req lines removed for the throughput runs. CPU ms/req counts "
        "every server process (instances, nginx, PostgreSQL). Everything, wrk included, shares "
        "the machine's cores: a second instance on the same two cores cannot add capacity, "
        "it shows that the topology works and what the proxy hop costs."
    )
    return "\n".join(
        [
            f"Generated by `make bench-cluster` on {info['date']}.",
            "",
            machine_markdown(info),
            "",
            *rows,
            "",
            f"Requests per instance during the cluster runs (from each instance's own log): "
            f"{' / '.join(f'{n:,}' for n in spread)}; nginx logged {access_lines:,} lines, "
            + (
                "none of them a 4xx or 5xx (leaving out 499, wrk closing its connections with "
                "requests in flight when a run ends)."
                if not failed
                else "with these 4xx/5xx answers: "
                + ", ".join(f"{k} × {n}" for k, n in sorted(failed.items()))
                + "."
            ),
            "",
            textwrap.fill(limit_text, 100),
            "",
            "nginx access log lines (format `verder_noip`: no address, no token):",
            "",
            "```",
            *log_sample,
            "```",
            "",
            textwrap.fill(method, 100),
        ]
    )


def _errors(r: WrkResult) -> str:
    detail = ", ".join(f"{k} {v}" for k, v in r.error_detail.items())
    return f"{r.errors} ({detail})" if detail else str(r.errors)


def _pg_version() -> str:
    bindir = find_bin()
    if bindir is None:
        return "?"
    out = subprocess.run(  # noqa: S603
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    words = out.stdout.split()
    return words[2] if len(words) > 2 else "?"


if __name__ == "__main__":
    sys.exit(main())
