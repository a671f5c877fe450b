"""Run a command with a throwaway PostgreSQL server, exported as VERDER_TEST_POSTGRES_URL.

`make test` uses this so the database tests run against SQLite and PostgreSQL alike.
Where no server can be found it installs Debian's package when running as root (as CI does);
otherwise it stops with a message saying what to install. It never skips silently.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "pg_ctl").exists() and Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def install() -> None:
    """Install Debian's PostgreSQL server when we are root and apt-get exists."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print("with_postgres: installing Debian's postgresql package", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],  # noqa: S607
        check=True,
        env=env,
    )


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    """Start the server, run argv, stop the server; return argv's exit code."""
    if os.environ.get("VERDER_TEST_POSTGRES_URL"):
        return subprocess.call(argv)
    bindir = find_bin()
    if bindir is None:
        install()
        bindir = find_bin()
    if bindir is None:
        print(
            "with_postgres: no PostgreSQL server found. Install Debian's 'postgresql' package "
            "(apt-get install postgresql), or set VERDER_TEST_POSTGRES_URL to a test database.",
            file=sys.stderr,
        )
        return 2

    # PostgreSQL refuses to run as root; as root we run it as the 'postgres' system user.
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    tmp = Path(tempfile.mkdtemp(prefix="verder-pg-"))
    data = tmp / "data"
    if owner:
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    port = free_port()
    log = tmp / "server.log"
    try:
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "verder",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [
                *run_as,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgresql+psycopg://verder@127.0.0.1:{port}/postgres"
        print(f"with_postgres: throwaway server on port {port}", flush=True)
        return subprocess.call(argv, env={**os.environ, "VERDER_TEST_POSTGRES_URL": url})
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
