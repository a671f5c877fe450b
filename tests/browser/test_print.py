"""The print view of a result: a neutral hand-out of at most two A4 pages, start here first."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import helpers

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF made by Chromium (each page object is `/Type /Page`)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("lang", helpers.SAMPLE_LANGS)
@pytest.mark.parametrize("profile", ["autonomous", "complex"])
def test_a_typical_result_prints_on_at_most_two_a4_pages(
    page: Any, lang: str, profile: str
) -> None:
    helpers.save_directly(page, lang, helpers.PROFILES[profile])
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4", print_background=False))
    assert 1 <= pages <= 2, f"{pages} pages"


def test_print_hides_navigation_and_the_quick_exit_and_puts_start_here_first(page: Any) -> None:
    helpers.save_directly(page, "en", helpers.PROFILES["exploitation"])
    page.emulate_media(media="print")
    for selector in (".quick-exit", ".site-header", ".site-footer", ".languages", "form"):
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    top = {
        name: page.locator(selector).first.bounding_box()["y"]
        for name, selector in (
            ("heading", "main h1"),
            ("profile", "main .profile"),
            ("start here", "main .section--start_here"),
            ("urgent", "main .section--urgent"),
        )
    }
    assert top["heading"] < top["profile"] < top["start here"] < top["urgent"]
    heading = page.locator("main h1").inner_text()
    assert not re.search(r"sex|prostitu", heading, re.IGNORECASE)
    assert page.locator(".qr-figure svg").is_visible(), "a helper can scan the printed code"


def test_the_place_list_filters_as_she_types(page: Any) -> None:
    page.goto("/nl/check")
    search = page.locator("#municipality-filter")
    search.fill("den bosch")
    assert page.locator("#municipality").input_value() == "GM0796"
    visible = page.locator("#municipality option:not([hidden])")
    assert 1 <= visible.count() <= 3
    search.fill("")
    assert page.locator("#municipality option:not([hidden])").count() > 300


def test_without_javascript_the_place_list_is_grouped_and_has_no_filter(
    new_context: Any,
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/en/check")
    assert page.locator("#municipality-filter").count() == 0
    assert page.locator("#municipality optgroup").count() == 12


# A6 is 105 x 148 mm; at 96 CSS pixels to the inch that is 396.9 x 559.4 px.
A6_PX = (105 / 25.4 * 96, 148 / 25.4 * 96)


def open_card(page: Any, lang: str, profile: str) -> None:
    """Her result, then the pocket card by its button, as she would make it."""
    page.goto(f"/{lang}/about")
    helpers.submit_form(page, f"/{lang}/check", helpers.answer_pairs(helpers.PROFILES[profile]))
    with page.expect_navigation():
        page.click(".pocket-link button[type=submit]")
    page.wait_for_selector(".pocket-card")


@pytest.mark.parametrize("lang", helpers.SAMPLE_LANGS)
@pytest.mark.parametrize("profile", sorted(helpers.PROFILES))
def test_the_pocket_card_prints_alone_on_one_page_within_a6(
    page: Any, lang: str, profile: str
) -> None:
    open_card(page, lang, profile)
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(format="A4", print_background=False)) == 1
    box = page.locator(".pocket-card").bounding_box()
    assert box["width"] <= A6_PX[0] + 1 and box["height"] <= A6_PX[1] + 1, box
    for selector in ("main h1", ".lead", ".print-hint", ".site-header", ".quick-exit", "form"):
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    assert page.locator(".pocket-card__line").first.is_visible()


def test_the_pocket_card_is_black_and_grey_only(page: Any) -> None:
    """It must read the same from a grey-scale printer: no colour carries anything."""
    open_card(page, "en", "exploitation")
    page.emulate_media(media="print")
    colours = page.evaluate(
        """() => [...document.querySelectorAll('.pocket-card, .pocket-card *')].flatMap(e => {
            const s = getComputedStyle(e);
            return [s.color, s.backgroundColor, s.borderTopColor];
        })"""
    )
    channels = [[int(c) for c in re.findall(r"[\d.]+", colour)[:3]] for colour in colours]
    assert channels and all(r == g == b for r, g, b in channels), sorted(set(colours))
