"""Find a municipality from what a person typed: CBS code, official name or alias."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Longer input is never a municipality name; refuse it before normalising.
MAX_PLACE_LENGTH = 80
_APOSTROPHES = "'’‘`´"
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.]+")


def normalize_place(text: str) -> str:
    """Fold case, accents, apostrophes and separators so that equivalent spellings meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in _APOSTROPHES:
        letters = letters.replace(mark, "")
    return _SEPARATORS.sub(" ", letters).strip().casefold()


def build_place_index(entries: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, str]:
    """Map every normalised code, name and alias to its CBS code; a clash is an error."""
    index: dict[str, str] = {}
    for code, name, aliases in entries:
        for spelling in (code, name, *aliases):
            key = normalize_place(spelling)
            if not key:
                raise ValueError(f"empty spelling for {code}")
            if index.get(key, code) != code:
                raise ValueError(f"{spelling!r} names both {index[key]} and {code}")
            index[key] = code
    return index


def resolve_place(text: str, index: dict[str, str]) -> str | None:
    """Return the CBS code for `text`, or None when it names no municipality."""
    if len(text) > MAX_PLACE_LENGTH or not text.isprintable():
        return None
    return index.get(normalize_place(text))
