"""Run a command with a throwaway PostgreSQL server, exported as VERDER_TEST_POSTGRES_URL.

`make test` uses this so the database tests run against SQLite and PostgreSQL alike.
Where no server can be found it installs Debian's package when running as root (as CI does);
otherwise it stops with a message saying what to install. It never skips silently.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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


@contextlib.contextmanager
def server(bindir: Path, folder: Path, settings: str) -> Iterator[str]:
    """PostgreSQL with its data in `folder`, on a free loopback port; yields its URL."""
    # PostgreSQL refuses to run as root; as root we run it as the 'postgres' system user.
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "verder"]
    subprocess.run(
        [*run_as, *initdb, "--no-sync", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 {settings}"
    ctl = [*run_as, str(bindir / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [*ctl, "-o", options, "-l", str(folder / "server.log"), "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield f"postgresql+psycopg://verder@127.0.0.1:{port}/postgres"
    finally:
        # Throwaway data: no need for a clean shutdown.
        subprocess.run(
            [*ctl, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


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
    tmp = Path(tempfile.mkdtemp(prefix="verder-pg-"))
    try:
        # fsync off: test data is thrown away, and the suite runs faster.
        with server(bindir, tmp, "-c fsync=off") as url:
            print(f"with_postgres: throwaway server on port {url.rsplit(':', 1)[1]}", flush=True)
            return subprocess.call(argv, env={**os.environ, "VERDER_TEST_POSTGRES_URL": url})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
