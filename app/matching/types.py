"""The questionnaire contract (ids and values) and the typed inputs and outputs of matching."""

from __future__ import annotations

from dataclasses import dataclass, field

# The ids and values below are a public contract (product.md section 2): never rename them.
AGE_GROUPS = ("under_18", "18_plus")
GENDERS = ("woman", "man", "trans_nonbinary")
LANGUAGES = ("nl", "en", "th", "ro", "bg", "hu", "es", "pl", "pt", "other")
WORK_SETTINGS = (
    "window",
    "club_private_house",
    "escort",
    "home_independent",
    "online",
    "street",
    "unlicensed",
    "other",
)
STAGES = ("thinking", "want_to_stop", "stopped", "must_stop")
NEEDS = (
    "housing",
    "income",
    "work",
    "education",
    "debts",
    "physical_health",
    "mental_health",
    "addiction",
    "safety",
    "legal",
    "social_network",
    "daily_life",
)
HOUSING_SITUATIONS = ("own_home", "lives_at_work", "no_stable_home", "other")
DEBTS_LEVELS = ("none", "manageable", "problematic", "dont_know")
OTHER_INCOMES = ("yes", "some", "none")
RESIDENCES = ("nl_eu", "permit", "no_permit")
SIGNALS = (
    "earnings_taken",
    "not_free",
    "documents_held",
    "debt_bondage",
    "threatened",
    "cannot_stop",
)
DANGER_NOW = ("yes", "no")

# Question id -> allowed values, in the order of product.md.
SINGLE_CHOICE: dict[str, tuple[str, ...]] = {
    "age_group": AGE_GROUPS,
    "gender": GENDERS,
    "stage": STAGES,
    "housing_situation": HOUSING_SITUATIONS,
    "debts_level": DEBTS_LEVELS,
    "other_income": OTHER_INCOMES,
    "residence": RESIDENCES,
    "danger_now": DANGER_NOW,
}
MULTI_CHOICE: dict[str, tuple[str, ...]] = {
    "languages": LANGUAGES,
    "work_setting": WORK_SETTINGS,
    "needs": NEEDS,
    "signals": SIGNALS,
}
QUESTION_IDS = (
    "municipality",
    "age_group",
    "gender",
    "languages",
    "work_setting",
    "stage",
    "needs",
    "housing_situation",
    "debts_level",
    "other_income",
    "residence",
    "signals",
    "danger_now",
)

PROFILES = ("exploitation", "complex", "autonomous")
PROVIDER_KINDS = ("exit_programme", "pmw", "national_line", "specialised", "regular")
GROUPS = ("men", "trans", "thai", "escort", "unlicensed", "minors", "no_permit")
NATIONAL = "national"
# Exit programmes and PMW organisations: the regional hubs that serve everyone.
HUB_KINDS = frozenset({"exit_programme", "pmw"})


@dataclass(frozen=True, slots=True)
class Answers:
    """One person's answers; None or empty means not answered. Values are already validated."""

    municipality: str | None = None  # CBS code, resolved from name or alias beforehand
    age_group: str | None = None
    gender: str | None = None
    languages: frozenset[str] = frozenset()
    work_setting: frozenset[str] = frozenset()
    stage: str | None = None
    needs: frozenset[str] = frozenset()
    housing_situation: str | None = None
    debts_level: str | None = None
    other_income: str | None = None
    residence: str | None = None
    signals: frozenset[str] = frozenset()
    danger_now: str | None = None
    # Her own order of needs, first the most important; needs she did not order follow.
    order: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """A machine-readable reason: a stable code plus parameters for the sentence shown."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str:
        """Return one parameter's value."""
        return dict(self.params)[name]


@dataclass(frozen=True, slots=True)
class Provider:
    """What the matcher needs to know of one catalogue record."""

    id: str
    kind: str
    regions: frozenset[str]  # region ids, or {"national"}
    needs: frozenset[str]
    profiles: frozenset[str]
    groups: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    emergency: bool = False
    # Only for people in these municipalities (a municipality's own desk); empty: the regions.
    municipalities: frozenset[str] = frozenset()
    # Help for victims of crime, violence or trafficking: offered only when the answers call
    # for it (signs of exploitation, or danger now), never for a practical question.
    for_victims: bool = False
    # Its sources speak only of women: never offered to a man.
    women_only: bool = False
    # True when the provider serves the whole country; derived, kept because it is asked often.
    national: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "national", NATIONAL in self.regions)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A provider with its groups and languages as bit masks, for ranking without set work."""

    provider: Provider
    group_bits: int
    language_bits: int
    # Hubs serve everyone, and so does help that names no group.
    open_to_all: bool


@dataclass(frozen=True, slots=True)
class Reach:
    """What one person can be offered from where she is, split the way the matcher asks."""

    emergency: tuple[Provider, ...]
    trafficking: tuple[Candidate, ...]  # specialised and working on safety
    start_here: Provider | None  # the region's one exit programme or PMW to start with
    lines: tuple[Candidate, ...]  # national lines that are not emergency numbers
    # need -> (regional, national) non-emergency providers serving it, catalogue order kept.
    by_need: dict[str, tuple[tuple[Candidate, ...], tuple[Candidate, ...]]]


@dataclass(frozen=True)
class MatchCatalogue:
    """The catalogue as the matcher sees it: providers in catalogue order and region lookup."""

    providers: tuple[Provider, ...]
    municipality_region: dict[str, str] = field(default_factory=dict)
    # region id -> the id of its one exit programme or PMW to start with
    start_here: dict[str, str] = field(default_factory=dict)

    def reachable(
        self, region: str | None, municipality: str | None = None
    ) -> tuple[Provider, ...]:
        """National providers, those of `region` and those of `municipality`, catalogue order."""
        index: dict[str | None, tuple[Provider, ...]] | None = self.__dict__.get("_index")
        if index is None:
            # Matching scans only what a person can reach: with 2,000 providers spread over
            # 18 regions and 342 municipalities that is a small part of the catalogue.
            places = {r for p in self.providers for r in p.regions | p.municipalities} - {NATIONAL}
            index = {None: tuple(p for p in self.providers if p.national)}
            for place in places:
                index[place] = tuple(
                    p
                    for p in self.providers
                    if p.national
                    or (place in p.regions and not p.municipalities)
                    or place in p.municipalities
                )
            object.__setattr__(self, "_index", index)
        regional = index.get(region, index[None])
        if municipality is not None and municipality in index:
            # Her municipality's own desk comes after the rest of her region.
            return regional + tuple(p for p in index[municipality] if p.municipalities)
        return regional

    def bits(self, groups: frozenset[str], languages: frozenset[str]) -> tuple[int, int]:
        """A person's groups and languages as masks comparable with Candidate's."""
        group_bit, language_bit = self._bit_maps()
        return (
            sum(group_bit.get(g, 0) for g in groups),
            sum(language_bit.get(lang, 0) for lang in languages),
        )

    def reach(
        self, region: str | None, municipality: str | None, profile: str, victims: bool
    ) -> Reach:
        """What `profile` can be offered where she is, indexed on first use.

        `victims` says whether help for victims may be offered (signs of exploitation, or
        danger now).
        """
        cache: dict[tuple[str | None, str | None, str, bool], Reach] | None = self.__dict__.get(
            "_reach"
        )
        if cache is None:
            cache = {}
            object.__setattr__(self, "_reach", cache)
        key = (region, municipality, profile, victims)
        reach = cache.get(key)
        if reach is None:
            # Built once per place, profile and victims flag (a dict store is atomic, so two
            # threads at worst build the same thing twice): a match never walks the region.
            reach = self._build_reach(region, municipality, profile, victims)
            cache[key] = reach
        return reach

    def _bit_maps(self) -> tuple[dict[str, int], dict[str, int]]:
        maps: tuple[dict[str, int], dict[str, int]] | None = self.__dict__.get("_bit_maps_")
        if maps is None:
            # Every group and language a provider names gets one bit; what no provider names
            # can never overlap, so a person's unknown values simply get no bit.
            groups = sorted({g for p in self.providers for g in p.groups})
            languages = sorted({lang for p in self.providers for lang in p.languages})
            maps = (
                {g: 1 << i for i, g in enumerate(groups)},
                {lang: 1 << i for i, lang in enumerate(languages)},
            )
            object.__setattr__(self, "_bit_maps_", maps)
        return maps

    def _build_reach(
        self, region: str | None, municipality: str | None, profile: str, victims: bool
    ) -> Reach:
        group_bit, language_bit = self._bit_maps()
        relevant = [
            p
            for p in self.reachable(region, municipality)
            if profile in p.profiles and (victims or not p.for_victims)
        ]
        candidates = {
            p.id: Candidate(
                provider=p,
                group_bits=sum(group_bit[g] for g in p.groups),
                language_bits=sum(language_bit[lang] for lang in p.languages),
                open_to_all=p.kind in HUB_KINDS or not p.groups,
            )
            for p in relevant
        }
        by_need: dict[str, tuple[list[Candidate], list[Candidate]]] = {}
        for p in relevant:
            if p.emergency:
                continue
            for need in p.needs:
                regional, national = by_need.setdefault(need, ([], []))
                (national if p.national else regional).append(candidates[p.id])
        start_id = self.start_here.get(region or "")
        return Reach(
            emergency=tuple(p for p in relevant if p.emergency),
            trafficking=tuple(
                candidates[p.id]
                for p in relevant
                if p.kind == "specialised" and "safety" in p.needs
            ),
            start_here=next((p for p in relevant if p.id == start_id), None),
            lines=tuple(
                candidates[p.id] for p in relevant if p.kind == "national_line" and not p.emergency
            ),
            by_need={
                need: (tuple(regional), tuple(national))
                for need, (regional, national) in by_need.items()
            },
        )


@dataclass(frozen=True, slots=True)
class Option:
    """One suggested provider, the section it belongs to, her needs it covers and why."""

    provider_id: str
    section: str  # "urgent", "start_here", "need", "national"
    covers: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of matching one set of answers."""

    profile: str
    urgent: bool
    reasons: tuple[Reason, ...]
    region_id: str | None
    needs: tuple[str, ...]
    groups: tuple[str, ...]
    options: tuple[Option, ...]
    gaps: tuple[str, ...]  # her needs that nothing in her region covers
    uncovered: tuple[str, ...] = ()  # her needs that no option on the page covers at all
    languages: tuple[str, ...] = ()  # the languages she can talk in, as she gave them

    def section(self, name: str) -> tuple[Option, ...]:
        """Return the options of one section, in order."""
        return tuple(o for o in self.options if o.section == name)
