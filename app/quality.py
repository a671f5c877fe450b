"""How deep and how honest the catalogue is: a sweep through the matcher, duplicates, depth.

Used by `make catalogue-check` and by the tests of the real catalogue, so that what is printed
for maintainers and what the tests hold the catalogue to are the same numbers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from app.cards import FACTS, known_facts
from app.catalog import Catalog, ProviderRecord
from app.matching import engine as matching_engine
from app.matching.types import GROUPS, NATIONAL, NEEDS, Answers

# Answers that give each profile with one chosen need. The complex and exploitation ones add a
# need of their own (debts; safety), which the sweep then checks too. Some needs make any
# situation complex (mental health, addiction): the sweep records the profile the matcher gave.
# A man is swept apart: help only for women is never offered to him, so his page can be thinner.
SWEEP_PEOPLE: dict[str, dict[str, object]] = {
    "autonomous": {},
    "complex": {"debts_level": "problematic"},
    "exploitation": {"signals": frozenset({"earnings_taken"})},
    "autonomous (a man)": {"gender": "man"},
}


def is_regional_service(p: ProviderRecord) -> bool:
    """A service of a region that a person can reach (phone, website, chat or e-mail)."""
    return NATIONAL not in p.regions and not p.is_municipal_desk() and p.contact.reachable()


@dataclass
class Sweep:
    """Every municipality (and none) x every need x every profile, through the matcher."""

    results: int = 0
    # (municipality or None, need, profile) of each result without a single option
    empty: list[tuple[str | None, str, str]] = field(default_factory=list)
    # ... and of each need of hers that no reachable option on the page covers
    uncovered: list[tuple[str | None, str, str]] = field(default_factory=list)
    # ... of each need covered, but only by national options, in a place that was given
    national_only: list[tuple[str | None, str, str]] = field(default_factory=list)
    # results in which a need is neither covered nor named as a gap (must never happen)
    unexplained: list[tuple[str | None, str, str]] = field(default_factory=list)


def sweep(catalog: Catalog) -> Sweep:
    """Match every municipality (and no place) with every single need in every profile."""
    out = Sweep()
    places: list[str | None] = [None, *sorted(catalog.municipalities)]
    for place in places:
        for need in NEEDS:
            for extra in SWEEP_PEOPLE.values():
                answers = Answers(municipality=place, needs=frozenset({need}), **extra)  # type: ignore[arg-type]
                result = matching_engine.match(answers, catalog.match_catalogue)
                out.results += 1
                case = (place, need, result.profile)
                if not result.options:
                    out.empty.append(case)
                for n in result.needs:
                    covering = [
                        catalog.providers[o.provider_id]
                        for o in result.options
                        if n in o.covers and catalog.providers[o.provider_id].contact.reachable()
                    ]
                    if not covering:
                        out.uncovered.append((place, n, result.profile))
                    elif place is not None and all(NATIONAL in p.regions for p in covering):
                        out.national_only.append((place, n, result.profile))
                    if not any(n in o.covers for o in result.options) and n not in result.gaps:
                        out.unexplained.append((place, n, result.profile))
    return out


@dataclass(frozen=True, slots=True)
class Depth:
    """Real regional services per region and need, and per region and group."""

    needs: dict[str, dict[str, int]]  # region -> need -> count
    groups: dict[str, dict[str, int]]  # region -> group -> count
    national_needs: dict[str, int]
    national_groups: dict[str, int]
    desks: dict[str, tuple[int, int]]  # region -> (municipalities with a desk, municipalities)


def depth(catalog: Catalog) -> Depth:
    """Count what each region really offers; national services and desks apart."""
    regional = [p for p in catalog.providers.values() if is_regional_service(p)]
    national = [
        p for p in catalog.providers.values() if NATIONAL in p.regions and p.contact.reachable()
    ]
    desks = {p.municipalities[0] for p in catalog.providers.values() if p.is_municipal_desk()}
    return Depth(
        needs={
            r: {n: sum(r in p.regions and n in p.needs for p in regional) for n in NEEDS}
            for r in catalog.regions
        },
        groups={
            r: {g: sum(r in p.regions and g in p.groups for p in regional) for g in GROUPS}
            for r in catalog.regions
        },
        national_needs={n: sum(n in p.needs for p in national) for n in NEEDS},
        national_groups={g: sum(g in p.groups for p in national) for g in GROUPS},
        desks={
            r.id: (sum(m.code in desks for m in r.municipalities), len(r.municipalities))
            for r in catalog.regions.values()
        },
    )


def _phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _website_key(url: str) -> str:
    url = url.lower().removeprefix("https://").removeprefix("www.")
    return url.rstrip("/")


def duplicates(catalog: Catalog) -> list[tuple[str, str, list[str]]]:
    """The same phone number or website under two or more ids: (what, value, ids)."""
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in catalog.providers.values():
        if p.contact.phone:
            seen[("phone", _phone_key(p.contact.phone))].append(p.id)
        if p.contact.website:
            seen[("website", _website_key(p.contact.website))].append(p.id)
    return [
        (what, value, sorted(ids)) for (what, value), ids in sorted(seen.items()) if len(ids) > 1
    ]


def contact_fact_counts(catalog: Catalog) -> tuple[int, dict[str, int]]:
    """How many hand-written records have each first-contact fact sourced, and hours as data.

    The municipalities' desks are left out: they all share one description.
    """
    records = [p for p in catalog.providers.values() if not p.is_municipal_desk()]
    counts = {name: 0 for name in (*FACTS, "opening")}
    for p in records:
        for name in known_facts(p):
            counts[name] += 1
        counts["opening"] += p.opening is not None
    return len(records), counts
