"""The pocket card: where to start, her first needs and 112, with nothing on it that outs her."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app import texts
from app.catalog import ProviderRecord
from app.i18n import gettext
from app.overview import Overview, start_here

# A card in a pocket or a wallet may be seen by anyone: no organisation's name goes on it, and
# no web address with one of these in it (they name the work or the situation she is leaving).
OUTING = re.compile(
    r"seks|sex|prostitu|uitstap|exit|escort|mensenhandel|trafficking|uitbuit|slachtoffer|victim|"
    r"pmw|p-?g292|fier|shop|geweld|veilig-?thuis|comensha",
    re.IGNORECASE,
)
# Her first needs on the card, besides where to start and 112.
NEEDS_ON_CARD = 3


@dataclass(frozen=True, slots=True)
class CardLine:
    """One line of the card: a neutral label and one way to reach the service."""

    label: str
    phone: str | None
    website: str | None  # without "https://", and only when there is no phone


def reach(provider: ProviderRecord) -> tuple[str | None, str | None]:
    """The phone; else the website, but only where its address says nothing about her."""
    if provider.contact.phone:
        return provider.contact.phone, None
    website = provider.contact.website
    if website is None or OUTING.search(website):
        return None, None
    return None, website.removeprefix("https://").removeprefix("http://").rstrip("/")


def card_lines(view: Overview) -> tuple[CardLine, ...]:
    """Where to start, then three of her needs in her order; each service once, if reachable."""
    start = start_here(view.sections)
    candidates = [(gettext(texts.CARD_START), start, False)] + [
        (gettext(texts.CARD_NEED[step.need]), step.provider, True) for step in view.plan
    ]
    lines: list[CardLine] = []
    seen: set[str] = set()
    needs = 0
    for label, provider, is_need in candidates:
        if provider is None or provider.id in seen or provider.emergency:
            continue  # each service once; 112 has its own line
        phone, website = reach(provider)
        if (phone or website) and needs + is_need <= NEEDS_ON_CARD:
            seen.add(provider.id)
            needs += is_need
            lines.append(CardLine(label, phone, website))
    return tuple(lines)
