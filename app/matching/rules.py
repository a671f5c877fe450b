"""The profile rules of product.md section 3, as one table read from top to bottom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.matching.types import SIGNALS, Answers, Reason

# Three or more distinct needs make a situation "complex" (product.md section 3).
MANY_NEEDS = 3


@dataclass(frozen=True, slots=True)
class Rule:
    """When `applies` holds, the person gets `profile`, and `code` is one of the reasons."""

    profile: str
    code: str
    applies: Callable[[Answers], bool]
    answer: str  # the question id the rule reads first, for the professionals' table


def _signal_rule(signal: str) -> Rule:
    return Rule("exploitation", f"signal_{signal}", lambda a: signal in a.signals, "signals")


# Order matters: the first profile with a matching rule wins; later rows of the same profile
# only add reasons. Everything that matches nothing is "autonomous".
RULES: tuple[Rule, ...] = (
    Rule("exploitation", "under_18", lambda a: a.age_group == "under_18", "age_group"),
    *(_signal_rule(s) for s in SIGNALS),
    Rule("complex", "debts_problematic", lambda a: a.debts_level == "problematic", "debts_level"),
    Rule(
        "complex",
        "no_stable_home",
        lambda a: a.housing_situation == "no_stable_home",
        "housing_situation",
    ),
    Rule(
        "complex",
        "lives_at_work",
        lambda a: a.housing_situation == "lives_at_work",
        "housing_situation",
    ),
    Rule("complex", "need_mental_health", lambda a: "mental_health" in a.needs, "needs"),
    Rule("complex", "need_addiction", lambda a: "addiction" in a.needs, "needs"),
    Rule("complex", "no_permit", lambda a: a.residence == "no_permit", "residence"),
    Rule(
        "complex",
        "no_income_after_stopping",
        lambda a: a.other_income == "none" and a.stage in ("stopped", "must_stop"),
        "other_income",
    ),
    Rule("complex", "many_needs", lambda a: len(a.needs) >= MANY_NEEDS, "needs"),
)

# The reason given when no rule matches.
AUTONOMOUS_CODE = "practical_questions"
# Not a profile rule: danger now opens the result with the emergency block.
DANGER_NOW_CODE = "danger_now"


def decide_profile(answers: Answers) -> tuple[str, tuple[Reason, ...]]:
    """Return the profile and the reasons (every matching rule of that profile)."""
    for profile in ("exploitation", "complex"):
        reasons = tuple(
            _reason(rule, answers)
            for rule in RULES
            if rule.profile == profile and rule.applies(answers)
        )
        if reasons:
            return profile, reasons
    return "autonomous", (Reason(AUTONOMOUS_CODE),)


def _reason(rule: Rule, answers: Answers) -> Reason:
    if rule.code == "many_needs":
        return Reason(rule.code, (("count", str(len(answers.needs))),))
    return Reason(rule.code)
