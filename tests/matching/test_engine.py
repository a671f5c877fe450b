"""Choosing and ordering options: hub first, urgent help on top, needs, groups, honest gaps."""

from __future__ import annotations

import pytest

from app.matching.engine import (
    NATIONAL_LINES,
    OPTIONS_PER_NEED,
    effective_needs,
    match,
    person_groups,
)
from app.matching.types import Answers, MatchCatalogue, Provider

ALL = frozenset({"autonomous", "complex", "exploitation"})


def provider(
    pid: str, kind: str = "national_line", regions: tuple[str, ...] = ("national",), **kw: object
) -> Provider:
    """A provider with sensible defaults for tests."""
    fields = {
        "needs": frozenset(),
        "profiles": ALL,
        "groups": frozenset(),
        "languages": frozenset({"nl"}),
        "emergency": False,
    }
    fields.update({k: frozenset(v) if isinstance(v, (list, set)) else v for k, v in kw.items()})
    return Provider(id=pid, kind=kind, regions=frozenset(regions), **fields)  # type: ignore[arg-type]


CATALOGUE = MatchCatalogue(
    providers=(
        provider("emergency", needs=["safety"], emergency=True),
        provider(
            "trafficking", "specialised", needs=["safety", "legal"], profiles={"exploitation"}
        ),
        provider("north-hub", "exit_programme", ("north",), needs=["housing", "income", "work"]),
        provider("south-hub", "pmw", ("south",), needs=["housing", "income"]),
        provider("north-debts", "regular", ("north",), needs=["debts"]),
        provider("national-debts", needs=["debts"]),
        provider("national-debts-thai", needs=["debts"], groups=["thai"], languages=["nl", "th"]),
        provider("national-debts-volunteers", needs=["debts"]),
        provider("national-health", needs=["physical_health"]),
        provider("national-legal", needs=["legal"]),
        provider("men-only", "specialised", ("north",), needs=["social_network"], groups=["men"]),
        provider("north-partner", "pmw", ("north",), needs=["daily_life"]),
        provider("victim-support", needs=["mental_health", "safety"], for_victims=True),
        provider("listening-line", needs=["mental_health"]),
        provider(
            "town-desk", "regular", ("north",), needs=["income", "debts"], municipalities=["GM0003"]
        ),
    ),
    municipality_region={"GM0001": "north", "GM0002": "south", "GM0003": "north"},
    start_here={"north": "north-hub", "south": "south-hub"},
)


def ids(result, section: str | None = None) -> list[str]:
    """Provider ids in page order, optionally of one section."""
    options = result.options if section is None else result.section(section)
    return [o.provider_id for o in options]


def test_the_regions_hub_comes_first_for_practical_questions() -> None:
    """She lives in the north: its exit programme is the first thing she sees."""
    result = match(Answers(municipality="GM0001"), CATALOGUE)
    assert result.profile == "autonomous"
    assert ids(result)[0] == "north-hub"
    assert ids(result, "urgent") == []


def test_without_a_place_only_national_options_and_the_needs_nothing_national_covers() -> None:
    result = match(Answers(needs=frozenset({"debts", "housing"})), CATALOGUE)
    assert result.region_id is None
    assert not any(o.provider_id.endswith("hub") for o in result.options)
    assert "national-debts" in ids(result)
    assert result.gaps == ("housing",), "no national service helps with housing here"


def test_exploitation_puts_emergency_then_trafficking_help_before_the_hub() -> None:
    result = match(Answers(municipality="GM0001", signals=frozenset({"not_free"})), CATALOGUE)
    assert result.profile == "exploitation"
    assert ids(result)[:3] == ["emergency", "trafficking", "north-hub"]
    assert [o.section for o in result.options[:3]] == ["urgent", "start_here", "start_here"]


def test_a_threat_to_her_or_her_family_opens_with_emergency_help() -> None:
    result = match(Answers(signals=frozenset({"threatened"})), CATALOGUE)
    assert result.urgent is True
    assert ids(result, "urgent") == ["emergency"]


def test_danger_now_opens_with_emergency_help_without_changing_profile() -> None:
    result = match(Answers(danger_now="yes"), CATALOGUE)
    assert result.profile == "autonomous"
    assert result.urgent is True
    assert result.reasons[0].code == "danger_now"
    assert ids(result)[0] == "emergency"


def test_specialised_trafficking_help_is_not_offered_outside_exploitation() -> None:
    result = match(Answers(needs=frozenset({"legal"})), CATALOGUE)
    assert "trafficking" not in ids(result)
    assert "national-legal" in ids(result)


def test_regional_options_come_before_national_ones_for_a_need() -> None:
    result = match(Answers(municipality="GM0001", needs=frozenset({"debts"})), CATALOGUE)
    need_ids = ids(result, "need")
    assert need_ids.index("north-debts") < need_ids.index("national-debts")


def test_a_need_gets_at_most_the_set_number_of_options() -> None:
    result = match(Answers(needs=frozenset({"debts"})), CATALOGUE)
    covering = [o for o in result.options if "debts" in o.covers]
    assert len(covering) == OPTIONS_PER_NEED


def test_her_group_and_language_are_preferred_and_said() -> None:
    result = match(Answers(languages=frozenset({"th"}), needs=frozenset({"debts"})), CATALOGUE)
    need_ids = ids(result, "need")
    assert need_ids[0] == "national-debts-thai"
    codes = {r.code for r in result.options[0].reasons}
    assert {"group", "language"} <= codes


def test_a_region_without_help_for_a_need_reports_a_gap_and_points_nationally() -> None:
    result = match(Answers(municipality="GM0002", needs=frozenset({"debts", "housing"})), CATALOGUE)
    assert result.gaps == ("debts",)
    assert "national-debts" in ids(result, "need")


def test_each_option_says_which_of_her_needs_it_covers() -> None:
    result = match(Answers(municipality="GM0001", needs=frozenset({"housing", "work"})), CATALOGUE)
    hub = result.options[0]
    assert hub.covers == ("housing", "work")


def test_no_provider_appears_twice() -> None:
    answers = Answers(
        municipality="GM0001",
        needs=frozenset({"housing", "income", "debts", "legal", "safety"}),
        signals=frozenset({"threatened"}),
        danger_now="yes",
    )
    result = match(answers, CATALOGUE)
    assert len(ids(result)) == len(set(ids(result)))


def test_a_hub_in_another_region_is_never_shown() -> None:
    result = match(Answers(municipality="GM0002"), CATALOGUE)
    assert "north-hub" not in ids(result)
    assert "men-only" not in ids(result)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(Answers(gender="man"), ("men",), id="man"),
        pytest.param(Answers(gender="trans_nonbinary"), ("trans",), id="trans or non-binary"),
        pytest.param(Answers(languages=frozenset({"th"})), ("thai",), id="speaks Thai"),
        pytest.param(Answers(work_setting=frozenset({"escort"})), ("escort",), id="escort"),
        pytest.param(
            Answers(work_setting=frozenset({"unlicensed"})), ("unlicensed",), id="unlicensed"
        ),
        pytest.param(Answers(age_group="under_18"), ("minors",), id="under 18"),
        pytest.param(Answers(residence="no_permit"), ("no_permit",), id="no permit"),
        pytest.param(Answers(gender="woman"), (), id="woman: no special group"),
    ],
)
def test_person_groups(given: Answers, expected: tuple[str, ...]) -> None:
    assert person_groups(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(Answers(), (), id="nothing"),
        pytest.param(Answers(debts_level="problematic"), ("debts",), id="problematic debts"),
        pytest.param(Answers(housing_situation="lives_at_work"), ("housing",), id="lives at work"),
        pytest.param(Answers(other_income="none"), ("income",), id="no income"),
        pytest.param(Answers(residence="no_permit"), ("legal",), id="no permit"),
        pytest.param(Answers(signals=frozenset({"threatened"})), ("safety",), id="a signal"),
        pytest.param(
            Answers(needs=frozenset({"work", "housing"})),
            ("housing", "work"),
            id="chosen, in order",
        ),
    ],
)
def test_needs_her_answers_point_to_are_added(given: Answers, expected: tuple[str, ...]) -> None:
    assert effective_needs(given) == expected


def test_help_made_for_a_group_is_offered_only_to_people_in_it() -> None:
    catalogue = MatchCatalogue(
        providers=(
            provider("trans-work", needs=["work"], groups=["trans"]),
            provider("work-line", needs=["work"]),
            provider("hub", "pmw", ("north",), needs=["work"], groups=["men"]),
        ),
        municipality_region={"GM0001": "north"},
    )
    woman = match(
        Answers(municipality="GM0001", gender="woman", needs=frozenset({"work"})), catalogue
    )
    assert "trans-work" not in ids(woman)
    assert "hub" in ids(woman), "a hub with experience with men still serves everyone"
    assert woman.gaps == ()
    trans = match(Answers(gender="trans_nonbinary", needs=frozenset({"work"})), catalogue)
    assert ids(trans, "need")[0] == "trans-work"


def test_help_only_for_women_is_never_offered_to_a_man_not_even_to_start_with() -> None:
    catalogue = MatchCatalogue(
        providers=(
            provider(
                "womens-house", "exit_programme", ("north",), needs=["housing"], women_only=True
            ),
            provider("shelter", "regular", ("north",), needs=["housing"]),
            provider("womens-safety", "regular", ("north",), needs=["safety"], women_only=True),
            provider("safety-line", needs=["safety"]),
        ),
        municipality_region={"GM0001": "north"},
        start_here={"north": "womens-house"},
    )
    needs = frozenset({"housing", "safety"})
    for gender in ("woman", "trans_nonbinary", None):
        others = match(Answers(municipality="GM0001", gender=gender, needs=needs), catalogue)
        assert ids(others, "start_here") == ["womens-house"], "only a man's answer excludes it"
        assert "womens-safety" in ids(others)
        assert others.gaps == ()
    man = match(Answers(municipality="GM0001", gender="man", needs=needs), catalogue)
    assert ids(man, "start_here") == []
    assert ids(man) == ["shelter", "safety-line"]
    assert man.gaps == ("safety",), "for him the north has no help with safety"


def test_a_page_is_never_empty_when_nothing_fits_the_national_lines_for_everyone_follow() -> None:
    catalogue = MatchCatalogue(
        providers=(
            provider(
                "womens-house", "exit_programme", ("north",), needs=["housing"], women_only=True
            ),
            provider("debt-line", needs=["debts"]),
            provider("trans-line", needs=["work"], groups=["trans"]),
        ),
        municipality_region={"GM0001": "north"},
        start_here={"north": "womens-house"},
    )
    man = match(
        Answers(municipality="GM0001", gender="man", needs=frozenset({"addiction"})), catalogue
    )
    assert ids(man) == ["debt-line"], "not the line made for trans people"
    assert man.options[0].reasons[0].code == "national_for_all"
    assert man.uncovered == ("addiction",)
    woman = match(Answers(municipality="GM0001", needs=frozenset({"addiction"})), catalogue)
    assert ids(woman) == ["womens-house"], "her page has its place to start: no filler"


def test_a_need_nothing_covers_is_reported_as_uncovered() -> None:
    result = match(Answers(needs=frozenset({"education", "debts"})), CATALOGUE)
    assert result.uncovered == ("education",)


def test_the_region_has_one_place_to_start_and_its_other_hubs_are_partners() -> None:
    result = match(
        Answers(municipality="GM0001", needs=frozenset({"housing", "daily_life"})), CATALOGUE
    )
    assert ids(result, "start_here") == ["north-hub"]
    partner = next(o for o in result.options if o.provider_id == "north-partner")
    assert partner.section == "need"
    assert "regional_partner" in {r.code for r in partner.reasons}
    hub = result.options[0]
    assert "regional_partner" not in {r.code for r in hub.reasons}


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(Answers(needs=frozenset({"mental_health"})), id="a practical question"),
        pytest.param(
            Answers(needs=frozenset({"mental_health"}), debts_level="problematic"),
            id="complex questions",
        ),
    ],
)
def test_help_for_victims_is_not_offered_for_other_questions(answers: Answers) -> None:
    result = match(answers, CATALOGUE)
    assert "victim-support" not in ids(result)
    assert "listening-line" in ids(result)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            Answers(needs=frozenset({"mental_health"}), signals=frozenset({"not_free"})),
            id="signs of exploitation",
        ),
        pytest.param(
            Answers(needs=frozenset({"mental_health"}), danger_now="yes"), id="danger now"
        ),
    ],
)
def test_help_for_victims_is_offered_when_her_answers_call_for_it(answers: Answers) -> None:
    assert "victim-support" in ids(match(answers, CATALOGUE))


def test_a_municipality_desk_is_offered_only_in_its_own_municipality() -> None:
    needs = frozenset({"income"})
    there = match(Answers(municipality="GM0003", needs=needs), CATALOGUE)
    assert "town-desk" in ids(there, "need")
    neighbour = match(Answers(municipality="GM0001", needs=needs), CATALOGUE)
    assert neighbour.region_id == there.region_id == "north"
    assert "town-desk" not in ids(neighbour)


def test_a_few_national_lines_follow_those_that_fit_her_best() -> None:
    lines = tuple(provider(f"line-{i}", needs=["legal"]) for i in range(NATIONAL_LINES + 3))
    best = provider("line-legal-and-debts", needs=["legal", "debts"])
    catalogue = MatchCatalogue(providers=(*lines, best))
    result = match(Answers(needs=frozenset({"legal", "debts"})), catalogue)
    # Two lines cover each need; of the rest, only the set number is listed.
    assert ids(result, "need")[0] == "line-legal-and-debts"
    assert len(ids(result, "national")) == NATIONAL_LINES


def test_a_need_nothing_covers_anywhere_is_a_gap_with_or_without_a_place() -> None:
    for place in (None, "GM0001"):
        result = match(Answers(municipality=place, needs=frozenset({"addiction"})), CATALOGUE)
        assert result.gaps == ("addiction",)
        assert result.uncovered == ("addiction",)


class TestHerOwnOrder:
    def test_her_order_comes_first_and_the_rest_follows_the_contract(self) -> None:
        answers = Answers(
            needs=frozenset({"housing", "debts", "work"}),
            other_income="none",
            order=("work", "debts"),
        )
        assert effective_needs(answers) == ("work", "debts", "housing", "income")

    def test_a_need_she_does_not_have_in_her_order_is_ignored(self) -> None:
        answers = Answers(needs=frozenset({"housing"}), order=("debts", "housing"))
        assert effective_needs(answers) == ("housing",)

    def test_the_options_follow_her_order(self) -> None:
        needs = frozenset({"legal", "physical_health"})
        first = match(Answers(needs=needs, order=("legal", "physical_health")), CATALOGUE)
        second = match(Answers(needs=needs, order=("physical_health", "legal")), CATALOGUE)
        assert ids(first, "need")[:2] == ["national-legal", "national-health"]
        assert ids(second, "need")[:2] == ["national-health", "national-legal"]
        assert second.needs == ("physical_health", "legal")

    def test_order_in_order_out_the_same_answers_give_the_same_result(self) -> None:
        answers = Answers(needs=frozenset({"debts", "legal"}), order=("legal",))
        assert match(answers, CATALOGUE) == match(answers, CATALOGUE)
