"""The real catalogue in data/: every municipality in one of 18 regions, real help everywhere."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.catalog import Catalog, load_catalog
from app.matching.types import NATIONAL

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITIES_CSV = ROOT / "data" / "municipalities.csv"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The catalogue as the site loads it."""
    return load_catalog(ROOT / "data")


def test_there_are_18_regions(catalog: Catalog) -> None:
    assert len(catalog.regions) == 18


def test_all_342_municipalities_are_in_exactly_one_region(catalog: Catalog) -> None:
    assert len(catalog.municipalities) == 342
    assert len(catalog.municipality_region) == 342


def test_the_municipalities_match_the_reference_list(catalog: Catalog) -> None:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as fh:
        reference = {row["cbs_code"]: row for row in csv.DictReader(fh)}
    assert set(reference) == set(catalog.municipalities)
    for code, row in reference.items():
        assert catalog.municipalities[code].name == row["name"]
        assert catalog.municipalities[code].province == row["province"]
        for alias in filter(None, (a.strip() for a in row["aliases"].replace(";", ",").split(","))):
            assert catalog.resolve_municipality(alias) == code, alias


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Amsterdam", "GM0363"),
        ("Den Haag", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("'s-Hertogenbosch", "GM0796"),
        ("gm0344", "GM0344"),
        ("Weesp", "GM0363"),
    ],
)
def test_everyday_names_resolve(catalog: Catalog, typed: str, code: str) -> None:
    assert catalog.resolve_municipality(typed) == code


def test_the_confirmed_apeldoorn_region_has_its_22_municipalities(catalog: Catalog) -> None:
    apeldoorn = next(r for r in catalog.regions.values() if r.centrumgemeente == "GM0200")
    assert len(apeldoorn.municipalities) == 22
    assert apeldoorn.verified


def test_every_region_has_an_exit_programme_or_pmw(catalog: Catalog) -> None:
    for region in catalog.regions:
        hubs = [
            p
            for p in catalog.providers.values()
            if region in p.regions and p.kind in ("exit_programme", "pmw")
        ]
        assert hubs, region


def test_there_are_at_least_12_national_lines(catalog: Catalog) -> None:
    national = [p for p in catalog.providers.values() if NATIONAL in p.regions]
    assert len(national) >= 12


def test_the_emergency_block_has_112_and_trafficking_help(catalog: Catalog) -> None:
    emergency = {p.id for p in catalog.providers.values() if p.emergency}
    assert "emergency-112" in emergency
    assert len(emergency) >= 3


def test_phone_numbers_are_text_and_plausible(catalog: Catalog) -> None:
    for p in catalog.providers.values():
        if p.contact.phone:
            digits = "".join(c for c in p.contact.phone if c.isdigit())
            assert 3 <= len(digits) <= 12, p.id


def test_no_record_is_older_than_a_year(catalog: Catalog) -> None:
    for p in catalog.providers.values():
        assert p.verified_on >= date.today() - timedelta(days=365), p.id


def test_unverified_records_say_why(catalog: Catalog) -> None:
    for p in catalog.providers.values():
        assert p.verified or p.note, p.id
    for r in catalog.regions.values():
        assert r.verified or r.note, r.id
