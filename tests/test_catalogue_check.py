"""`make catalogue-check` passes on the real catalogue and names what is wrong otherwise."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "catalogue_check.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the check script."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_the_real_catalogue_has_no_errors() -> None:
    result = run()
    assert result.returncode == 0, result.stdout
    assert "18 regions, 342 municipalities" in result.stdout
    assert " 0 errors" in result.stdout


def test_unverified_records_are_listed() -> None:
    assert "WARNING providers.yaml" in run().stdout


def test_records_older_than_a_year_are_reported(tmp_path: Path) -> None:
    result = run("--today", "2028-06-01")
    assert "is over 12 months ago" in result.stdout


def test_a_bad_record_fails_with_file_record_and_field(tmp_path: Path) -> None:
    for name in ("regions.yaml", "providers.yaml"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    path = tmp_path / "providers.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kind: "pmw"', 'kind: "helpdesk"', 1), encoding="utf-8")
    result = run("--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "ERROR providers.yaml, record" in result.stdout
    assert "field kind" in result.stdout


def test_a_region_left_without_a_hub_is_an_error(tmp_path: Path) -> None:
    for name in ("regions.yaml", "providers.yaml"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    path = tmp_path / "providers.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('kind: "exit_programme"', 'kind: "specialised"').replace(
            'kind: "pmw"', 'kind: "specialised"'
        ),
        encoding="utf-8",
    )
    result = run("--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "no exit programme or PMW serves it" in result.stdout
