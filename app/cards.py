"""What a card says about a service, in the current language: before contact, and open now."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from babel.dates import format_date

from app import texts
from app.catalog import ProviderRecord
from app.i18n import current_language, gettext, join
from app.opening import Status

FACTS = tuple(texts.CONTACT_FACT_LABELS)


def known_facts(provider: ProviderRecord) -> dict[str, object]:
    """The first-contact facts a source states, by name; the record's own `free` and
    `anonymous_possible` (from its main source) count where `before_contact` is silent."""
    known: dict[str, object] = {}
    if provider.before_contact is not None:
        for name in FACTS:
            fact = getattr(provider.before_contact, name)
            if fact is not None:
                known[name] = fact.value
    if "free" not in known and provider.free is not None:
        known["free"] = provider.free
    if "anonymous" not in known and provider.anonymous_possible:
        known["anonymous"] = "anonymous"
    return known


def contact_facts(provider: ProviderRecord) -> tuple[tuple[str, str, bool], ...]:
    """Every fact's label, sentence and whether a source states it ("Not known." if not)."""
    known = known_facts(provider)
    return tuple(
        (gettext(texts.CONTACT_FACT_LABELS[name]), _sentence(name, known[name]), True)
        if name in known
        else (gettext(texts.CONTACT_FACT_LABELS[name]), gettext(texts.NOT_KNOWN), False)
        for name in FACTS
    )


def _sentence(name: str, value: object) -> str:
    if name == "anonymous":
        return gettext(texts.ANONYMOUS_TEXTS[str(value)])
    if name == "passes_on":
        return gettext(texts.PASSES_ON_TEXTS[str(value)])
    if name == "asks":
        items = join([gettext(texts.ASKS_ITEMS[v]) for v in _listed(value)])
        return gettext(texts.ASKS_TEXT) % {"items": items}
    if name == "first_contact":
        # Ways to make a first contact are alternatives: "a call back, an appointment or a chat".
        ways = join([gettext(texts.FIRST_CONTACT_ITEMS[v]) for v in _listed(value)], "or")
        return gettext(texts.FIRST_CONTACT_TEXT) % {"ways": ways}
    yes, no = texts.YES_NO_TEXTS[name]
    return gettext(yes if value else no)


def _listed(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def open_text(status: Status, now: datetime) -> str | None:
    """ "Open now, until 17:00", "Closed now. Opens tomorrow at 9:00", or None when not known."""
    if status.state == "unknown":
        return None
    if status.state == "always":
        return gettext(texts.OPEN_ALWAYS)
    if status.state == "open":
        assert status.until is not None  # an open status always knows when it closes
        if status.until == time.max:
            sentence = gettext(texts.OPEN_UNTIL_MIDNIGHT)
        else:
            sentence = gettext(texts.OPEN_UNTIL) % {"time": _clock(status.until)}
    else:
        sentence = _closed(status, now)
    if status.holiday and status.holidays == "unknown":
        sentence += " " + gettext(texts.HOLIDAY_MAY_DIFFER)
    return sentence


def _closed(status: Status, now: datetime) -> str:
    if status.opens is None:
        return gettext(texts.CLOSED_NOW)
    today = now.astimezone(status.opens.tzinfo).date()
    day, at = status.opens.date(), _clock(status.opens.time())
    if day == today:
        return gettext(texts.CLOSED_OPENS_TODAY) % {"time": at}
    if day == today + timedelta(days=1):
        return gettext(texts.CLOSED_OPENS_TOMORROW) % {"time": at}
    weekday = format_date(day, "EEEE", locale=current_language.get())
    return gettext(texts.CLOSED_OPENS_ON) % {"day": weekday, "time": at}


def _clock(moment: time) -> str:
    # 9:00 and 17:30: the 24-hour clock every site language reads.
    return f"{moment.hour}:{moment.minute:02d}"
