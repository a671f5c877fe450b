"""Every site language draws its own letters: Cyrillic for Bulgarian, ș and ț (comma below) for
Romanian, ő and ű for Hungarian, Thai, and the accents of Spanish, Polish and Portuguese.

The site ships no web font for Latin and Cyrillic: the system fonts of phones and computers have
these letters (DejaVu Sans on the test machine). This test proves it in Chromium: each letter is
drawn, and drawn unlike the box of a missing glyph and unlike its look-alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import LANGS

# Letters each language needs, with the look-alike each must not collapse into.
LETTERS = {
    "ro": {"ș": "ş", "ț": "ţ", "ă": "a", "â": "a", "î": "i", "Ș": "Ş", "Ț": "Ţ"},
    "bg": {"ж": "x", "щ": "ш", "ъ": "b", "я": "r", "ю": "o", "Б": "B", "Д": "A"},
    "hu": {"ő": "ö", "ű": "ü", "Ő": "Ö", "Ű": "Ü", "á": "a", "é": "e"},
    "pl": {"ą": "a", "ę": "e", "ł": "l", "ś": "s", "ź": "z", "ż": "z", "ń": "n"},
    "es": {"ñ": "n", "á": "a", "í": "i", "¿": "?", "¡": "!"},
    "pt": {"ã": "a", "õ": "o", "ç": "c", "ê": "e", "á": "a"},
    "th": {"ก": "n", "ข": "u", "ไ": "l"},
}
# Letters a language must never use: the cedilla forms that look like Romanian's ș and ț.
NEVER = {"ro": "şţŞŢ", "hu": "õûÕÛ"}

# Draw a letter in the page's own h1 font on a canvas and return the pixels as a string.
DRAWN = r"""(letters) => {
    const s = getComputedStyle(document.querySelector('h1'));
    const canvas = document.createElement('canvas');
    canvas.width = 80; canvas.height = 80;
    const ctx = canvas.getContext('2d');
    ctx.font = `${s.fontWeight} 48px ${s.fontFamily}`;
    const draw = text => {
        ctx.clearRect(0, 0, 80, 80);
        ctx.fillText(text, 10, 60);
        const data = ctx.getImageData(0, 0, 80, 80).data;
        let ink = 0, sum = 0;
        for (let i = 3; i < data.length; i += 4) {
            ink += data[i] > 0;
            sum = (sum * 31 + data[i]) % 1000000007;
        }
        return {ink, sum};
    };
    const out = {};
    for (const text of letters) out[text] = draw(text);
    out['missing'] = draw('\uE000');  // private use: no font has it, so the missing-glyph box
    return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", [code for code in LANGS if code in LETTERS])
def test_the_letters_of_each_language_are_drawn_and_distinct(shared_page: Any, lang: str) -> None:
    page = shared_page
    page.goto(f"/{lang}/")
    pairs = LETTERS[lang]
    drawn = page.evaluate(DRAWN, [*pairs, *pairs.values()])
    for letter, look_alike in pairs.items():
        assert drawn[letter]["ink"] > 0, f"{letter} is not drawn"
        assert drawn[letter] != drawn["missing"], f"{letter} is drawn as a missing-glyph box"
        assert drawn[letter] != drawn[look_alike], f"{letter} looks like {look_alike}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", [code for code in LANGS if code in LETTERS and code != "th"])
def test_the_pages_use_the_letters_and_never_their_cedilla_look_alikes(
    shared_page: Any, lang: str
) -> None:
    page = shared_page
    text = ""
    for path in ("", "check", "about", "rights", "directory"):
        page.goto(f"/{lang}/{path}")
        text += page.inner_text("body")
    assert any(letter in text for letter in LETTERS[lang]), "the page is not in its language"
    assert not [c for c in NEVER.get(lang, "") if c in text]
