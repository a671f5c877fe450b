"""The overview: what a result shows, in words, alike for the page, the saved page and the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app import i18n, overview, texts
from app.answers import Checked, check_answers
from app.catalog import BeforeContact, Catalog, Fact, load_catalog
from app.saved_results import Saved
from app.settings import Settings
from tests.factories import ANSWER_SETS, pairs

# A Tuesday in December, 10:00 in Amsterdam.
NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    i18n.load_translations()
    return load_catalog(Settings().data_dir)


@pytest.fixture
def in_language(request: pytest.FixtureRequest) -> Iterator[str]:
    token = i18n.current_language.set(request.param)
    yield request.param
    i18n.current_language.reset(token)


def checked(catalog: Catalog, name: str) -> Checked:
    result = check_answers(pairs(name), resolve_place=catalog.resolve_municipality)
    assert result.ok, result.errors
    return result


@pytest.mark.parametrize("in_language", i18n.LANGUAGES, indirect=True)
@pytest.mark.parametrize("name", sorted(ANSWER_SETS))
def test_every_option_the_matcher_gives_is_on_the_overview_once_in_its_order(
    catalog: Catalog, in_language: str, name: str
) -> None:
    view = overview.build(catalog=catalog, checked=checked(catalog, name), now=NOW)
    shown = [o.provider.id for o in view.options()]
    assert shown == [o.provider_id for o in view.result.options]
    assert all(o.description == o.provider.description.get(in_language) for o in view.options())
    assert all(o.why for o in view.options()), "every option says why it is there"


@pytest.mark.parametrize("in_language", ["th"], indirect=True)
def test_the_region_is_named_in_the_current_language(catalog: Catalog, in_language: str) -> None:
    view = overview.build(
        catalog=catalog, checked=checked(catalog, "utrecht_housing_debts"), now=NOW
    )
    region = catalog.regions["utrecht"]
    assert view.region == overview.RegionView("utrecht", region.name.get("th"))


@pytest.mark.parametrize("in_language", ["nl"], indirect=True)
def test_without_a_place_there_is_no_region(catalog: Catalog, in_language: str) -> None:
    view = overview.build(catalog=catalog, checked=checked(catalog, "income_only"), now=NOW)
    assert view.region is None
    assert view.options(), "no place given: the national options"


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_danger_puts_the_urgent_section_first(catalog: Catalog, in_language: str) -> None:
    view = overview.build(catalog=catalog, checked=checked(catalog, "danger_now"), now=NOW)
    assert view.result.urgent
    assert view.sections[0][0] == "urgent"


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_a_saved_result_links_to_itself_in_every_language(in_language: str) -> None:
    token = "A" * 43
    saved = Saved(answers={}, lang="th", expires_on=date(2027, 1, 5))
    info = overview.saved_info(
        base_url="https://verder.example", lang="en", token=token, saved=saved
    )
    assert info.url == f"https://verder.example/en/r/{token}"
    assert [code for code, _ in info.links] == list(i18n.LANGUAGES)
    assert info.lang_used == "th"
    assert info.qr.startswith("<svg")


@pytest.mark.parametrize("in_language", ["nl"], indirect=True)
def test_a_saved_page_carries_no_answers_in_its_forms(catalog: Catalog, in_language: str) -> None:
    answers = checked(catalog, "utrecht_housing_debts")
    view = overview.build(catalog=catalog, checked=answers, now=NOW)
    saved = Saved(answers={}, lang="nl", expires_on=date(2027, 1, 5))
    info = overview.saved_info(base_url="", lang="nl", token="A" * 43, saved=saved)
    assert (
        overview.page_context(view, checked=answers, secret=b"k", saved=info)["carry_fields"] == ""
    )
    assert (
        'name="needs"' in overview.page_context(view, checked=answers, secret=b"k")["carry_fields"]
    )


def with_languages(catalog: Catalog, name: str, languages: list[str]) -> Checked:
    """An answer set of tests/factories.py with other languages she can talk in."""
    answers = [(f, v) for f, v in pairs(name) if f != "languages"]
    result = check_answers(
        answers + [("languages", lang) for lang in languages],
        resolve_place=catalog.resolve_municipality,
    )
    assert result.ok, result.errors
    return result


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_when_no_service_speaks_her_language_the_overview_says_so_and_how_to_get_a_tolk(
    catalog: Catalog, in_language: str
) -> None:
    answers = with_languages(catalog, "amsterdam_complex", ["ro", "bg", "nl"])
    view = overview.build(catalog=catalog, checked=answers, now=NOW)
    spoken = {lang for o in view.options() for lang in o.provider.languages}
    assert not {"ro", "bg"} & spoken, "the premise: nothing on this page speaks them"
    assert view.language_note[0] == "None of these services says it speaks Romanian or Bulgarian."
    assert "interpreter (tolk)" in view.language_note[1]


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_a_service_that_speaks_her_language_comes_first_and_no_note_is_needed(
    catalog: Catalog, in_language: str
) -> None:
    answers = with_languages(catalog, "den_haag_signals", ["ro"])
    view = overview.build(catalog=catalog, checked=answers, now=NOW)
    assert view.language_note == ()
    regional = [o for o in view.options() if o.provider.regions != ("national",)]
    speaks = [o for o in view.options() if "ro" in o.provider.languages]
    assert speaks and "They speak Romanian." in speaks[0].why
    assert view.result.languages == ("ro",)
    assert regional


@pytest.mark.parametrize("in_language", ["en", "th"], indirect=True)
def test_the_note_names_the_services_that_say_they_arrange_an_interpreter(
    catalog: Catalog, in_language: str
) -> None:
    answers = with_languages(catalog, "amsterdam_complex", ["pl"])
    view = overview.build(catalog=catalog, checked=answers, now=NOW)
    first = view.options()[0].provider
    fact = Fact[bool](value=True, source="https://example.org/tolk")
    helps = first.model_copy(update={"before_contact": BeforeContact(interpreter=fact)})
    sections = [("need", "", (replace(view.options()[0], provider=helps),))]
    note = overview.language_note(("pl",), sections, in_language)
    assert len(note) == 2 and first.name in note[1]
    assert "Polish" in note[0] or "โปแลนด์" in note[0]


def section_of(catalog: Catalog, *groups_per_card: list[str]) -> list[overview.Section]:
    """One section of cards, each a copy of a real provider naming only the groups given."""
    base = next(iter(catalog.providers.values()))
    cards = tuple(
        overview.OptionView(
            provider=base.model_copy(update={"id": f"card-{i}", "groups": groups}),
            covers=(),
            why=("",),
            description="",
        )
        for i, groups in enumerate(groups_per_card)
    )
    return [("need", "", cards)]


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_the_group_note_names_each_group_no_card_names_then_says_she_can_still_ask(
    catalog: Catalog, in_language: str
) -> None:
    sections = section_of(catalog, ["trans"], ["minors"])
    assert overview.group_note(("men", "trans", "escort"), sections) == (
        "None of these services says it has experience helping men.",
        "None of these services says it knows escort work.",
        "You can still contact them and ask if they can help you.",
    )


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_no_group_note_when_every_group_of_hers_is_named_or_she_gave_none(
    catalog: Catalog, in_language: str
) -> None:
    sections = section_of(catalog, ["men"], ["escort", "no_permit"])
    assert overview.group_note(("men", "escort"), sections) == ()
    assert overview.group_note((), sections) == ()


@pytest.mark.parametrize("in_language", i18n.LANGUAGES, indirect=True)
def test_every_group_has_its_sentence_in_every_language(catalog: Catalog, in_language: str) -> None:
    note = overview.group_note(tuple(texts.NO_GROUP_TEXTS), section_of(catalog, []))
    assert len(set(note)) == len(texts.NO_GROUP_TEXTS) + 1
    if in_language != "en":
        assert not set(note) & {*texts.NO_GROUP_TEXTS.values(), texts.GROUP_ASK_TEXT}


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_a_man_who_works_as_an_escort_without_a_place_hears_what_the_catalogue_lacks(
    catalog: Catalog, in_language: str
) -> None:
    answers = check_answers(
        [("gender", "man"), ("work_setting", "escort"), ("needs", "work")],
        resolve_place=catalog.resolve_municipality,
    )
    view = overview.build(catalog=catalog, checked=answers, now=NOW)
    named = {g for o in view.options() for g in o.provider.groups}
    assert not {"men", "escort"} & named, "the premise: no national service names them yet"
    assert view.group_note[-1] == "You can still contact them and ask if they can help you."
    assert len(view.group_note) == 3


@pytest.mark.parametrize("in_language", ["en"], indirect=True)
def test_a_gap_names_the_exit_programme_only_where_the_page_shows_one(
    catalog: Catalog, in_language: str
) -> None:
    hub = catalog.providers[catalog.start_here["ijsselland"]]
    assert hub.women_only, "the premise: in IJsselland the place to start is only for women"

    def gaps(gender: str) -> tuple[str, ...]:
        answers = check_answers(
            [("municipality", "GM0193"), ("gender", gender), ("needs", "housing")],
            resolve_place=catalog.resolve_municipality,
        )
        return overview.build(catalog=catalog, checked=answers, now=NOW).gaps

    assert gaps("woman") == (), (
        "for her the women's house is in the region, and it helps with housing"
    )
    man = gaps("man")
    assert man == ("We found nothing in your region for: housing. The national options can help.",)
