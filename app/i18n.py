"""Languages, translation catalogues, the current language and Accept-Language negotiation."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Literal, NamedTuple

from babel import Locale
from babel.lists import format_list
from babel.support import Translations

# The site's languages; the first is the default. Adding one = this line, a catalogue under
# locales/ and a description in data/ for every provider: nothing else names a language.
LANGUAGES = ("nl", "en", "th", "ro", "bg", "hu", "es", "pl", "pt")
DEFAULT_LANGUAGE = LANGUAGES[0]


def _own_name(code: str) -> str:
    """A language named in itself ("Română", "Български"), from Babel's CLDR data."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_name(code: str, lang: str) -> str:
    """A language named in `lang` as written inside a sentence ("română", "Roemeens")."""
    return Locale.parse(code).get_display_name(lang) or code


# Each language named in itself, so a reader finds her own in any page's switcher.
LANGUAGE_NAMES = {code: _own_name(code) for code in LANGUAGES}
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# An Accept-Language header longer than this is cut before parsing; browsers send < 200 bytes.
MAX_ACCEPT_LANGUAGE = 512

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)
_catalogues: dict[str, Translations] = {}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; pass it to ngettext later."""
    return singular, plural


class Contextual(NamedTuple):
    """A message with its msgctxt: a word whose translation depends on the question it answers."""

    context: str
    message: str


def Np_(context: str, message: str) -> Contextual:
    """Mark a message with a context for extraction (msgctxt); translate it with `label`."""
    return Contextual(context, message)


def load_translations(locales_dir: Path = LOCALES_DIR) -> None:
    """Load the compiled catalogue of every language; fail loudly when one is missing."""
    for lang in LANGUAGES:
        mo = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file():
            # Babel would quietly fall back to untranslated text; we would rather not start.
            raise RuntimeError(f"{mo} is missing: run `make i18n-compile`")
        with mo.open("rb") as fh:
            _catalogues[lang] = Translations(fh, domain=DOMAIN)


def _translations() -> Translations:
    return _catalogues[current_language.get()]


def translate(lang: str, message: str) -> str:
    """Translate into `lang`, whatever the current language is."""
    return _catalogues[lang].ugettext(message)


def gettext(message: str) -> str:
    """Translate into the current language."""
    return _translations().ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translations().ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a message whose meaning depends on `context`."""
    return _translations().upgettext(context, message)


def label(message: str | Contextual) -> str:
    """Translate an answer label, with its context when it has one."""
    if isinstance(message, Contextual):
        return pgettext(message.context, message.message)
    return gettext(message)


def join(items: list[str], style: Literal["standard", "or"] = "standard") -> str:
    """A list as the current language writes it: "a, b and c", or "a, b or c"."""
    return format_list(items, style=style, locale=current_language.get())


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Translate with context and plural form."""
    return _translations().unpgettext(context, singular, plural, n)


def negotiate(accept_language: str | None) -> str:
    """Pick the site language the browser prefers most; the default when none matches."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for item in accept_language[:MAX_ACCEPT_LANGUAGE].split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        if primary not in LANGUAGES:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also false for NaN
                    q = 0.0
        # Strictly greater: on a tie the earlier entry, the browser's own preference, wins.
        if q > best_q:
            best, best_q = primary, q
    return best
