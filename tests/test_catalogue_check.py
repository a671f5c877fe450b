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


def test_unverified_records_are_listed_with_file_and_line() -> None:
    assert "WARNING providers/" in run().stdout
    assert ": unverified: " in run().stdout


def test_the_depth_tables_and_the_sweep_are_printed() -> None:
    out = run().stdout
    assert "Real regional services per region and need" in out
    assert "Real regional services per region and group" in out
    assert "municipalities with their own desk: " in out
    assert "regions whose place to start is only for women: " in out
    assert "sweep: 16464 results" in out  # (342 municipalities + none) x 12 needs x 4
    assert "records without a phone:" in out
    assert "before you make contact: sourced (known) of " in out


def test_records_older_than_a_year_are_reported(tmp_path: Path) -> None:
    result = run("--today", "2028-06-01")
    assert "is over 12 months ago" in result.stdout


def copy_of_the_data(tmp_path: Path) -> Path:
    """A writable copy of data/."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def test_a_bad_record_fails_with_file_record_line_and_field(tmp_path: Path) -> None:
    data = copy_of_the_data(tmp_path)
    path = data / "providers" / "national.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kind: "national_line"', 'kind: "helpdesk"', 1), encoding="utf-8")
    result = run("--data-dir", str(data))
    assert result.returncode == 1
    assert "ERROR providers/national.yaml, record 1 (id 'emergency-112', line" in result.stdout
    assert "field kind" in result.stdout


def test_a_region_without_its_file_is_an_error(tmp_path: Path) -> None:
    data = copy_of_the_data(tmp_path)
    (data / "providers" / "flevoland.yaml").unlink()
    result = run("--data-dir", str(data))
    assert result.returncode == 1
    assert "ERROR providers/flevoland.yaml: missing" in result.stdout


def test_a_need_nothing_reachable_covers_is_named_as_a_gap(tmp_path: Path) -> None:
    """Her page names the gap, so the check warns and passes: the gap is not a silent one."""
    data = copy_of_the_data(tmp_path)
    for path in (data / "providers").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        # A service for addiction only now serves daily life instead: no service is left for it.
        text = text.replace('needs: ["addiction"]', 'needs: ["daily_life"]')
        path.write_text(text.replace('"addiction", ', "").replace(', "addiction"', ""), "utf-8")
    result = run("--data-dir", str(data))
    assert "WARNING sweep: a gap: no reachable service covers: no place, need addiction" in (
        result.stdout
    )
    assert "ERROR" not in result.stdout
    assert result.returncode == 0
