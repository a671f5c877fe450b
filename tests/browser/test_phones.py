"""Phones first: no sideways scrolling at 360 px, 44 px touch targets, a quick exit always in
reach; and screenshots of every main page at 360 and 1280 px for people to review.

Touch targets: every visible link, button, select and text field must be at least 44×44 CSS
px; a radio button or checkbox counts together with its label, which takes the tap too. The one
exemption is WCAG 2.5.8's inline exception: a link inside a sentence of running text (its
paragraph or list item has words outside the link), whose size the line of text sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.helpers import (
    DESKTOP,
    LANGS,
    PHONE,
    PROFILES,
    SAMPLE_LANGS,
    answer_pairs,
    screenshot,
    submit_form,
)

MIN_TARGET = 44

# Every interactive element too small to tap, with what it is; inline links in sentences exempt.
SMALL_TARGETS = """(min) => {
    const visible = el => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return box.width > 1 && box.height > 1 && style.visibility !== 'hidden'
            && box.right > 0 && box.left < document.documentElement.clientWidth;
    };
    const inSentence = el => {
        if (el.tagName !== 'A') return false;
        const block = el.closest('p, li, dd, td');
        if (!block) return false;
        const rest = [...block.childNodes].filter(n => n !== el && !n.contains?.(el))
            .map(n => n.textContent).join('').trim();
        return rest.length > 0 && getComputedStyle(el).display === 'inline';
    };
    const small = [];
    const selector = 'a[href], button, select, input:not([type=hidden]), textarea';
    for (const el of document.querySelectorAll(selector)) {
        if (!visible(el) || inSentence(el)) continue;
        let box = el.getBoundingClientRect();
        if (el.type === 'radio' || el.type === 'checkbox') {
            const label = el.labels && el.labels[0];
            if (label) {
                const l = label.getBoundingClientRect();
                box = {
                    width: Math.max(box.right, l.right) - Math.min(box.left, l.left),
                    height: Math.max(box.bottom, l.bottom) - Math.min(box.top, l.top),
                };
            }
        }
        if (box.width < min || box.height < min) {
            small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                + ` "${(el.textContent || el.value || '').trim().slice(0, 30)}"`
                + ` ${Math.round(box.width)}×${Math.round(box.height)}`);
        }
    }
    return small;
}"""

# Where the quick exit is once the page is scrolled to the very bottom.
QUICK_EXIT_AT_BOTTOM = """() => {
    window.scrollTo(0, document.scrollingElement.scrollHeight);
    const exit = document.getElementById('quick-exit');
    const box = exit.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
        scrolled: window.scrollY > 0,
        inView: box.top >= 0 && box.bottom <= innerHeight && box.height >= 44,
        onTop: exit.contains(top),
    };
}"""


def visit_main_pages(page: Any, lang: str) -> Iterator[str]:
    """Open each main page in turn, yielding its name while it is on the screen."""
    for name, path in (
        ("home", ""),
        ("questionnaire", "check"),
        ("safety", "safety"),
        ("privacy", "privacy"),
        ("about", "about"),
        ("rights", "rights"),
        ("not-found", "no-such-page"),
    ):
        page.goto(f"/{lang}/{path}")
        yield name
    # The journeys go through the form step by step; here the answers are posted at once.
    submit_form(page, f"/{lang}/check", [("step", "1"), ("age_group", "eighteen")])
    yield "questionnaire-errors"
    submit_form(page, f"/{lang}/check", answer_pairs(PROFILES["exploitation"]))
    yield "result"
    with page.expect_navigation():
        page.click("form[action$='/r'] button[type=submit]")
    yield "saved-result"


# The elements that stick out past the screen's right edge, to say where a page overflows.
WIDEST = r"""(limit) => [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > limit)
    .map(el => el.tagName.toLowerCase() + '.' + el.className + ' «'
        + (el.textContent || '').trim().slice(0, 40) + '»')
    .slice(-3)"""


@pytest.mark.parametrize("lang", LANGS)
def test_phone_layout(new_context: Callable[..., Any], lang: str) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = []
    seen = []
    for name in visit_main_pages(page, lang):
        seen.append(name)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate(WIDEST, PHONE["width"])
            problems.append(f"{name}: {width}px wide, scrolls sideways: {wide}")
        problems += [
            f"{name}: too small to tap: {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)
        ]
        exit_state = page.evaluate(QUICK_EXIT_AT_BOTTOM)
        if exit_state["scrolled"] and not (exit_state["inView"] and exit_state["onTop"]):
            problems.append(f"{name}: quick exit not in reach after scrolling: {exit_state}")
        screenshot(page, f"{lang}-{name}-{PHONE['width']}")
    assert len(seen) == 10
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_desktop_screenshots(new_context: Callable[..., Any], lang: str) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    for name in visit_main_pages(page, lang):
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= DESKTOP["width"], f"{name}: {width}px wide"
        screenshot(page, f"{lang}-{name}-{DESKTOP['width']}")
