"""`make bench-cluster`: docker-compose.yml's topology without Docker, on loopback.

nginx (deploy/nginx.conf) → two uvicorn instances → one throwaway PostgreSQL (Debian's package,
durable settings: fsync on). The four cases of `make bench` are driven through nginx, and next
to them one instance on the same PostgreSQL without nginx. The rate limits of deploy/nginx.conf
are taken out for the throughput runs (wrk is one client address) and then checked on their
own: a burst of saves and opens from one address must meet 429s. Writes var/bench/cluster.json.

On a 2-core machine the two instances, nginx, PostgreSQL and wrk share the same two cores, so
this shows the topology works and what it costs, not the gain of a second machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import bench_common as bc
import with_postgres as pg

HEADERS_MORE = "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so"
HEADERS_MORE_DEB = "libnginx-mod-http-headers-more-filter"


def start_nginx(st: contextlib.ExitStack, tmp: Path, ports: list[int], limits: bool) -> Any:
    """deploy/nginx.conf on loopback with temp paths (without limit_req unless `limits`)."""
    folder, port = tmp / ("nginx-limited" if limits else "nginx"), bc.free_port()
    folder.mkdir()
    text = (bc.ROOT / "deploy" / "nginx.conf").read_text()
    servers = iter(ports)
    text, n = re.subn(r"server app\d+:8000", lambda _: f"server 127.0.0.1:{next(servers)}", text)
    if n != len(ports):
        raise RuntimeError(f"deploy/nginx.conf lists {n} app servers, expected {len(ports)}")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"    {k}_temp_path {folder}/{k};\n" for k in kinds)
    for old, new in {
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "pid /run/nginx.pid;": f"pid {folder}/nginx.pid;",
        "access_log /dev/stdout verder_noip;": f"access_log {folder}/access.log verder_noip;",
        "user www-data;": "",
        "http {": "http {\n" + temp,
    }.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new, 1)
    if not limits:
        text = re.sub(r"^\s*limit_req zone=.*\n", "", text, flags=re.MULTILINE)
    (folder / "nginx.conf").write_text(text)
    argv = [bc.NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    subprocess.run([*argv, "-t", "-q"], check=True)  # noqa: S603
    server = bc.spawn(st, folder.name, [*argv, "-g", "daemon off;"], tmp)
    server.wait_http(f"http://127.0.0.1:{port}/healthz")
    return f"http://127.0.0.1:{port}", server, folder / "access.log"


def check_limits(base: str, token: str) -> dict[str, Any]:
    """A burst from one address, no pause, through the real deploy/nginx.conf limits."""
    saves = [bc.http(f"{base}/nl/r", bc.BODIES[0], bc.SAME_ORIGIN)[0] for _ in range(25)]
    opens = [bc.http(f"{base}/nl/r/{token}")[0] for _ in range(45)]
    limited = bc.http(f"{base}/nl/r", bc.BODIES[0], bc.SAME_ORIGIN)
    page = bc.http(f"{base}/nl/check")
    ok = [limited[1].keys() >= set(bc.SAFETY_HEADERS), page[1].keys() >= set(bc.SAFETY_HEADERS)]
    out = {"saves_ok": saves.count(303), "saves_429": saves.count(429)}
    out |= {"opens_ok": opens.count(200), "opens_429": opens.count(429), "headers": ok[0]}
    out["server_header"] = "server" in page[1] or "server" in limited[1]
    out["ok"] = bool(out["saves_429"] and out["opens_429"] and limited[0] == 429 and all(ok))
    out["ok"] &= not out["server_header"]
    return out


def main() -> None:
    """Run the cluster benchmark, write var/bench/cluster.json."""
    args = bc.options(__doc__).parse_args()
    opts = bc.wrk_opts(args)
    bc.need_debian({"wrk": "wrk", bc.NGINX: "nginx", HEADERS_MORE: HEADERS_MORE_DEB})
    if pg.find_bin() is None:
        pg.install()
    bindir = pg.find_bin() or sys.exit("bench-cluster: install Debian's postgresql package")
    with tempfile.TemporaryDirectory(prefix="verder-bench-cluster-") as name:
        tmp = Path(name)
        (tmp / "pg").mkdir()
        if os.geteuid() == 0:
            tmp.chmod(0o755)  # the postgres user must reach the folder inside our temp dir
        with (
            pg.server(bindir, tmp / "pg", "-c max_connections=100") as url,
            contextlib.ExitStack() as st,
        ):
            env = bc.site_env(url)  # one secret: either instance opens what the other saved
            init = [str(bc.BIN / "python"), "-m", "app.db", "init"]
            subprocess.run(init, cwd=bc.ROOT, env={**os.environ, **env}, check=True)  # noqa: S603
            # The postmaster's pid; its backends are its children, counted with it.
            pg_pids = [int((tmp / "pg" / "data" / "postmaster.pid").read_text().split()[0])]

            bc.log("one instance on PostgreSQL, no nginx")
            ports = [bc.free_port(), bc.free_port()]
            single = bc.spawn(st, "single", bc.uvicorn_argv(ports[0]), tmp, env=env)
            base = f"http://127.0.0.1:{ports[0]}"
            single.wait_http(base + "/healthz")
            tokens = bc.save_tokens(base, [])
            one = bc.measure_cases(base, tokens, tmp, pids=[single.pid, *pg_pids], **opts)
            single.stop()

            bc.log("nginx → two instances → PostgreSQL")
            argv = [bc.uvicorn_argv(p, "--proxy-headers") for p in ports]
            apps = [bc.spawn(st, f"app{i + 1}", a, tmp, env=env) for i, a in enumerate(argv)]
            for app, port in zip(apps, ports, strict=True):
                app.wait_http(f"http://127.0.0.1:{port}/healthz")
            front, nginx, access_log = start_nginx(st, tmp, ports, limits=False)
            tokens = bc.save_tokens(front, [])
            pids = [*(a.pid for a in apps), nginx.pid, *pg_pids]
            two = bc.measure_cases(front, tokens, tmp, pids=pids, **opts)
            # Requests per instance: each instance's own access log has one line per request.
            spread = [a.log_path.read_text().count(" verder.access ") for a in apps]
            nginx.stop()

            bc.log("checking the rate limits of deploy/nginx.conf")
            limited_front, limited, limited_log = start_nginx(st, tmp, ports, limits=True)
            limits = check_limits(limited_front, tokens[0])
            limited.stop()
            lines = limited_log.read_text().splitlines()
            needles = (" /{lang}/r ", " /{lang}/r/{token} ", " 429 ")
            sample = [next((ln for ln in lines if n in ln), "") for n in needles]
            throughput_log = access_log.read_text().splitlines()
    # 4xx and 5xx answers in nginx's log, leaving out 499: wrk closing with requests in flight.
    words = [ln.split() for ln in throughput_log]
    failed = [" ".join(w[1:4]) for w in words if len(w) > 3 and w[3].isdigit() and w[3] >= "400"]
    failed = [f for f in failed if not f.endswith(" 499")]
    version = bc.first_line(str(bindir / "postgres"), "--version").split()[2:3] or ["?"]
    data = {"opts": opts, "one": one, "two": two, "spread": spread, "limits": limits}
    data |= {"access_lines": len(throughput_log), "log_sample": [s for s in sample if s]}
    failed_counts = {k: failed.count(k) for k in sorted(set(failed))}
    bc.write_json("cluster", {**data, "failed": failed_counts, "pg": version[0]}, args.quick)


if __name__ == "__main__":
    main()
