"""Turn answers into a profile and an ordered list of support options with reasons."""

from __future__ import annotations

from itertools import chain, islice
from operator import itemgetter

from app.matching.rules import DANGER_NOW_CODE, decide_profile
from app.matching.types import (
    HUB_KINDS,
    LANGUAGES,
    NEEDS,
    Answers,
    Candidate,
    MatchCatalogue,
    MatchResult,
    Option,
    Provider,
    Reason,
)

# A need is well served when this many options on the page cover it.
OPTIONS_PER_NEED = 2
# At most this many national lines are added after the options per need: a short page.
NATIONAL_LINES = 4
# The signal that she or her family are threatened or hurt: help is needed now.
THREATENED = "threatened"


def person_groups(answers: Answers) -> tuple[str, ...]:
    """The catalogue groups the answers place her in, for preferring specialised help."""
    groups = []
    if answers.gender == "man":
        groups.append("men")
    if answers.gender == "trans_nonbinary":
        groups.append("trans")
    if "th" in answers.languages:
        groups.append("thai")
    if "escort" in answers.work_setting:
        groups.append("escort")
    if "unlicensed" in answers.work_setting:
        groups.append("unlicensed")
    if answers.age_group == "under_18":
        groups.append("minors")
    if answers.residence == "no_permit":
        groups.append("no_permit")
    return tuple(groups)


def effective_needs(answers: Answers) -> tuple[str, ...]:
    """Her chosen needs plus those her other answers point to: in her own order where she gave
    one, the rest in the contract's order."""
    needs = set(answers.needs)
    if answers.debts_level in ("problematic", "manageable"):
        needs.add("debts")
    if answers.housing_situation in ("no_stable_home", "lives_at_work"):
        needs.add("housing")
    if answers.other_income == "none":
        needs.add("income")
    if answers.residence == "no_permit":
        needs.add("legal")
    if answers.signals or answers.danger_now == "yes" or answers.age_group == "under_18":
        needs.add("safety")
    ordered = tuple(dict.fromkeys(n for n in answers.order if n in needs))
    return ordered + tuple(n for n in NEEDS if n in needs and n not in ordered)


def match(answers: Answers, catalogue: MatchCatalogue) -> MatchResult:
    """Decide the profile and choose the options, each with the needs it covers and why."""
    profile, reasons = decide_profile(answers)
    # Danger now, or a threat to her or her family, opens the page with the emergency block.
    urgent = answers.danger_now == "yes" or THREATENED in answers.signals
    if answers.danger_now == "yes":
        reasons = (Reason(DANGER_NOW_CODE), *reasons)
    region = catalogue.municipality_region.get(answers.municipality or "")
    municipality = answers.municipality if region else None
    needs = effective_needs(answers)
    groups = person_groups(answers)
    group_bits, language_bits = catalogue.bits(frozenset(groups), answers.languages)
    # What she can be offered where she is, indexed once per place and profile. Help for
    # victims is only offered when her answers call for it.
    reach = catalogue.reach(region, municipality, profile, urgent or profile == "exploitation")
    # A service whose sources speak only of women is never offered to a man, not even as
    # the place to start: his region then has none, and the page says what it lacks.
    man = answers.gender == "man"
    start_here = reach.start_here
    if start_here is not None and man and start_here.women_only:
        start_here = None
    picker = _Picker(
        region=region,
        needs=needs,
        groups=frozenset(groups),
        languages=answers.languages,
        group_bits=group_bits,
        language_bits=language_bits,
        start_here=start_here,
        man=man,
    )

    if urgent or profile == "exploitation":
        for p in reach.emergency:
            picker.add(p, "urgent", Reason("emergency"))
    if profile == "exploitation":
        # Trafficking help: specialised providers that work on safety, hers first.
        for p in picker.ranked(reach.trafficking, for_her_only=False):
            picker.add(p, "start_here", Reason("exploitation_help"))
    if start_here is not None:
        picker.add(start_here, "start_here", Reason("regional_hub", (("region", region or ""),)))

    regional_gaps = set()
    nothing: tuple[Candidate, ...] = ()
    for need in needs:
        regional_entries, national_entries = reach.by_need.get(need, (nothing, nothing))
        regional = picker.ranked(regional_entries)
        if region is not None and not regional:
            regional_gaps.add(need)
        # Options already on the page (the urgent list aside) that cover this need count.
        covered = picker.covered[need]
        if covered >= OPTIONS_PER_NEED:
            continue
        # Enough candidates to fill the need even if some are already on the page.
        limit = OPTIONS_PER_NEED + len(picker.chosen)
        national = picker.ranked(national_entries)
        for p in chain(islice(regional, limit), islice(national, limit)):
            if picker.add(p, "need", Reason("serves_need", (("need", need),))):
                covered += 1
                if covered >= OPTIONS_PER_NEED:
                    break

    # A few national lines, those that fit her best: her groups and needs they serve.
    lines = [p for p in picker.ranked(reach.lines) if p.id not in picker.chosen]
    fit = {p.id: picker.fit(p) for p in lines}
    fitting = [p for p in lines if fit[p.id]] if needs or groups else lines
    reason = "national_line"
    if not fitting and not picker.options:
        # A page is never empty: when nothing fits her at all, the national lines for everyone.
        fitting, reason = lines, "national_for_all"
    fitting.sort(key=lambda p: -fit[p.id])
    for p in fitting[:NATIONAL_LINES]:
        picker.add(p, "national", Reason(reason))

    uncovered = tuple(n for n in needs if n not in picker.on_page)
    return MatchResult(
        uncovered=uncovered,
        profile=profile,
        urgent=urgent,
        reasons=reasons,
        region_id=region,
        needs=needs,
        groups=groups,
        options=tuple(picker.options),
        # Her needs with nothing in her region, and those nothing on the page covers at all.
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
        group_bits: int,
        language_bits: int,
        start_here: Provider | None,
        man: bool = False,
    ) -> None:
        self.region = region
        self.start_here = start_here
        self.man = man
        self.needs = needs
        self.groups = groups
        self.languages = languages
        self.group_bits = group_bits
        self.language_bits = language_bits
        self.options: list[Option] = []
        self.chosen: set[str] = set()
        # Per need, how many options outside the urgent list cover it; and every need that
        # any option covers. Kept as options are added instead of recounted per need.
        self.covered: dict[str, int] = dict.fromkeys(needs, 0)
        self.on_page: set[str] = set()

    def fit(self, p: Provider) -> int:
        """How many of her needs and groups a provider serves."""
        return len(p.needs.intersection(self.needs)) + len(p.groups & self.groups)

    def ranked(
        self, entries: tuple[Candidate, ...], *, for_her_only: bool = True
    ) -> list[Provider]:
        """Regional first, then her groups, then her languages; ties keep catalogue order.

        The same order as sorting on (national, -shared groups, -shared languages), computed
        on bit masks: one integer key per entry and a stable sort of what is for her.
        """
        gb, lb = self.group_bits, self.language_bits
        # Shared groups and languages each stay far below 256, so one integer holds
        # the whole key: national first (x 65536), then groups (x 256), then languages.
        keyed = [
            (
                (e.provider.national << 16)
                - ((e.group_bits & gb).bit_count() << 8)
                - (e.language_bits & lb).bit_count(),
                e.provider,
            )
            for e in entries
            if (not for_her_only or e.open_to_all or e.group_bits & gb)
            and not (self.man and e.provider.women_only)
        ]
        keyed.sort(key=itemgetter(0))
        return [p for _, p in keyed]

    def add(self, p: Provider, section: str, first: Reason) -> bool:
        """Add `p` unless it is already on the page or not for him; return whether it was added."""
        if p.id in self.chosen or (self.man and p.women_only):
            return False
        self.chosen.add(p.id)
        reasons = [first]
        if p.kind in HUB_KINDS and not p.national and p is not self.start_here:
            # Another exit programme or PMW of her region: it works beside the one to start with.
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
        self.on_page.update(covers)
        if section != "urgent":
            for n in covers:
                self.covered[n] += 1
        self.options.append(Option(p.id, section, covers, tuple(reasons)))
        return True
