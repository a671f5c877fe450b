"""The straightforward matcher (scans every reachable provider): the reference for the index.

A frozen copy of app/matching/engine.py as it was before the per-region, per-need index, so a
test can check that the indexed matcher gives exactly the same results.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from app.matching.engine import effective_needs, person_groups
from app.matching.rules import DANGER_NOW_CODE, decide_profile
from app.matching.types import (
    Answers,
    MatchCatalogue,
    MatchResult,
    Option,
    Provider,
    Reason,
)

# A need is well served when this many options on the page cover it.
OPTIONS_PER_NEED = 2
HUB_KINDS = frozenset({"exit_programme", "pmw"})


def match(answers: Answers, catalogue: MatchCatalogue) -> MatchResult:
    """Decide the profile and choose the options, each with the needs it covers and why."""
    profile, reasons = decide_profile(answers)
    urgent = answers.danger_now == "yes"
    if urgent:
        reasons = (Reason(DANGER_NOW_CODE), *reasons)
    region = catalogue.municipality_region.get(answers.municipality or "")
    needs = effective_needs(answers)
    groups = person_groups(answers)
    picker = _Picker(
        region=region, needs=needs, groups=frozenset(groups), languages=answers.languages
    )
    relevant = [p for p in catalogue.reachable(region) if profile in p.profiles]

    if urgent or profile == "exploitation":
        for p in relevant:
            if p.emergency:
                picker.add(p, "urgent", Reason("emergency"))
    if profile == "exploitation":
        # Trafficking help: specialised providers that work on safety, hers first.
        trafficking = (q for q in relevant if q.kind == "specialised" and "safety" in q.needs)
        for p in picker.ranked(trafficking):
            picker.add(p, "start_here", Reason("exploitation_help"))
    for p in relevant:
        if p.kind in HUB_KINDS and not p.national:
            picker.add(p, "start_here", Reason("regional_hub", (("region", region or ""),)))

    gaps = []
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
            gaps.append(need)
        # Options already on the page (the urgent list aside) that cover this need count.
        covered = sum(1 for o in picker.options if o.section != "urgent" and need in o.covers)
        # Enough candidates to fill the need even if some are already on the page.
        limit = OPTIONS_PER_NEED + len(picker.chosen)
        for p in picker.ranked(regional, limit) + picker.ranked(national, limit):
            if covered >= OPTIONS_PER_NEED:
                break
            if picker.add(p, "need", Reason("serves_need", (("need", need),))):
                covered += 1

    for p in relevant:
        if p.kind == "national_line" and not p.emergency and picker.useful_nationally(p):
            picker.add(p, "national", Reason("national_line"))

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
        gaps=tuple(gaps),
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
    ) -> None:
        self.region = region
        self.needs = needs
        self.groups = groups
        self.languages = languages
        self.options: list[Option] = []
        self.chosen: set[str] = set()

    def for_her(self, p: Provider) -> bool:
        """Hubs serve everyone; another provider that lists groups is made for those groups."""
        return p.kind in HUB_KINDS or not p.groups or bool(p.groups & self.groups)

    def useful_nationally(self, p: Provider) -> bool:
        """A national line is worth listing when it is for her and serves a need or group."""
        if not self.for_her(p):
            return False
        if not self.needs and not self.groups:
            return True
        return bool(p.needs.intersection(self.needs) or p.groups & self.groups)

    def ranked(self, providers: Iterable[Provider], limit: int | None = None) -> list[Provider]:
        """Regional first, then her groups, then her languages; ties keep catalogue order.

        With `limit`, only the best that many (heapq.nsmallest is a stable partial sort, so
        the order is the same as a full sort's; a large region need not be sorted whole).
        """

        def key(p: Provider) -> tuple[bool, int, int]:
            return (p.national, -len(p.groups & self.groups), -len(p.languages & self.languages))

        if limit is None:
            return sorted(providers, key=key)
        return heapq.nsmallest(limit, providers, key=key)

    def add(self, p: Provider, section: str, first: Reason) -> bool:
        """Add `p` unless it is already on the page; return whether it was added."""
        if p.id in self.chosen:
            return False
        self.chosen.add(p.id)
        reasons = [first]
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
