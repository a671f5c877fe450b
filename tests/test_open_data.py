"""The catalogue as Open Referral HSDS 3.0: required fields present, every provider in it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.catalog import load_catalog
from app.i18n import LANGUAGES
from app.open_data import export_hsds

ROOT = Path(__file__).resolve().parent.parent
# HSDS 3.0 required fields per table (schema/simple/schema.csv of the specification).
REQUIRED = {
    "organization": ["id", "name", "description"],
    "service": ["id", "name", "status", "organization_id"],
    "location": ["id", "location_type"],
    "service_at_location": ["id", "service_id", "location_id"],
    "phone": ["id", "number"],
    "service_area": ["id"],
    "language": ["id"],
    "taxonomy_term": ["id", "name", "description"],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_entity"],
}


@pytest.fixture(scope="module")
def data() -> dict:
    """The Dutch export of the real catalogue."""
    return export_hsds(load_catalog(ROOT / "data"), "nl")


@pytest.mark.parametrize("table", sorted(REQUIRED))
def test_required_fields_are_filled(data: dict, table: str) -> None:
    assert data[table], f"{table} is empty"
    for row in data[table]:
        for field in REQUIRED[table]:
            assert row.get(field) not in (None, ""), (table, field, row)
        uuid.UUID(row["id"])


def test_every_provider_is_a_service_of_an_organization(data: dict) -> None:
    catalog = load_catalog(ROOT / "data")
    assert {s["x_verder_id"] for s in data["service"]} == set(catalog.providers)
    organizations = {o["id"] for o in data["organization"]}
    assert all(s["organization_id"] in organizations for s in data["service"])
    assert {s["status"] for s in data["service"]} == {"active"}


def test_references_point_to_existing_rows(data: dict) -> None:
    services = {s["id"] for s in data["service"]}
    locations = {loc["id"] for loc in data["location"]}
    terms = {t["id"] for t in data["taxonomy_term"]}
    for table in ("phone", "service_area", "language"):
        assert all(row["service_id"] in services for row in data[table]), table
    assert all(r["location_id"] in locations for r in data["service_at_location"])
    assert all(a["taxonomy_term_id"] in terms for a in data["attribute"])
    assert {loc["location_type"] for loc in data["location"]} <= {"physical", "postal", "virtual"}


def test_ids_are_stable_between_exports(data: dict) -> None:
    again = export_hsds(load_catalog(ROOT / "data"), "nl")
    assert [s["id"] for s in again["service"]] == [s["id"] for s in data["service"]]


def test_the_api_serves_it_per_language(client: TestClient) -> None:
    th = client.get("/api/v1/hsds?lang=th").json()
    assert th["hsds_version"] == "3.0"
    assert any("\u0e00" <= c <= "\u0e7f" for c in th["service"][0]["description"])


def test_make_open_data_writes_the_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "export_hsds.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for lang in LANGUAGES:
        data = json.loads((tmp_path / f"hsds-{lang}.json").read_text(encoding="utf-8"))
        assert data["text_language"] == lang and data["service"]
