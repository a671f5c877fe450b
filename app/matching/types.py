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
    # True when the provider serves the whole country; derived, kept because it is asked often.
    national: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "national", NATIONAL in self.regions)


@dataclass(frozen=True)
class MatchCatalogue:
    """The catalogue as the matcher sees it: providers in catalogue order and region lookup."""

    providers: tuple[Provider, ...]
    municipality_region: dict[str, str] = field(default_factory=dict)

    def reachable(self, region: str | None) -> tuple[Provider, ...]:
        """National providers and those of `region`, in catalogue order (indexed once)."""
        index: dict[str | None, tuple[Provider, ...]] | None = self.__dict__.get("_index")
        if index is None:
            # Matching scans only what a person can reach: with 10,000 providers spread over
            # 18 regions that is a twentieth of the catalogue.
            regions = {r for p in self.providers for r in p.regions} - {NATIONAL}
            index = {None: tuple(p for p in self.providers if p.national)}
            for r in regions:
                index[r] = tuple(p for p in self.providers if p.national or r in p.regions)
            object.__setattr__(self, "_index", index)
        return index.get(region, index[None])


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

    def section(self, name: str) -> tuple[Option, ...]:
        """Return the options of one section, in order."""
        return tuple(o for o in self.options if o.section == name)
