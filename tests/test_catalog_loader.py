"""A bad catalogue stops start-up with file, record and field named; it never half-loads."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog import CatalogError, load_catalog

TEST_DATA = Path(__file__).resolve().parent / "data"
NATIONAL = "providers/national.yaml"
UTRECHT = "providers/utrecht.yaml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the small test catalogue."""
    shutil.copytree(TEST_DATA, tmp_path, dirs_exist_ok=True)
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
    assert catalog.start_here == {"utrecht": "utrecht-hub", "den-bosch": "den-bosch-hub"}
    assert catalog.origins["debt-line"].file == NATIONAL
    assert catalog.origins["debt-line"].line == 31


def test_each_municipal_contact_becomes_a_desk_for_that_municipality_only(data_dir: Path) -> None:
    desk = load_catalog(data_dir).providers["gemeente-gm0307"]
    assert desk.name == "Gemeente Amersfoort"
    assert desk.regions == ["utrecht"]
    assert desk.municipalities == ["GM0307"]
    assert desk.contact.phone == "14 033"
    assert desk.needs == ["income", "debts"]
    assert desk.description.get("en") == "Your municipality."
    assert "checked there on 01-03-2026" in (desk.note or "")


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
            'regions: ["utrecht", "atlantis"]',
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
            'th: "หมายเลขฉุกเฉิน", ', "", "missing translation: th", id="missing Thai description"
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
        pytest.param(
            'groups: ["men", "trans"]',
            'groups: ["men", "trans"]\n    women_only: true',
            "a service only for women cannot name men",
            id="only for women, yet naming men",
        ),
    ],
)
def test_bad_provider_records_are_refused(data_dir: Path, old: str, new: str, message: str) -> None:
    path = next(
        p for p in sorted((data_dir / "providers").glob("*.yaml")) if old in p.read_text("utf-8")
    )
    replace(path, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(f"providers/{path.name}")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        pytest.param(
            UTRECHT,
            'region: "utrecht"',
            'region: "den-bosch"',
            "field region: write 'utrecht', the file's own region",
            id="a file's region is its name",
        ),
        pytest.param(
            UTRECHT,
            'regions: ["utrecht"]',
            'regions: ["den-bosch"]',
            "field regions: a record in this file serves 'utrecht'",
            id="a record in another region's file",
        ),
        pytest.param(
            NATIONAL,
            'id: "trafficking-help"\n    name: "Trafficking help"\n    kind: "specialised"\n'
            '    regions: ["national"]',
            'id: "trafficking-help"\n    name: "Trafficking help"\n    kind: "specialised"\n'
            '    regions: ["utrecht"]',
            "national.yaml holds national services only",
            id="a regional record in national.yaml",
        ),
        pytest.param(
            NATIONAL,
            'kind: "national_line"\n    regions: ["national"]\n    needs: ["debts", "income"]',
            'kind: "national_line"\n    regions: ["utrecht"]\n    needs: ["debts", "income"]',
            "a national line serves ['national']",
            id="a national line for one region",
        ),
        pytest.param(
            UTRECHT,
            'start_here: "utrecht-hub"\n',
            "",
            "field start_here: name the region's exit programme or PMW",
            id="no start here",
        ),
        pytest.param(
            UTRECHT,
            'start_here: "utrecht-hub"',
            'start_here: "debt-line"',
            "'debt-line' is not an exit programme or PMW that serves this region",
            id="a start here that is not a hub of the region",
        ),
        pytest.param(
            UTRECHT,
            '{code: "GM0307"',
            '{code: "GM0796"',
            "municipal_contacts, field code: GM0796 is not in 'utrecht'",
            id="a municipal contact of another region",
        ),
        pytest.param(
            UTRECHT,
            'phone: "14 033", website: "https://example.org/amersfoort", ',
            "",
            "municipal_contacts, field contacts.0: Value error, give at least a phone",
            id="a municipal contact nobody can reach",
        ),
        pytest.param(
            NATIONAL,
            'name: "Gemeente {municipality}"',
            'name: "Gemeente"',
            "municipal_service, field (record): Value error, name: write {municipality} once",
            id="a municipal desk without the municipality's name",
        ),
        pytest.param(
            UTRECHT,
            "providers:\n",
            'colour: "red"\nproviders:\n',
            "the file must hold 'providers', 'region'",
            id="an unknown key at the top",
        ),
    ],
)
def test_bad_provider_files_are_refused(
    data_dir: Path, file: str, old: str, new: str, message: str
) -> None:
    replace(data_dir / file, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(file)
    assert message in str(caught.value)


def test_a_municipal_contact_needs_the_shared_description(data_dir: Path) -> None:
    path = data_dir / NATIONAL
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("municipal_service:")], "utf-8")
    with pytest.raises(CatalogError, match=r"municipal_contacts need a municipal_service"):
        load_catalog(data_dir)


def test_the_same_id_in_two_files_names_both(data_dir: Path) -> None:
    replace(data_dir / "providers/den-bosch.yaml", 'id: "den-bosch-hub"', 'id: "utrecht-hub"')
    replace(
        data_dir / "providers/den-bosch.yaml",
        'start_here: "den-bosch-hub"',
        'start_here: "utrecht-hub"',
    )
    with pytest.raises(CatalogError, match=r"used twice \(also providers/den-bosch.yaml, line 5\)"):
        load_catalog(data_dir)


def test_the_error_names_the_file_record_line_and_field(data_dir: Path) -> None:
    replace(data_dir / NATIONAL, 'kind: "specialised"', 'kind: "helpdesk"')
    with pytest.raises(
        CatalogError,
        match=r"^providers/national\.yaml, record 2 \(id 'trafficking-help', line 17\), field kind",
    ):
        load_catalog(data_dir)


# --- The YAML itself ---------------------------------------------------------------------------

# Snippets of tests/data/providers/national.yaml: the end of record 1 (its `free`, line 13) and
# record 1's last line with the start of record 2 (line 17).
RECORD_1_FREE = 'free: true\n    description: {nl: "Alarmnummer."'
RECORD_1_END = 'verified_on: 2026-11-28\n  - id: "trafficking-help"'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            'contact: {phone: "112"}',
            'contact: {phone: "112", hours: {nl: "Altijd", en: "Always", nl: "Nooit"}}',
            "line 12: duplicate key 'nl'",
            id="duplicate key deep in a nested mapping",
        ),
        pytest.param(
            'th: "หมายเลขฉุกเฉิน",',
            'th: !!str "หมายเลขฉุกเฉิน",',
            "line 14: YAML tags such as tag:yaml.org,2002:str are not allowed",
            id="tag on a nested scalar",
        ),
        pytest.param(
            'contact: {phone: "112"}',
            'contact: &contact {phone: "112"}',
            "line 12: anchors and aliases are not allowed",
            id="anchor on a mapping",
        ),
        pytest.param(
            'contact: {website: "https://example.org/trafficking"}',
            "contact: *contact",
            "line 25: anchors and aliases are not allowed",
            id="alias",
        ),
        pytest.param(
            'needs: ["debts", "income"]',
            "needs: [debts, off]",
            "line 35: write 'off' in quotes; YAML 1.1 readers take it for a boolean or a number",
            id="YAML 1.1 off in a list",
        ),
        pytest.param(
            RECORD_1_FREE,
            RECORD_1_FREE.replace("free:", "on:"),
            "line 13: write 'on' in quotes",
            id="YAML 1.1 on as a key",
        ),
        pytest.param(
            RECORD_1_END,
            RECORD_1_END.replace("2026-11-28", "2026-02-30"),
            "line 16: '2026-02-30' is not a valid date: day is out of range for month",
            id="impossible date",
        ),
        pytest.param(
            RECORD_1_FREE,
            RECORD_1_FREE.replace("free: true", "? [free]\n    : true"),
            "line 13: a key must be a single value, not a mapping or a list",
            id="list as a key",
        ),
        pytest.param(
            RECORD_1_END,
            RECORD_1_END.replace("\n", "\n---\nproviders:\n"),
            "expected a single document in the stream",
            id="two documents",
        ),
        pytest.param(
            'name: "112"',
            'name: "112',
            "while parsing a block mapping",
            id="syntax error",
        ),
        pytest.param(
            RECORD_1_FREE,
            RECORD_1_FREE.replace("true", "9" * 5000),
            "line 13: a number of 5000 digits is too long",
            id="a number too long for Python",
        ),
    ],
)
def test_the_yaml_is_read_strictly(data_dir: Path, old: str, new: str, message: str) -> None:
    replace(data_dir / NATIONAL, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(f"{NATIONAL}: {message}")


def test_anchors_aliases_and_tags_anywhere_are_reported_before_any_other_mistake(
    data_dir: Path,
) -> None:
    """The whole file is checked for them first: a lesser mistake above never hides one."""
    path = data_dir / NATIONAL
    replace(path, RECORD_1_FREE, RECORD_1_FREE.replace("true", "no"))  # line 13
    replace(path, 'name: "Health line"', 'name: !!python/name:os.system "x"')  # line 45
    with pytest.raises(
        CatalogError, match=r"^providers/national\.yaml: line 45: YAML tags such as"
    ):
        load_catalog(data_dir)


def test_of_several_mistakes_the_first_in_the_file_is_reported(data_dir: Path) -> None:
    path = data_dir / NATIONAL
    replace(path, 'contact: {phone: "112"}', "contact: {phone: 0612345678}")  # line 12
    replace(path, "    anonymous_possible: true\n", "    anonymous_possible: yes\n")  # line 27
    with pytest.raises(
        CatalogError, match=r"^providers/national\.yaml: line 12: write '0612345678'"
    ):
        load_catalog(data_dir)


def test_plain_yaml_12_values_are_typed_and_all_else_is_text(data_dir: Path) -> None:
    path = data_dir / NATIONAL
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
    replace(data_dir / NATIONAL, RECORD_1_FREE, RECORD_1_FREE.replace("true", null))
    assert load_catalog(data_dir).providers["emergency-112"].free is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="nothing"),
        pytest.param("# only a comment\n", "the file is empty", id="a comment"),
        pytest.param("---\n", "the file must hold a mapping of keys", id="an empty document"),
        pytest.param("- 1\n", "the file must hold a mapping of keys", id="a list"),
        pytest.param(
            'region: "national"\n',
            "the file must hold 'providers', 'region'",
            id="no providers",
        ),
    ],
)
def test_an_empty_or_shapeless_file_is_refused(data_dir: Path, text: str, message: str) -> None:
    (data_dir / NATIONAL).write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(data_dir)
    assert str(caught.value).startswith(f"{NATIONAL}: {message}")


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
    data_dir: Path, edits: list[tuple[bool, int, list[str]]]
) -> None:
    """Whatever is typed into the file, start-up gets a catalogue or an error naming the file."""
    lines = (TEST_DATA / NATIONAL).read_text(encoding="utf-8").split("\n")
    for new_value, at, pieces in edits:
        line = lines[at % len(lines)]
        if new_value and ": " in line:  # what follows a key, rewritten
            lines[at % len(lines)] = line[: line.index(": ") + 2] + "".join(pieces)
        else:  # typed in somewhere
            at %= len(line) + 1
            lines[at % len(lines)] = line[:at] + "".join(pieces) + line[at:]
    (data_dir / NATIONAL).write_text("\n".join(lines), encoding="utf-8")
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as exc:
        # The file itself, or (a record's id or the desk's contacts changed) another that
        # refers to it.
        assert str(exc).startswith(("providers/", "regions.yaml")), exc
    else:
        assert catalog.providers


def test_an_alias_bomb_is_refused(data_dir: Path) -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    (data_dir / NATIONAL).write_text(bomb, encoding="utf-8")
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

    replace(data_dir / NATIONAL, 'kind: "specialised"', 'kind: "helpdesk"')
    app = create_app(Settings(data_dir=data_dir, database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with pytest.raises(CatalogError, match="field kind"), TestClient(app):
        pass
