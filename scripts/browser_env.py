"""Make sure the browser tests have Debian's Chromium and fonts; `make test` runs this first.

Where Chromium or the fonts are missing, it installs Debian's packages when it runs as root
with apt-get (as CI does on a fresh machine). Otherwise it says what to install and leaves the
verdict to the browser tests, which then fail with the same advice: they never skip.
Playwright's own browser download (`playwright install`) is never used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Chromium itself; Thai fonts from TLWG for any Thai the vendored web font does not cover;
# DejaVu so Latin text has the same metrics on every machine (layout tests measure widths).
PACKAGES = ("chromium", "fonts-thai-tlwg", "fonts-dejavu-core")


def missing_packages() -> list[str]:
    """The packages of PACKAGES that dpkg does not list as installed."""
    if not shutil.which("dpkg-query"):
        return [] if CHROMIUM.is_file() else ["chromium"]
    missing = []
    for package in PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${db:Status-Status}", package],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if result.stdout.strip() != "installed":
            missing.append(package)
    return missing


def main() -> int:
    """Install what is missing where we can; always exit 0 so the tests give the verdict."""
    if os.environ.get("VERDER_CHROMIUM"):
        print(f"browser_env: using VERDER_CHROMIUM={os.environ['VERDER_CHROMIUM']}")
        return 0
    missing = missing_packages()
    if not missing:
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"browser_env: installing Debian's {' '.join(missing)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],  # noqa: S607
                check=True,
                env=env,
            )
        except subprocess.CalledProcessError as exc:
            # The other tests still run; the browser tests fail and say what is missing.
            print(f"browser_env: apt-get failed ({exc}); the browser tests will fail", flush=True)
        return 0
    print(
        f"browser_env: {' '.join(missing)} not installed, so the browser tests will fail.\n"
        f"  Install them with: sudo apt-get install {' '.join(missing)}\n"
        "  (or set VERDER_CHROMIUM to another Chromium's executable). "
        "Never `playwright install`.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
