"""A bad catalogue stops start-up with file, record and field named; it never half-loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.catalog import CatalogError, load_catalog

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the small test catalogue."""
    for name in ("regions.yaml", "providers.yaml"):
        shutil.copy(TEST_DATA / name, tmp_path / name)
    return tmp_path


def replace(path: Path, old: str, new: str) -> None:
    """Change one snippet of a catalogue file, which must contain it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_test_catalogue_loads(data_dir: Path) -> None:
    catalog = load_catalog(data_dir)
    assert set(catalog.regions) == {"utrecht", "den-bosch"}
    assert catalog.resolve_municipality("Den Bosch") == "GM0796"
    assert catalog.municipality_region["GM0307"] == "utrecht"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'phone: "112"', "phone: 112", "field contact.phone", id="phone that became an integer"
        ),
        pytest.param(
            'phone: "0800-0000"',
            "phone: 0612345678",
            "write '0612345678' in quotes",
            id="leading-zero number",
        ),
        pytest.param(
            'free: true\n    description: {nl: "Alarmnummer."',
            'free: no\n    description: {nl: "Alarmnummer."',
            "write 'no' in quotes",
            id="YAML 1.1 no",
        ),
        pytest.param('phone: "0800-0000"', "phone: 010", "write '010' in quotes", id="YAML octal"),
        pytest.param('kind: "specialised"', 'kind: "helpdesk"', "field kind", id="unknown kind"),
        pytest.param(
            'needs: ["debts", "income"]',
            'needs: ["debts", "money"]',
            "field needs",
            id="unknown need",
        ),
        pytest.param(
            'regions: ["utrecht"]',
            'regions: ["atlantis"]',
            "unknown region 'atlantis'",
            id="dead region reference",
        ),
        pytest.param(
            'source: "https://www.112.nl"',
            'source: "http://www.112.nl"',
            "field source",
            id="http URL",
        ),
        pytest.param(
            'website: "https://example.org/utrecht"',
            'website: "javascript:alert(1)"',
            "field contact.website",
            id="javascript URL",
        ),
        pytest.param(
            'website: "https://example.org/health"',
            'website: "data:text/html,hi"',
            "field contact.website",
            id="data URL",
        ),
        pytest.param(
            'th: "หมายเลขฉุกเฉิน"}', "}", "missing translation: th", id="missing Thai description"
        ),
        pytest.param(
            'name: "112"', 'name: "<script>alert(1)</script>"', "field name", id="markup in a name"
        ),
        pytest.param(
            'verified_on: 2026-11-28\n  - id: "trafficking-help"',
            'verified_on: "yesterday"\n  - id: "trafficking-help"',
            "field verified_on",
            id="date as text",
        ),
        pytest.param('id: "debt-line"', 'id: "Debt Line"', "field id", id="id that is not a slug"),
        pytest.param('id: "debt-line"', 'id: "health-line"', "used twice", id="duplicate id"),
        pytest.param(
            "    emergency: true\n",
            "    emergency: true\n    emergency: false\n",
            "duplicate key 'emergency'",
            id="duplicate key",
        ),
        pytest.param(
            "    emergency: true\n",
            "    emergency: true\n    colour: red\n",
            "Extra inputs are not permitted",
            id="unknown field",
        ),
        pytest.param(
            'name: "112"', 'name: !!python/object:os.system "ls"', "tags", id="python object tag"
        ),
        pytest.param('name: "112"', 'name: &a "112"', "anchors and aliases", id="anchor"),
    ],
)
def test_bad_provider_records_are_refused(data_dir: Path, old: str, new: str, message: str) -> None:
    replace(data_dir / "providers.yaml", old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert "providers.yaml" in str(caught.value)
    assert message in str(caught.value)


def test_the_error_names_the_record_and_its_line(data_dir: Path) -> None:
    replace(data_dir / "providers.yaml", 'kind: "specialised"', 'kind: "helpdesk"')
    with pytest.raises(
        CatalogError, match=r"record 2 \(id 'trafficking-help', line \d+\), field kind"
    ):
        load_catalog(data_dir)


def test_an_alias_bomb_is_refused(data_dir: Path) -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    (data_dir / "providers.yaml").write_text(bomb, encoding="utf-8")
    with pytest.raises(CatalogError, match="anchors and aliases"):
        load_catalog(data_dir)


def test_a_byte_order_mark_is_refused(data_dir: Path) -> None:
    path = data_dir / "regions.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(CatalogError, match="byte-order mark"):
        load_catalog(data_dir)


def test_latin1_bytes_are_refused(data_dir: Path) -> None:
    path = data_dir / "regions.yaml"
    path.write_bytes(path.read_bytes().replace(b"Regio Utrecht", b"Regio Utr\xe9cht"))
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog(data_dir)


def test_a_municipality_in_two_regions_is_refused(data_dir: Path) -> None:
    replace(
        data_dir / "regions.yaml",
        '{code: "GM1721", name: "Bernheze"',
        '{code: "GM0307", name: "Amersfoort"',
    )
    with pytest.raises(CatalogError, match="GM0307 is in two regions"):
        load_catalog(data_dir)


def test_an_alias_shared_by_two_municipalities_is_refused(data_dir: Path) -> None:
    replace(
        data_dir / "regions.yaml",
        'name: "Bernheze", province: "Noord-Brabant", aliases: []',
        'name: "Bernheze", province: "Noord-Brabant", aliases: ["Den Bosch"]',
    )
    with pytest.raises(CatalogError, match="names both"):
        load_catalog(data_dir)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"regions\.yaml: file not found"):
        load_catalog(tmp_path)


def test_a_bad_catalogue_stops_start_up(data_dir: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    replace(data_dir / "providers.yaml", 'kind: "specialised"', 'kind: "helpdesk"')
    app = create_app(Settings(data_dir=data_dir, database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with pytest.raises(CatalogError, match="field kind"), TestClient(app):
        pass
