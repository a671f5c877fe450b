"""The straightforward matcher (scans every reachable provider): the reference for the index.

The rules of app/matching/engine.py written as plainly as possible, scanning every provider
for each person, so a test can check that the indexed matcher gives exactly the same results.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.matching.engine import effective_needs, person_groups
from app.matching.rules import DANGER_NOW_CODE, decide_profile
from app.matching.types import (
    LANGUAGES,
    Answers,
    MatchCatalogue,
    MatchResult,
    Option,
    Provider,
    Reason,
)

# A need is well served when this many options on the page cover it.
OPTIONS_PER_NEED = 2
# At most this many national lines after the options per need.
NATIONAL_LINES = 4
HUB_KINDS = frozenset({"exit_programme", "pmw"})


def match(answers: Answers, catalogue: MatchCatalogue) -> MatchResult:
    """Decide the profile and choose the options, each with the needs it covers and why."""
    profile, reasons = decide_profile(answers)
    urgent = answers.danger_now == "yes" or "threatened" in answers.signals
    if answers.danger_now == "yes":
        reasons = (Reason(DANGER_NOW_CODE), *reasons)
    region = catalogue.municipality_region.get(answers.municipality or "")
    municipality = answers.municipality if region else None
    needs = effective_needs(answers)
    groups = person_groups(answers)
    start_here = catalogue.start_here.get(region or "")
    picker = _Picker(
        region=region,
        needs=needs,
        groups=frozenset(groups),
        languages=answers.languages,
        start_here=start_here,
    )
    victims = urgent or profile == "exploitation"

    def where_she_is(p: Provider) -> bool:
        if p.municipalities:
            return municipality in p.municipalities
        return p.national or region in p.regions

    # Her region's own, then her municipality's desk, each in catalogue order.
    relevant = [
        p
        for p in [
            *(p for p in catalogue.providers if not p.municipalities),
            *(p for p in catalogue.providers if p.municipalities),
        ]
        if where_she_is(p)
        and profile in p.profiles
        and (victims or not p.for_victims)
        # What the sources describe as only for women is never offered to a man.
        and not (answers.gender == "man" and p.women_only)
    ]

    if urgent or profile == "exploitation":
        for p in relevant:
            if p.emergency:
                picker.add(p, "urgent", Reason("emergency"))
    if profile == "exploitation":
        # Trafficking help: specialised providers that work on safety, hers first.
        trafficking = (q for q in relevant if q.kind == "specialised" and "safety" in q.needs)
        for p in picker.ranked(trafficking, everyone=True):
            picker.add(p, "start_here", Reason("exploitation_help"))
    for p in relevant:
        if p.id == start_here:
            picker.add(p, "start_here", Reason("regional_hub", (("region", region or ""),)))

    regional_gaps = set()
    # One pass to group what is for her by need, instead of one pass over everything per need.
    regional_by_need: dict[str, list[Provider]] = {need: [] for need in needs}
    national_by_need: dict[str, list[Provider]] = {need: [] for need in needs}
    for p in relevant:
        if not p.emergency and picker.for_her(p):
            grouped = national_by_need if p.national else regional_by_need
            for need in p.needs:
                if need in grouped:
                    grouped[need].append(p)
    for need in needs:
        regional, national = regional_by_need[need], national_by_need[need]
        if region is not None and not regional:
            regional_gaps.add(need)
        # Options already on the page (the urgent list aside) that cover this need count.
        covered = sum(1 for o in picker.options if o.section != "urgent" and need in o.covers)
        for p in picker.ranked(regional) + picker.ranked(national):
            if covered >= OPTIONS_PER_NEED:
                break
            if picker.add(p, "need", Reason("serves_need", (("need", need),))):
                covered += 1

    lines = [
        p
        for p in picker.ranked(relevant)
        if p.kind == "national_line" and not p.emergency
        if p.id not in picker.chosen and picker.for_her(p)
    ]
    fitting = [p for p in lines if picker.fit(p) > 0] if needs or groups else lines
    reason = "national_line"
    if not fitting and not picker.options:
        fitting, reason = lines, "national_for_all"  # a page is never empty
    for p in sorted(fitting, key=lambda p: -picker.fit(p))[:NATIONAL_LINES]:
        picker.add(p, "national", Reason(reason))

    uncovered = tuple(n for n in needs if not any(n in o.covers for o in picker.options))
    return MatchResult(
        uncovered=uncovered,
        profile=profile,
        urgent=urgent,
        reasons=reasons,
        region_id=region,
        needs=needs,
        groups=groups,
        options=tuple(picker.options),
        gaps=tuple(n for n in needs if n in regional_gaps or n in uncovered),
        languages=tuple(lang for lang in LANGUAGES if lang in answers.languages),
    )


class _Picker:
    """Collects options once each, in order, with the reasons common to every section."""

    def __init__(
        self,
        *,
        region: str | None,
        needs: tuple[str, ...],
        groups: frozenset[str],
        languages: frozenset[str],
        start_here: str | None,
    ) -> None:
        self.region = region
        self.start_here = start_here
        self.needs = needs
        self.groups = groups
        self.languages = languages
        self.options: list[Option] = []
        self.chosen: set[str] = set()

    def for_her(self, p: Provider) -> bool:
        """Hubs serve everyone; another provider that lists groups is made for those groups."""
        return p.kind in HUB_KINDS or not p.groups or bool(p.groups & self.groups)

    def fit(self, p: Provider) -> int:
        """How many of her needs and groups a provider serves."""
        return len(p.needs & set(self.needs)) + len(p.groups & self.groups)

    def ranked(self, providers: Iterable[Provider], everyone: bool = False) -> list[Provider]:
        """What is for her (or `everyone`): regional first, then her groups, then her
        languages; ties keep catalogue order."""

        def key(p: Provider) -> tuple[bool, int, int]:
            return (p.national, -len(p.groups & self.groups), -len(p.languages & self.languages))

        return sorted((p for p in providers if everyone or self.for_her(p)), key=key)

    def add(self, p: Provider, section: str, first: Reason) -> bool:
        """Add `p` unless it is already on the page; return whether it was added."""
        if p.id in self.chosen:
            return False
        self.chosen.add(p.id)
        reasons = [first]
        if p.kind in HUB_KINDS and not p.national and p.id != self.start_here:
            reasons.append(Reason("regional_partner"))
        if p.national:
            reasons.append(Reason("national"))
        else:
            reasons.append(Reason("in_region", (("region", self.region or ""),)))
        reasons += [Reason("group", (("group", g),)) for g in sorted(p.groups & self.groups)]
        reasons += [
            Reason("language", (("language", lang),))
            for lang in sorted(p.languages & self.languages)
            if lang not in ("nl", "other")  # Dutch is a given; "other" names nothing
        ]
        covers = tuple(n for n in self.needs if n in p.needs)
        self.options.append(Option(p.id, section, covers, tuple(reasons)))
        return True
