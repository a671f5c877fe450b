"""The validated-catalogue cache: used only when it matches the files, never when stale or bad."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import catalog as catalog_module
from app.catalog import CatalogError, catalogue_cache_path, load_catalog
from app.main import create_app
from app.settings import Settings

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the small test catalogue, with a cache folder of its own."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("regions.yaml", "providers.yaml"):
        shutil.copy(TEST_DATA / name, data / name)
    monkeypatch.setattr(catalog_module, "CACHE_DIR", tmp_path / "cache")
    return data


@pytest.fixture
def strict_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every strict (uncached) load, by its providers file."""
    calls: list[Path] = []
    real = catalog_module._strict_load

    def counting(*args: object) -> object:
        calls.append(args[2])  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module, "_strict_load", counting)
    return calls


def test_a_second_load_comes_from_the_cache_and_is_the_same(
    data_dir: Path, strict_loads: list[Path]
) -> None:
    first = load_catalog(data_dir)
    assert catalogue_cache_path(data_dir).is_file()
    second = load_catalog(data_dir)
    assert len(strict_loads) == 1, "the second load must not parse the YAML again"
    assert second == first
    assert second.match_catalogue.providers == first.match_catalogue.providers


def test_a_changed_file_is_loaded_strictly_and_its_errors_still_stop_it(
    data_dir: Path, strict_loads: list[Path]
) -> None:
    load_catalog(data_dir)
    path = data_dir / "providers.yaml"
    path.write_text(path.read_text().replace('kind: "specialised"', 'kind: "helpdesk"'))
    with pytest.raises(CatalogError, match=r"record 2 \(id 'trafficking-help', line \d+\)"):
        load_catalog(data_dir)
    assert len(strict_loads) == 2


def test_a_change_in_the_code_makes_the_cache_stale(
    data_dir: Path, strict_loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(data_dir)
    monkeypatch.setattr(catalog_module, "_CACHE_FORMAT", 999)
    load_catalog(data_dir)
    assert len(strict_loads) == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="cut short"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b.replace(b"Den Bosch", b"Den Bosck"), id="one letter changed"),
        pytest.param(lambda b: b.replace(b'"kind":"', b'"kind":"x', 1), id="invalid record"),
        pytest.param(lambda b: b"\x00\xff" + b, id="garbage"),
    ],
)
def test_a_corrupt_cache_is_never_used(
    data_dir: Path, strict_loads: list[Path], damage: object
) -> None:
    expected = load_catalog(data_dir)
    cache = catalogue_cache_path(data_dir)
    damaged = damage(cache.read_bytes())  # type: ignore[operator]
    cache.write_bytes(damaged)
    assert load_catalog(data_dir) == expected
    assert len(strict_loads) == 2
    assert cache.read_bytes() != damaged, "the full load writes a good cache again"


def test_a_cache_edited_to_match_its_hash_is_still_validated(
    data_dir: Path, strict_loads: list[Path]
) -> None:
    """Even with a fixed-up hash, a record that breaks the schema is refused."""
    import hashlib

    load_catalog(data_dir)
    cache = catalogue_cache_path(data_dir)
    header_line, _, payload = cache.read_bytes().partition(b"\n")
    payload = payload.replace(b'"source":"https://', b'"source":"http://', 1)
    header = json.loads(header_line)
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    cache.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    catalog = load_catalog(data_dir)
    assert all(p.source.startswith("https://") for p in catalog.providers.values())
    assert len(strict_loads) == 2


def test_an_unwritable_cache_folder_still_loads(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setattr(catalog_module, "CACHE_DIR", blocker / "cache")
    assert set(load_catalog(data_dir).regions) == {"utrecht", "den-bosch"}


def test_instances_starting_at_once_all_load_the_same(data_dir: Path) -> None:
    results: list[object] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            results.append(load_catalog(data_dir))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 6 and all(r == results[0] for r in results)
    cache_dir = catalogue_cache_path(data_dir).parent
    assert [p.name for p in cache_dir.iterdir()] == [catalogue_cache_path(data_dir).name]


def test_old_caches_are_pruned(data_dir: Path) -> None:
    path = data_dir / "providers.yaml"
    text = path.read_text()
    for i in range(catalog_module.CACHE_KEEP + 3):
        path.write_text(text.replace("Alarmnummer.", f"Alarmnummer {i}."))
        load_catalog(data_dir)
    names = {p.name for p in catalogue_cache_path(data_dir).parent.iterdir()}
    assert len(names) == catalog_module.CACHE_KEEP
    assert catalogue_cache_path(data_dir).name in names


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param('kind: "specialised"', 'kind: "helpdesk"', id="invalid record"),
        pytest.param('phone: "0800-0000"', "phone: 0612345678", id="YAML 1.1 number"),
        pytest.param('id: "debt-line"', 'id: "health-line"', id="id used twice"),
    ],
)
def test_a_bad_catalogue_is_never_cached(data_dir: Path, old: str, new: str) -> None:
    path = data_dir / "providers.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(data_dir)
    assert not catalog_module.CACHE_DIR.exists() or not any(catalog_module.CACHE_DIR.iterdir())


def test_the_site_keeps_its_cache_in_the_folder_its_settings_name(
    data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "image-cache"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'verder.db'}",
        data_dir=data_dir,
        catalogue_cache_dir=elsewhere,
        secret_key="test-secret-key-that-is-long-enough",
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    assert catalogue_cache_path(data_dir, elsewhere).is_file()
    assert not catalogue_cache_path(data_dir).exists(), "the default folder stays untouched"


def test_make_catalogue_cache_writes_where_the_setting_says(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strict_loads: list[Path]
) -> None:
    # The Docker image keeps its cache outside the /app/var volume this way.
    elsewhere = tmp_path / "app-cache"
    monkeypatch.setenv("VERDER_CATALOGUE_CACHE_DIR", str(elsewhere))
    assert catalog_module._main([str(data_dir)]) == 0
    assert catalogue_cache_path(data_dir, elsewhere).is_file()
    load_catalog(data_dir, elsewhere)
    assert len(strict_loads) == 1, "the site's start reads what the build step wrote"
