"""Check submitted answers against the questionnaire contract and build typed Answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.matching.engine import effective_needs
from app.matching.types import MULTI_CHOICE, NEEDS, QUESTION_IDS, SINGLE_CHOICE, Answers

# The HTML form's "prefer not to say" choice; it means "no answer" and is never stored.
SKIP = "prefer_not_to_say"
# Her own order of needs, set on the result page: needs, most important first, kept as given.
ORDER = "order"


@dataclass(frozen=True, slots=True)
class Checked:
    """Answers that passed, in canonical form, or the errors per field."""

    values: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field -> error code

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def answers(self) -> Answers:
        """The typed answers; call only when ok."""
        v = self.values
        one = {k: v[k][0] for k in SINGLE_CHOICE if k in v}
        many = {k: frozenset(v[k]) for k in MULTI_CHOICE if k in v}
        place = v["municipality"][0] if "municipality" in v else None
        order = tuple(v.get(ORDER, ()))
        return Answers(municipality=place, order=order, **one, **many)  # type: ignore[arg-type]

    def pairs(self) -> list[tuple[str, str]]:
        """The answers as form fields, in contract order, for hidden inputs and storage."""
        return [(k, value) for k in (*QUESTION_IDS, ORDER) for value in self.values.get(k, [])]

    def with_moved_up(self, need: str) -> Checked:
        """Her needs in her order, with `need` one place higher (unchanged if it is first)."""
        needs = list(effective_needs(self.answers()))
        if need in needs and needs.index(need) > 0:
            i = needs.index(need)
            needs[i - 1], needs[i] = needs[i], needs[i - 1]
        return Checked(values={**self.values, ORDER: needs}, errors=dict(self.errors))


def check_answers(
    pairs: Iterable[tuple[str, str]],
    *,
    resolve_place: Callable[[str], str | None],
    allow_skip: bool = False,
    extra_fields: frozenset[str] = frozenset(),
) -> Checked:
    """Check field/value pairs; unknown fields, unknown values and repeats are errors."""
    submitted: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for name, value in pairs:
        if name in extra_fields:
            continue
        if name not in QUESTION_IDS and name != ORDER:
            errors.setdefault(name[:40], "unknown_field")
            continue
        submitted.setdefault(name, []).append(value)

    values: dict[str, list[str]] = {}
    for name, given in submitted.items():
        if allow_skip:
            given = [g for g in given if g != SKIP]
            # An empty place field is an unanswered text box, not a wrong answer.
            if name == "municipality":
                given = [g for g in given if g != ""]
            if not given:
                continue
        if name == ORDER:
            if any(g not in NEEDS for g in given):
                errors[name] = "unknown_value"
            elif len(set(given)) != len(given):
                errors[name] = "repeated"
            else:
                values[name] = given  # her order, as she gave it
        elif name in MULTI_CHOICE:
            allowed = MULTI_CHOICE[name]
            if any(g not in allowed for g in given):
                errors[name] = "unknown_value"
            else:
                values[name] = [a for a in allowed if a in given]  # canonical order, no repeats
        elif len(given) > 1:
            errors[name] = "repeated"
        elif name == "municipality":
            code = resolve_place(given[0])
            if code is None:
                errors[name] = "unknown_place"
            else:
                values[name] = [code]
        elif given[0] not in SINGLE_CHOICE[name]:
            errors[name] = "unknown_value"
        else:
            values[name] = given
    # Valid answers are kept next to the errors, so the form can be shown again without loss.
    return Checked(values=values, errors=errors)
