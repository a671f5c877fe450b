"""Put a match result into words in the current language, for the pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from app import texts
from app.catalog import Catalog, ProviderRecord
from app.i18n import current_language, gettext, ngettext
from app.matching.types import MatchResult, Option, Reason


@dataclass(frozen=True, slots=True)
class ReasonView:
    """One reason for the profile, as code and sentence."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class OptionView:
    """One option card: the provider, which of her needs it covers and why it is there."""

    provider: ProviderRecord
    option: Option  # what the matcher said; with the language it fixes the whole card
    region_name: str | None
    section: str
    covers: tuple[str, ...]
    covers_text: tuple[str, ...]
    why: tuple[str, ...]
    description: str
    hours: str | None


@dataclass(frozen=True, slots=True)
class ResultView:
    """Everything a result page shows, translated."""

    result: MatchResult
    profile_title: str
    profile_text: str
    reasons: tuple[ReasonView, ...]
    region_name: str | None
    needs: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, str, tuple[OptionView, ...]], ...]
    gaps: tuple[str, ...]

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
        needs = ", ".join(need_short(n) for n in option.covers)
        sentences.append(gettext(texts.SERVES_NEED_TEXT) % {"needs": needs})
    for reason in details:
        if reason.code == "group":
            sentences.append(gettext(texts.GROUP_TEXTS[reason.param("group")]))
        elif reason.code == "language":
            label = gettext(texts.SPOKEN_LANGUAGE_LABELS[reason.param("language")])
            sentences.append(gettext(texts.LANGUAGE_TEXT) % {"language": label})
        elif reason.code == "in_region":
            if region_name:
                sentences.append(gettext(texts.IN_REGION_TEXT) % {"region": region_name})
        else:
            sentences.append(gettext(texts.OPTION_REASON_TEXTS[reason.code]))
    return tuple(sentences)


class OptionViews:
    """Option views by language, matcher option and region name: a bounded cache.

    A view is fully determined by those three (the catalogue is fixed for the process), and
    the same options recur on every result page of a region.
    """

    MAX_VIEWS = 8192

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._views: dict[tuple[str, Option, str | None], OptionView] = {}

    def get(self, option: Option, region_name: str | None, lang: str) -> OptionView:
        """The view of `option` in `lang`."""
        key = (lang, option, region_name)
        view = self._views.get(key)
        if view is None:
            if len(self._views) >= self.MAX_VIEWS:
                self._views.clear()
            provider = self.catalog.providers[option.provider_id]
            view = self._views[key] = _option_view(option, provider, region_name, lang)
        return view


def present(result: MatchResult, catalog: Catalog, views: OptionViews | None = None) -> ResultView:
    """Translate a match result for the current language."""
    lang = current_language.get()
    region = catalog.regions.get(result.region_id or "")
    region_name = region.name.get(lang) if region else None
    views = views or OptionViews(catalog)
    sections = []
    for name in ("urgent", "start_here", "need", "national"):
        options = tuple(views.get(o, region_name, lang) for o in result.section(name))
        if options:
            sections.append((name, gettext(texts.SECTION_TITLES[name]), options))
    return ResultView(
        result=result,
        profile_title=gettext(texts.PROFILE_TITLES[result.profile]),
        profile_text=gettext(texts.PROFILE_TEXTS[result.profile]),
        reasons=tuple(ReasonView(r.code, reason_text(r)) for r in result.reasons),
        region_name=region_name,
        needs=tuple((n, gettext(texts.NEED_LABELS[n])) for n in result.needs),
        sections=tuple(sections),
        gaps=tuple(
            gettext(texts.GAP_TEXT) % {"need": need_short(n)}
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
        option=option,
        region_name=region_name,
        section=option.section,
        covers=option.covers,
        covers_text=tuple(need_short(n) for n in option.covers),
        why=option_why(option, region_name),
        description=provider.description.get(lang),
        hours=provider.contact.hours.get(lang) if provider.contact.hours else None,
    )
