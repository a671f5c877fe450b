"""A bad catalogue stops start-up with file, record and field named; it never half-loads."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import catalog as catalog_module
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
        CatalogError, match=r"record 2 \(id 'trafficking-help', line 16\), field kind"
    ):
        load_catalog(data_dir)


# --- The YAML itself ---------------------------------------------------------------------------

# Snippets of tests/data/providers.yaml: the end of record 1 (its `free`, line 12) and record 1's
# last line with the start of record 2 (line 16).
RECORD_1_FREE = 'free: true\n    description: {nl: "Alarmnummer."'
RECORD_1_END = 'verified_on: 2026-11-28\n  - id: "trafficking-help"'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'contact: {phone: "112"}',
            'contact: {phone: "112", hours: {nl: "Altijd", en: "Always", nl: "Nooit"}}',
            "providers.yaml: line 11: duplicate key 'nl'",
            id="duplicate key deep in a nested mapping",
        ),
        pytest.param(
            'th: "หมายเลขฉุกเฉิน"}',
            'th: !!str "หมายเลขฉุกเฉิน"}',
            "providers.yaml: line 13: YAML tags such as tag:yaml.org,2002:str are not allowed",
            id="tag on a nested scalar",
        ),
        pytest.param(
            'contact: {phone: "112"}',
            'contact: &contact {phone: "112"}',
            "providers.yaml: line 11: anchors and aliases are not allowed",
            id="anchor on a mapping",
        ),
        pytest.param(
            'contact: {website: "https://example.org/trafficking"}',
            "contact: *contact",
            "providers.yaml: line 24: anchors and aliases are not allowed",
            id="alias",
        ),
        pytest.param(
            'needs: ["debts", "income"]',
            "needs: [debts, off]",
            "providers.yaml: line 59: write 'off' in quotes; YAML 1.1 readers take it for a "
            "boolean or a number",
            id="YAML 1.1 off in a list",
        ),
        pytest.param(
            RECORD_1_FREE,
            RECORD_1_FREE.replace("free:", "on:"),
            "providers.yaml: line 12: write 'on' in quotes",
            id="YAML 1.1 on as a key",
        ),
        pytest.param(
            RECORD_1_END,
            RECORD_1_END.replace("2026-11-28", "2026-02-30"),
            "providers.yaml: line 15: '2026-02-30' is not a valid date: day is out of range for "
            "month",
            id="impossible date",
        ),
        pytest.param(
            RECORD_1_FREE,
            RECORD_1_FREE.replace("free: true", "? [free]\n    : true"),
            "providers.yaml: line 12: a key must be a single value, not a mapping or a list",
            id="list as a key",
        ),
        pytest.param(
            RECORD_1_END,
            RECORD_1_END.replace("\n", "\n---\nproviders:\n"),
            "providers.yaml: expected a single document in the stream",
            id="two documents",
        ),
        pytest.param(
            'name: "112"',
            'name: "112',
            "providers.yaml: while parsing a block mapping",
            id="syntax error",
        ),
    ],
)
def test_the_yaml_is_read_strictly(data_dir: Path, old: str, new: str, message: str) -> None:
    replace(data_dir / "providers.yaml", old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(message)


def test_anchors_aliases_and_tags_anywhere_are_reported_before_any_other_mistake(
    data_dir: Path,
) -> None:
    """The whole file is checked for them first: a lesser mistake above never hides one."""
    path = data_dir / "providers.yaml"
    replace(path, RECORD_1_FREE, RECORD_1_FREE.replace("true", "no"))  # line 12
    replace(path, 'name: "Health line"', 'name: !!python/name:os.system "x"')  # line 69
    with pytest.raises(CatalogError, match=r"^providers\.yaml: line 69: YAML tags such as"):
        load_catalog(data_dir)


# Record 2's own `free` (line 25), a field of the record like record 1's `contact` (line 11).
RECORD_2_FREE = (
    'free: true\n    anonymous_possible: true\n    description: {nl: "Hulp bij uitbuiting."'
)


@pytest.mark.parametrize(
    ("mistakes", "reported"),
    [
        pytest.param(
            [
                ('contact: {phone: "112"}', "contact: {phone: 0612345678}"),
                (RECORD_2_FREE, RECORD_2_FREE.replace("true", "yes", 1)),
            ],
            "line 25: write 'yes' in quotes",
            id="a record's own field before one nested in an earlier record",
        ),
        pytest.param(
            [("    emergency: true\n", "    emergency: off\n    free: false\n")],
            "line 13: duplicate key 'free'",
            id="a mapping's keys before its values",
        ),
    ],
)
def test_of_several_mistakes_in_values_the_first_met_level_by_level_is_reported(
    data_dir: Path, mistakes: list[tuple[str, str]], reported: str
) -> None:
    """In the order PyYAML's constructor reported them: level by level, keys before values."""
    for old, new in mistakes:
        replace(data_dir / "providers.yaml", old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(f"providers.yaml: {reported}")


def test_plain_yaml_12_values_are_typed_and_all_else_is_text(data_dir: Path) -> None:
    path = data_dir / "providers.yaml"
    replace(path, 'name: "Debt line"', "name: Debt line")
    replace(path, 'name: "Health line"', 'name: "no"')  # quoted, so text
    catalog = load_catalog(data_dir)
    debt_line = catalog.providers["debt-line"]
    assert debt_line.name == "Debt line"
    assert debt_line.verified_on == date(2026, 11, 28)
    assert debt_line.free is True
    assert catalog.providers["health-line"].name == "no"


@pytest.mark.parametrize("null", ["~", "null", ""])
def test_null_is_none(data_dir: Path, null: str) -> None:
    replace(data_dir / "providers.yaml", RECORD_1_FREE, RECORD_1_FREE.replace("true", null))
    assert load_catalog(data_dir).providers["emergency-112"].free is None


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_file_is_refused(data_dir: Path, text: str) -> None:
    (data_dir / "providers.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(
        CatalogError,
        match=r"^providers\.yaml: the file must hold one key, 'providers', with a list$",
    ):
        load_catalog(data_dir)


# Pieces of YAML, well- and ill-formed, such as a hand-edited catalogue might come to hold.
YAML_PIECES = st.sampled_from(
    [
        *["\n", "\n  - ", "\n    ", " ", "\t", ": ", "- ", "? ", "[", "]", "{", "}", ", ", "#"],
        *["'", '"', "---\n", "...\n", "&a ", "*a", "!!str ", "! ", "!x ", "id", "free", "nl"],
        *["no", "on", "Y", "010", "0612345678", "1.5", "-1", "true", "null", "~", "2026-11-28"],
        *["2026-02-30", "0000-01-01", "9" * 5000],
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0), st.lists(YAML_PIECES, max_size=4)),
        min_size=1,
        max_size=3,
    )
)
def test_any_edit_loads_or_is_refused_with_a_catalog_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[bool, int, list[str]]]
) -> None:
    """Whatever is typed into the file, start-up gets a catalogue or an error naming the file."""
    monkeypatch.setattr(catalog_module, "CACHE_DIR", data_dir / "cache")
    lines = (TEST_DATA / "providers.yaml").read_text(encoding="utf-8").split("\n")
    for new_value, at, pieces in edits:
        line = lines[at % len(lines)]
        if new_value and ": " in line:  # what follows a key, rewritten
            lines[at % len(lines)] = line[: line.index(": ") + 2] + "".join(pieces)
        else:  # typed in somewhere
            at %= len(line) + 1
            lines[at % len(lines)] = line[:at] + "".join(pieces) + line[at:]
    (data_dir / "providers.yaml").write_text("\n".join(lines), encoding="utf-8")
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as exc:
        assert str(exc).startswith("providers.yaml")
    else:
        assert catalog.providers


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
