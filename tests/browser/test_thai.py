"""Thai: lang="th", room between the lines, no layout that breaks Thai, and real glyphs.

style.md rule 23: line-height ≥ 1.6 for Thai text, no letter-spacing, no justified text, no
word-break: break-all, and a vendored Thai web font (Noto Sans Thai, in app/static/fonts/).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import PROFILES, save_directly

MIN_LINE_HEIGHT = 1.6
THAI_PAGES = ["", "check", "safety", "privacy", "about", "rights", "no-such-page"]

# Every element with Thai letters of its own, and how its text is set.
THAI_TEXT_STYLE = r"""() => {
    const thai = /[\u0E00-\u0E7F]/;
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const own = [...el.childNodes].filter(n => n.nodeType === 3)
            .map(n => n.textContent).join('');
        if (!thai.test(own) || el.getClientRects().length === 0) continue;
        const s = getComputedStyle(el);
        const size = parseFloat(s.fontSize);
        found.push({
            where: el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
            text: own.trim().slice(0, 20),
            lineHeight: s.lineHeight === 'normal' ? null : parseFloat(s.lineHeight) / size,
            letterSpacing: s.letterSpacing,
            textAlign: s.textAlign,
            wordBreak: s.wordBreak,
            lang: el.closest('[lang]').getAttribute('lang'),
        });
    }
    return found;
}"""

# Widths of Thai letters as the page sets its headings. With a Thai font, letters differ in
# width and marks above and below a letter take no room; without one, every letter is drawn
# as the same missing-glyph box (checked on a machine whose fontconfig saw no Thai font).
GLYPH_WIDTHS = r"""() => {
    const probe = document.createElement('span');
    probe.style.position = 'absolute';
    probe.style.whiteSpace = 'nowrap';
    document.querySelector('h1').appendChild(probe);
    const width = text => { probe.textContent = text; return probe.getBoundingClientRect().width; };
    const letters = ['\u0E01', '\u0E02', '\u0E21', '\u0E44', '\u0E1F', '\u0E25', '\u0E2D'];
    const result = {
        letters: letters.map(width),
        base: width('\u0E01'),
        marks: ['\u0E34', '\u0E35', '\u0E38', '\u0E48', '\u0E49', '\u0E31']
            .map(mark => width('\u0E01' + mark)),
    };
    probe.remove();
    return result;
}"""


def thai_text_problems(page: Any, name: str) -> list[str]:
    problems = []
    for el in page.evaluate(THAI_TEXT_STYLE):
        where = f"{name}: {el['where']} «{el['text']}»"
        if el["lang"] != "th":
            problems.append(f"{where}: Thai text inside lang={el['lang']}")
        if el["lineHeight"] is None or el["lineHeight"] < MIN_LINE_HEIGHT:
            problems.append(f"{where}: line-height {el['lineHeight']}")
        if el["letterSpacing"] not in ("normal", "0px"):
            problems.append(f"{where}: letter-spacing {el['letterSpacing']}")
        if el["textAlign"] == "justify":
            problems.append(f"{where}: justified")
        if el["wordBreak"] == "break-all":
            problems.append(f"{where}: word-break: break-all")
    return problems


def test_thai_pages_set_their_language_and_lines(shared_page: Any) -> None:
    page = shared_page
    problems = []
    for path in THAI_PAGES:
        page.goto(f"/th/{path}")
        assert page.locator("html").get_attribute("lang") == "th"
        problems += thai_text_problems(page, path or "home")
    page.goto(save_directly(page, "th", PROFILES["exploitation"]))
    assert page.locator("html").get_attribute("lang") == "th"
    problems += thai_text_problems(page, "saved result")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_thai_language_name_on_other_pages(shared_page: Any, lang: str) -> None:
    """The switcher's "ไทย" is marked lang="th" and set like Thai text."""
    shared_page.goto(f"/{lang}/")
    assert not thai_text_problems(shared_page, lang)
    assert shared_page.locator(".languages [lang=th]").count() == 1


def test_thai_renders_with_real_glyphs(shared_page: Any) -> None:
    page = shared_page
    page.goto("/th/")
    page.evaluate("document.fonts.ready.then(() => true)")
    w = page.evaluate(GLYPH_WIDTHS)
    tofu = "Thai is drawn as missing-glyph boxes: no Thai font"
    assert len({round(x, 1) for x in w["letters"]}) >= 3, f"{tofu}: {w}"
    for width in w["marks"]:
        assert abs(width - w["base"]) < 0.5, f"a tone mark or vowel takes room of its own: {w}"


def test_the_vendored_thai_font_is_used(shared_page: Any) -> None:
    page = shared_page
    page.goto("/th/")
    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const faces = [...document.fonts].filter(f => f.family.includes('Noto Sans Thai'));
            return {
                faces: faces.map(f => f.status),
                check: document.fonts.check('16px "Noto Sans Thai"', '\u0e44\u0e17\u0e22'),
            };
        }"""
    )
    assert state["faces"] == ["loaded"], state
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    h1 = session.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": h1})["fonts"]
    session.detach()
    assert [f["familyName"] for f in fonts if f["isCustomFont"]] == ["Noto Sans Thai"], fonts
