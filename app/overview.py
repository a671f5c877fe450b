"""What a result shows, in words in the current language: one service for the pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from app import opening, texts
from app.answers import Checked
from app.cards import known_facts, open_text
from app.catalog import Catalog, ProviderRecord
from app.i18n import LANGUAGES, N_, current_language, gettext, join, language_name, ngettext
from app.matching import engine
from app.matching.types import MatchResult, Option, Reason
from app.qr import qr_svg
from app.saved_results import Saved
from app.security import form_token
from app.templating import hidden_fields


@dataclass(frozen=True, slots=True)
class ReasonView:
    """One reason for the profile, as code and sentence."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class OptionView:
    """One option card: the provider, which of her needs it covers and why it is there."""

    provider: ProviderRecord
    covers: tuple[str, ...]
    why: tuple[str, ...]
    description: str
    open_now: str | None = None  # "Open now, until 17:00"; None where the hours are not data
    instead: str | None = None  # closed now: an option on this page that is open and helps too


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step of her plan: when, for which need, with which service, and what to ask."""

    when: str  # "week", "month" or "later"
    need: str
    need_label: str
    provider: ProviderRecord | None
    tips: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegionView:
    """Her region, by id and name in the current language."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything a result shows, translated: the page, the saved page and the API read this."""

    result: MatchResult
    profile_title: str
    profile_text: str
    reasons: tuple[ReasonView, ...]
    region: RegionView | None
    needs: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, str, tuple[OptionView, ...]], ...]
    gaps: tuple[str, ...]
    plan: tuple[PlanStep, ...] = ()
    # Which of her languages no service here speaks, and how to get an interpreter; or ().
    language_note: tuple[str, ...] = ()
    # Which of her groups no service here says it works with, and that she can still ask; or ().
    group_note: tuple[str, ...] = ()

    def plan_by_when(self) -> tuple[tuple[str, tuple[PlanStep, ...]], ...]:
        """Her plan's steps under this week, this month and later, leaving out empty ones."""
        groups = ((w, tuple(s for s in self.plan if s.when == w)) for w in texts.PLAN_WHEN_TITLES)
        return tuple((w, steps) for w, steps in groups if steps)

    def options(self) -> tuple[OptionView, ...]:
        """All options in page order."""
        return tuple(o for _, _, opts in self.sections for o in opts)


def reason_text(reason: Reason) -> str:
    """The sentence for one profile reason."""
    if reason.code == "many_needs":
        n = int(reason.param("count"))
        return ngettext(*texts.MANY_NEEDS_TEXT, n) % {"num": n}
    return gettext(texts.REASON_TEXTS[reason.code])


def need_short(need: str) -> str:
    """A need's short name."""
    return gettext(texts.NEED_SHORT[need])


def option_why(option: Option, region_name: str | None) -> tuple[str, ...]:
    """Why an option is shown: its section's reason, the needs it covers, then the details."""
    section, *details = option.reasons
    sentences = []
    if section.code != "serves_need":
        sentences.append(gettext(texts.OPTION_REASON_TEXTS[section.code]))
    if option.covers:
        needs = join([need_short(n) for n in option.covers])
        sentences.append(gettext(texts.SERVES_NEED_TEXT) % {"needs": needs})
    for reason in details:
        if reason.code == "group":
            sentences.append(gettext(texts.GROUP_TEXTS[reason.param("group")]))
        elif reason.code == "language":
            name = language_name(reason.param("language"), current_language.get())
            sentences.append(gettext(texts.LANGUAGE_TEXT) % {"language": name})
        elif reason.code == "in_region":
            if region_name:
                sentences.append(gettext(texts.IN_REGION_TEXT) % {"region": region_name})
        else:
            sentences.append(gettext(texts.OPTION_REASON_TEXTS[reason.code]))
    return tuple(sentences)


def build(*, catalog: Catalog, checked: Checked, now: datetime) -> Overview:
    """Match her checked answers and put the result into words in the current language."""
    return present(engine.match(checked.answers(), catalog.match_catalogue), catalog, now)


def present(result: MatchResult, catalog: Catalog, now: datetime) -> Overview:
    """Translate a match result for the current language, with what is open at `now`."""
    lang = current_language.get()
    region = catalog.regions.get(result.region_id or "")
    region_view = RegionView(region.id, region.name.get(lang)) if region else None
    region_name = region_view.name if region_view else None
    sections: list[Section] = []
    for name in ("urgent", "start_here", "need", "national"):
        options = tuple(
            _option_view(o, catalog.providers[o.provider_id], region_name, lang)
            for o in result.section(name)
        )
        if options:
            sections.append((name, gettext(texts.SECTION_TITLES[name]), options))
    sections = _with_opening(sections, now)
    # "The exit programme can look for help with you" only where the page shows one.
    has_hub = any(o.reasons[0].code == "regional_hub" for o in result.options)
    gap_text = texts.GAP_TEXT if has_hub else texts.GAP_NO_HUB_TEXT
    return Overview(
        language_note=language_note(result.languages, sections, lang),
        group_note=group_note(result.groups, sections),
        plan=_plan(result.needs, sections),
        result=result,
        profile_title=gettext(texts.PROFILE_TITLES[result.profile]),
        profile_text=gettext(texts.PROFILE_TEXTS[result.profile]),
        reasons=tuple(ReasonView(r.code, reason_text(r)) for r in result.reasons),
        region=region_view,
        needs=tuple((n, gettext(texts.NEED_LABELS[n])) for n in result.needs),
        sections=tuple(sections),
        gaps=tuple(
            gettext(gap_text) % {"need": need_short(n)}
            for n in result.gaps
            if n not in result.uncovered
        )
        + tuple(gettext(texts.NO_HELP_TEXT) % {"need": need_short(n)} for n in result.uncovered),
    )


def _option_view(
    option: Option, provider: ProviderRecord, region_name: str | None, lang: str
) -> OptionView:
    return OptionView(
        provider=provider,
        covers=option.covers,
        why=option_why(option, region_name),
        description=provider.description.get(lang),
    )


Section = tuple[str, str, tuple[OptionView, ...]]

# Languages every service here speaks, or that are not a language; never worth a note.
_NO_NOTE = {"nl", "other"}


def _providers(sections: Sequence[Section]) -> list[ProviderRecord]:
    """The providers on the page, each once, in page order."""
    return list({o.provider.id: o.provider for _, _, opts in sections for o in opts}.values())


def language_note(spoken: Sequence[str], sections: Sequence[Section], lang: str) -> tuple[str, ...]:
    """When no option speaks one of her languages: say which, and who can arrange a tolk."""
    providers = _providers(sections)
    unmatched = [
        code
        for code in spoken
        if code not in _NO_NOTE and not any(code in p.languages for p in providers)
    ]
    if not unmatched:
        return ()
    # "or": none speaks Romanian, and none speaks Bulgarian; "and" would read as "both at once".
    names = join([language_name(code, lang) for code in unmatched], "or")
    sentences = [gettext(texts.NO_LANGUAGE_TEXT) % {"languages": names}]
    interpreters = [p.name for p in providers if known_facts(p).get("interpreter") is True]
    if interpreters:
        listed = join(interpreters)
        sentences.append(gettext(texts.INTERPRETER_KNOWN_TEXT) % {"names": listed})
    else:
        sentences.append(gettext(texts.INTERPRETER_UNKNOWN_TEXT))
    return tuple(sentences)


def group_note(groups: Sequence[str], sections: Sequence[Section]) -> tuple[str, ...]:
    """When no option says it works with one of her groups: say which, and that she can ask."""
    providers = _providers(sections)
    unmet = [g for g in groups if not any(g in p.groups for p in providers)]
    if not unmet:
        return ()
    # A gap in what the services say, not a door closed to her: the page says both.
    return (*(gettext(texts.NO_GROUP_TEXTS[g]) for g in unmet), gettext(texts.GROUP_ASK_TEXT))


def start_here(sections: Sequence[Section]) -> ProviderRecord | None:
    """The region's place to start, where the page has one."""
    return next(
        (o.provider for name, _, opts in sections if name == "start_here" for o in opts), None
    )


def when_for(position: int) -> str:
    """Her first need is for this week, the next two for this month, the rest for later."""
    return "week" if position == 0 else "month" if position < 3 else "later"


def _plan(needs: tuple[str, ...], sections: list[Section]) -> tuple[PlanStep, ...]:
    """A step per need in her order: the first service shown for that need, else the first on
    the page that covers it, else the exit programme."""
    # The help listed under her needs first: "start here" covers much, and would name itself
    # for every step.
    order = {"need": 0, "national": 1, "start_here": 2}
    cards = [
        o
        for name, _, opts in sorted(sections, key=lambda s: order.get(s[0], 3))
        if name != "urgent"
        for o in opts
    ]
    hub = start_here(sections)
    steps = []
    for position, need in enumerate(needs):
        provider = next((o.provider for o in cards if need in o.covers), hub)
        steps.append(
            PlanStep(
                when=when_for(position),
                need=need,
                need_label=gettext(texts.NEED_LABELS[need]),
                provider=provider,
                tips=_tips(need, provider),
            )
        )
    return tuple(steps)


def _tips(need: str, provider: ProviderRecord | None) -> tuple[str, ...]:
    """What to ask, then what to bring and how the first contact goes, as the sources say."""
    if provider is None:
        return (gettext(texts.PLAN_NO_SERVICE),)
    facts = known_facts(provider)
    tips = [gettext(texts.PLAN_ASK[need])]
    asks = facts.get("asks")
    tips += (
        [gettext(texts.PLAN_BRING[a]) for a in asks if a in texts.PLAN_BRING]
        if isinstance(asks, list)
        else []
    )
    if facts.get("anonymous") in texts.ANONYMOUS_TEXTS and facts["anonymous"] != "name_needed":
        tips.append(gettext(texts.ANONYMOUS_TEXTS[str(facts["anonymous"])]))
    ways = facts.get("first_contact")
    if isinstance(ways, list):
        tips += [
            gettext(texts.PLAN_FIRST_CONTACT[w]) for w in ways if w in texts.PLAN_FIRST_CONTACT
        ]
    if facts.get("interpreter") is True:
        tips.append(gettext(texts.PLAN_INTERPRETER))
    return tuple(tips)


def _with_opening(sections: list[Section], now: datetime) -> list[Section]:
    """Each card's "open now" line; a closed card names an open card that helps with the same."""
    states = {
        o.provider.id: opening.status(o.provider.opening, now)
        for _, _, opts in sections
        for o in opts
    }
    open_now = [
        o
        for name, _, opts in sections
        if name != "urgent"  # 112 is not the place for a question about debts
        for o in opts
        if states[o.provider.id].state in ("open", "always")
    ]

    def card(option: OptionView) -> OptionView:
        status = states[option.provider.id]
        instead = None
        if status.state == "closed":
            helps = set(option.covers or option.provider.needs)
            instead = next(
                (o.provider.name for o in open_now if helps & set(o.provider.needs)), None
            )
        return replace(option, open_now=open_text(status, now), instead=instead)

    return [(name, title, tuple(card(o) for o in opts)) for name, title, opts in sections]


@dataclass(frozen=True, slots=True)
class SavedInfo:
    """What a saved result's page adds: its link in every language, the QR code, the last day."""

    token: str
    url: str
    expires_on: date
    lang_used: str | None
    links: tuple[tuple[str, str], ...]
    qr: Markup


def saved_info(*, base_url: str, lang: str, token: str, saved: Saved) -> SavedInfo:
    """The saved page's extras for `token`, read back as `saved`, shown in `lang`."""
    url = f"{base_url}/{lang}/r/{token}"
    return SavedInfo(
        token=token,
        url=url,
        expires_on=saved.expires_on,
        lang_used=saved.lang if saved.lang in LANGUAGES else None,
        links=tuple((code, f"/{code}/r/{token}") for code in LANGUAGES),
        qr=qr_svg(url, title=gettext(N_("QR code of this link"))),
    )


def page_context(
    view: Overview,
    *,
    checked: Checked,
    secret: bytes,
    saved: SavedInfo | None = None,
    save_failed: bool = False,
) -> dict[str, Any]:
    """The result template's context: the overview, her answers as hidden fields, form tokens."""
    return {
        "view": view,
        # A saved result's page holds no forms with her answers.
        "carry_fields": hidden_fields(checked.pairs()) if saved is None else "",
        "answered": bool(checked.values),
        "save_token": form_token(secret, "save"),
        "delete_token": form_token(secret, "delete"),
        "saved": saved,
        "save_failed": save_failed,
    }
