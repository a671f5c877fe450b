"""The profile rules of product.md section 3, case by case, including every boundary."""

from __future__ import annotations

import pytest

from app.matching.rules import RULES, decide_profile
from app.matching.types import NEEDS, SIGNALS, Answers


def answers(**kwargs: object) -> Answers:
    """Answers with sets given as lists, for readable cases."""
    fixed = {k: frozenset(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return Answers(**fixed)  # type: ignore[arg-type]


CASES = [
    # --- exploitation -------------------------------------------------------------------------
    pytest.param({}, "autonomous", ["practical_questions"], id="empty questionnaire is autonomous"),
    pytest.param({"age_group": "under_18"}, "exploitation", ["under_18"], id="under 18 alone"),
    pytest.param({"age_group": "18_plus"}, "autonomous", ["practical_questions"], id="adult alone"),
    *[
        pytest.param({"signals": [s]}, "exploitation", [f"signal_{s}"], id=f"signal {s} alone")
        for s in SIGNALS
    ],
    pytest.param(
        {"signals": ["documents_held", "threatened"]},
        "exploitation",
        ["signal_documents_held", "signal_threatened"],
        id="two signals give two reasons",
    ),
    pytest.param(
        {"age_group": "under_18", "signals": ["not_free"]},
        "exploitation",
        ["under_18", "signal_not_free"],
        id="under 18 and a signal",
    ),
    pytest.param(
        {"signals": ["earnings_taken"], "debts_level": "problematic"},
        "exploitation",
        ["signal_earnings_taken"],
        id="exploitation wins over complex",
    ),
    pytest.param(
        {"age_group": "under_18", "needs": ["mental_health"]},
        "exploitation",
        ["under_18"],
        id="under 18 wins over mental health need",
    ),
    pytest.param(
        {"danger_now": "yes"},
        "autonomous",
        ["practical_questions"],
        id="danger now without signals",
    ),
    pytest.param(
        {"danger_now": "yes", "signals": ["threatened"]},
        "exploitation",
        ["signal_threatened"],
        id="danger now with a signal",
    ),
    pytest.param({"signals": []}, "autonomous", ["practical_questions"], id="no signals ticked"),
    # --- complex ------------------------------------------------------------------------------
    pytest.param(
        {"debts_level": "problematic"}, "complex", ["debts_problematic"], id="problematic debts"
    ),
    pytest.param(
        {"debts_level": "manageable"}, "autonomous", ["practical_questions"], id="manageable debts"
    ),
    pytest.param(
        {"debts_level": "dont_know"}, "autonomous", ["practical_questions"], id="unknown debts"
    ),
    pytest.param({"debts_level": "none"}, "autonomous", ["practical_questions"], id="no debts"),
    pytest.param(
        {"housing_situation": "no_stable_home"}, "complex", ["no_stable_home"], id="no stable home"
    ),
    pytest.param(
        {"housing_situation": "lives_at_work"}, "complex", ["lives_at_work"], id="lives at work"
    ),
    pytest.param(
        {"housing_situation": "own_home"}, "autonomous", ["practical_questions"], id="own home"
    ),
    pytest.param(
        {"housing_situation": "other"}, "autonomous", ["practical_questions"], id="other housing"
    ),
    pytest.param(
        {"needs": ["mental_health"]}, "complex", ["need_mental_health"], id="mental health need"
    ),
    pytest.param({"needs": ["addiction"]}, "complex", ["need_addiction"], id="addiction need"),
    pytest.param({"residence": "no_permit"}, "complex", ["no_permit"], id="no residence permit"),
    pytest.param(
        {"residence": "permit"}, "autonomous", ["practical_questions"], id="with a permit"
    ),
    pytest.param({"residence": "nl_eu"}, "autonomous", ["practical_questions"], id="Dutch or EU"),
    pytest.param(
        {"other_income": "none", "stage": "stopped"},
        "complex",
        ["no_income_after_stopping"],
        id="no income and stopped",
    ),
    pytest.param(
        {"other_income": "none", "stage": "must_stop"},
        "complex",
        ["no_income_after_stopping"],
        id="no income and must stop",
    ),
    pytest.param(
        {"other_income": "none", "stage": "thinking"},
        "autonomous",
        ["practical_questions"],
        id="no income while thinking",
    ),
    pytest.param(
        {"other_income": "none", "stage": "want_to_stop"},
        "autonomous",
        ["practical_questions"],
        id="no income, wants to stop",
    ),
    pytest.param(
        {"other_income": "none"},
        "autonomous",
        ["practical_questions"],
        id="no income, stage unknown",
    ),
    pytest.param(
        {"other_income": "some", "stage": "stopped"},
        "autonomous",
        ["practical_questions"],
        id="some income and stopped",
    ),
    pytest.param(
        {"needs": ["housing", "income"]}, "autonomous", ["practical_questions"], id="two needs"
    ),
    pytest.param(
        {"needs": ["housing", "income", "work"]}, "complex", ["many_needs"], id="three needs"
    ),
    pytest.param({"needs": list(NEEDS)}, "complex", None, id="all twelve needs"),
    pytest.param(
        {"needs": ["work"]}, "autonomous", ["practical_questions"], id="one practical need"
    ),
    pytest.param(
        {"needs": ["mental_health", "addiction"]},
        "complex",
        ["need_mental_health", "need_addiction"],
        id="two needs that are each complex",
    ),
    pytest.param(
        {
            "debts_level": "problematic",
            "housing_situation": "no_stable_home",
            "residence": "no_permit",
        },
        "complex",
        ["debts_problematic", "no_stable_home", "no_permit"],
        id="every complex reason is listed",
    ),
    # --- answers that never change the profile -------------------------------------------------
    pytest.param({"gender": "man"}, "autonomous", ["practical_questions"], id="gender alone"),
    pytest.param({"languages": ["th"]}, "autonomous", ["practical_questions"], id="language alone"),
    pytest.param(
        {"work_setting": ["unlicensed"]},
        "autonomous",
        ["practical_questions"],
        id="unlicensed work alone",
    ),
    pytest.param(
        {"municipality": "GM0363"}, "autonomous", ["practical_questions"], id="place alone"
    ),
    pytest.param(
        {"stage": "must_stop"}, "autonomous", ["practical_questions"], id="must stop alone"
    ),
]


@pytest.mark.parametrize(("given", "profile", "codes"), CASES)
def test_profile_rules(given: dict[str, object], profile: str, codes: list[str] | None) -> None:
    """Each case: the profile, and exactly the reasons that triggered it, in table order."""
    decided, reasons = decide_profile(answers(**given))
    assert decided == profile
    if codes is not None:
        assert [r.code for r in reasons] == codes


def test_there_are_at_least_forty_named_cases() -> None:
    """The issue asks for 40 named cases or more."""
    assert len(CASES) >= 40


def test_many_needs_reason_carries_the_count() -> None:
    """The sentence says how many needs were chosen."""
    _, reasons = decide_profile(answers(needs=["housing", "income", "work", "debts"]))
    assert reasons[-1].code == "many_needs"
    assert reasons[-1].param("count") == "4"


def test_every_rule_is_reachable() -> None:
    """No rule in the table is dead: each one triggers for some case above."""
    triggered = set()
    for case in CASES:
        _, reasons = decide_profile(answers(**case.values[0]))
        triggered |= {r.code for r in reasons}
    assert {rule.code for rule in RULES} <= triggered


def test_a_clause_with_an_unknown_test_is_an_error() -> None:
    from app.matching.rules import Clause

    with pytest.raises(ValueError, match="unknown test"):
        Clause("stage", "resembles", ("x",)).holds(Answers())
