"""The real catalogue, swept through the matcher: never an empty page, never a silent gap."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import quality
from app.catalog import Catalog, load_catalog
from app.matching.types import NEEDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The catalogue as the site loads it."""
    return load_catalog(ROOT / "data")


@pytest.fixture(scope="module")
def sweep(catalog: Catalog) -> quality.Sweep:
    """Every municipality and none x every need x every profile."""
    return quality.sweep(catalog)


def test_the_sweep_covers_every_municipality_need_and_profile_and_a_man_apart(
    catalog: Catalog, sweep: quality.Sweep
) -> None:
    assert sweep.results == (len(catalog.municipalities) + 1) * len(NEEDS) * 4
    assert {"gender": "man"} in quality.SWEEP_PEOPLE.values()


def test_no_result_for_a_chosen_place_is_empty(sweep: quality.Sweep) -> None:
    assert [case for case in sweep.empty if case[0] is not None] == []


def test_a_need_is_either_covered_or_named_as_a_gap(sweep: quality.Sweep) -> None:
    """A need no reachable service covers is named on her page: never a silent gap."""
    assert sweep.unexplained == []


def test_duplicates_are_found_by_digits_and_by_address(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "data", tmp_path, dirs_exist_ok=True)
    assert quality.duplicates(load_catalog(tmp_path)) == []
    den_bosch = tmp_path / "providers" / "den-bosch.yaml"
    text = den_bosch.read_text("utf-8").replace('phone: "073-000 00 00"', 'phone: "0800 0000"')
    den_bosch.write_text(text, "utf-8")
    utrecht = tmp_path / "providers" / "utrecht.yaml"
    text = utrecht.read_text("utf-8").replace(
        'website: "https://example.org/utrecht"}', 'website: "https://www.example.org/health/"}'
    )
    utrecht.write_text(text, "utf-8")
    assert quality.duplicates(load_catalog(tmp_path)) == [
        ("phone", "08000000", ["debt-line", "den-bosch-hub"]),
        ("website", "example.org/health", ["health-line", "utrecht-hub"]),
    ]


def test_the_first_contact_facts_are_counted_per_fact() -> None:
    total, known = quality.contact_fact_counts(load_catalog(ROOT / "tests" / "data"))
    # advice-line states five facts and its hours; debt-line and trafficking-help are free and
    # anonymous by their own fields; money-chat has hours only.
    assert total == 8
    assert known == {
        "anonymous": 3,
        "asks": 1,
        "passes_on": 1,
        "free": 5,  # 112, trafficking-help, debt-line and the two hubs
        "interpreter": 1,
        "companion": 0,
        "first_contact": 1,
        "opening": 2,
    }
