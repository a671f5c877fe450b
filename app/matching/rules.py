"""The profile rules of product.md section 3, as one table read from top to bottom.

The table is data, not code: the same rows decide a person's profile and are printed on the
professionals' page, so what the site says it does and what it does cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.matching.types import SIGNALS, Answers, Reason

# Three or more distinct needs make a situation "complex" (product.md section 3).
MANY_NEEDS = 3


@dataclass(frozen=True, slots=True)
class Clause:
    """One test on one answer: `is` / `in` a value set, `contains` a value, `count_at_least` n."""

    answer: str
    test: str
    values: tuple[str, ...] = ()
    count: int = 0

    def holds(self, answers: Answers) -> bool:
        """Whether the answers pass this test; an unanswered question passes none."""
        given = getattr(answers, self.answer)
        if self.test in ("is", "in"):
            return given in self.values
        if self.test == "contains":
            return any(v in given for v in self.values)
        if self.test == "count_at_least":
            return len(given) >= self.count
        raise ValueError(f"unknown test {self.test!r}")


@dataclass(frozen=True, slots=True)
class Rule:
    """When every clause holds, the person gets `profile`, and `code` is one of the reasons."""

    profile: str
    code: str
    clauses: tuple[Clause, ...]

    def applies(self, answers: Answers) -> bool:
        """Whether all clauses hold."""
        return all(c.holds(answers) for c in self.clauses)


def _is(answer: str, value: str) -> tuple[Clause, ...]:
    return (Clause(answer, "is", (value,)),)


def _contains(answer: str, value: str) -> tuple[Clause, ...]:
    return (Clause(answer, "contains", (value,)),)


# Order matters: the first profile with a matching rule wins; later rows of the same profile
# only add reasons. Everything that matches nothing is "autonomous".
RULES: tuple[Rule, ...] = (
    Rule("exploitation", "under_18", _is("age_group", "under_18")),
    *(Rule("exploitation", f"signal_{s}", _contains("signals", s)) for s in SIGNALS),
    Rule("complex", "debts_problematic", _is("debts_level", "problematic")),
    Rule("complex", "no_stable_home", _is("housing_situation", "no_stable_home")),
    Rule("complex", "lives_at_work", _is("housing_situation", "lives_at_work")),
    Rule("complex", "need_mental_health", _contains("needs", "mental_health")),
    Rule("complex", "need_addiction", _contains("needs", "addiction")),
    Rule("complex", "no_permit", _is("residence", "no_permit")),
    Rule(
        "complex",
        "no_income_after_stopping",
        (Clause("other_income", "is", ("none",)), Clause("stage", "in", ("stopped", "must_stop"))),
    ),
    Rule("complex", "many_needs", (Clause("needs", "count_at_least", count=MANY_NEEDS),)),
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
