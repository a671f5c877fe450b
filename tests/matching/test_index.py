"""The indexed matcher gives exactly what a scan of every reachable provider gives."""

from __future__ import annotations

import random

import pytest

from app.matching.engine import match
from app.matching.types import (
    AGE_GROUPS,
    DANGER_NOW,
    DEBTS_LEVELS,
    GENDERS,
    GROUPS,
    HOUSING_SITUATIONS,
    LANGUAGES,
    NEEDS,
    OTHER_INCOMES,
    PROFILES,
    PROVIDER_KINDS,
    RESIDENCES,
    SIGNALS,
    STAGES,
    WORK_SETTINGS,
    Answers,
    MatchCatalogue,
    Provider,
)
from tests.matching import reference

REGIONS = tuple(f"region-{i}" for i in range(6))
MUNICIPALITIES = {f"GM{i:04d}": REGIONS[i % len(REGIONS)] for i in range(12)}


def some(rng: random.Random, values: tuple[str, ...], most: int) -> frozenset[str]:
    """Zero to `most` distinct values."""
    return frozenset(rng.sample(values, rng.randint(0, most)))


def generated_catalogue(n: int, seed: int) -> MatchCatalogue:
    """`n` random providers, including the odd ones: national hubs, regional lines, emergency."""
    rng = random.Random(seed)
    providers = []
    for i in range(n):
        roll = rng.random()
        municipalities: frozenset[str] = frozenset()
        if roll < 0.2:
            regions = frozenset({"national"})
        elif roll < 0.3:  # a municipality's own desk
            code = rng.choice(list(MUNICIPALITIES))
            regions, municipalities = frozenset({MUNICIPALITIES[code]}), frozenset({code})
        else:
            regions = frozenset(rng.sample(REGIONS, rng.randint(1, 3)))
        kinds = (
            PROVIDER_KINDS
            if "national" in regions
            else tuple(k for k in PROVIDER_KINDS if k != "national_line")
        )
        providers.append(
            Provider(
                id=f"p{i}",
                kind=rng.choice(kinds),
                regions=regions,
                municipalities=municipalities,
                needs=some(rng, NEEDS, 5),
                profiles=some(rng, PROFILES, 3) or frozenset({"complex"}),
                groups=some(rng, GROUPS, 2) if rng.random() < 0.3 else frozenset(),
                languages=frozenset({"nl"}) | some(rng, LANGUAGES, 3),
                emergency=rng.random() < 0.05,
                for_victims=rng.random() < 0.15,
                women_only=rng.random() < 0.1,
            )
        )
    # Each region but one starts with one of its hubs (any region may have none).
    start_here = {}
    for region in REGIONS[1:]:
        hubs = [
            p.id
            for p in providers
            if p.kind in ("exit_programme", "pmw") and region in p.regions and not p.municipalities
        ]
        if hubs:
            start_here[region] = rng.choice(hubs)
    # One municipality points at a region no provider serves: national help only.
    return MatchCatalogue(
        providers=tuple(providers),
        municipality_region={**MUNICIPALITIES, "GM9999": "empty"},
        start_here=start_here,
    )


def one_of(rng: random.Random, values: tuple[str, ...]) -> str | None:
    """A value, or None (not answered) now and then."""
    return rng.choice(values) if rng.random() < 0.8 else None


def random_answers(rng: random.Random) -> Answers:
    """Any combination of answers the questionnaire allows."""
    return Answers(
        municipality=rng.choice([*MUNICIPALITIES, "GM9999", None]),
        age_group=one_of(rng, AGE_GROUPS),
        gender=one_of(rng, GENDERS),
        languages=some(rng, LANGUAGES, 3),
        work_setting=some(rng, WORK_SETTINGS, 2),
        stage=one_of(rng, STAGES),
        needs=some(rng, NEEDS, 6),
        housing_situation=one_of(rng, HOUSING_SITUATIONS),
        debts_level=one_of(rng, DEBTS_LEVELS),
        other_income=one_of(rng, OTHER_INCOMES),
        residence=one_of(rng, RESIDENCES),
        signals=some(rng, SIGNALS, 2) if rng.random() < 0.3 else frozenset(),
        danger_now=one_of(rng, DANGER_NOW),
    )


@pytest.mark.parametrize(("n", "seed"), [(15, 1), (120, 2), (1_500, 3)])
def test_the_index_gives_the_same_result_as_a_full_scan(n: int, seed: int) -> None:
    catalogue = generated_catalogue(n, seed)
    rng = random.Random(seed)
    profiles_seen = set()
    for _ in range(400):
        answers = random_answers(rng)
        expected = reference.match(answers, catalogue)
        assert match(answers, catalogue) == expected, answers
        profiles_seen.add(expected.profile)
    assert profiles_seen == set(PROFILES)


def test_the_same_catalogue_answers_the_same_twice() -> None:
    """The index is built on first use; a second match must not see a different catalogue."""
    catalogue = generated_catalogue(300, 4)
    answers = Answers(municipality="GM0001", needs=frozenset(NEEDS), signals=frozenset(SIGNALS))
    first = match(answers, catalogue)
    assert first == match(answers, catalogue) == reference.match(answers, catalogue)
    assert first.section("start_here"), "exploitation: trafficking help and the hub"
