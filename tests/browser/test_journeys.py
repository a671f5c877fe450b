"""Whole journeys in every language: with and without JavaScript, quick exit, save and delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import (
    PROFILES,
    SAMPLE_LANGS,
    answer_all,
    next_button,
    result_outcome,
    save_directly,
)

SAVE_BUTTON = "form[action$='/r'] button[type=submit]"
DELETE_BUTTON = "form[action$='/delete'] button:not([name])"
DELETE_AND_LEAVE_BUTTON = "form[action$='/delete'] button[name=then][value=leave]"


# Each language with a different profile: every language and every profile runs the whole
# form both ways. (Each profile's result page in each language is checked with axe in
# test_accessibility.py; the whole flow by keyboard is in test_keyboard.py.)
PARITY = [("nl", "exploitation"), ("en", "autonomous"), ("th", "complex")]


@pytest.mark.parametrize(("lang", "profile"), PARITY)
def test_same_result_with_and_without_javascript(
    new_context: Callable[..., Any], lang: str, profile: str
) -> None:
    outcomes = {}
    for javascript in (True, False):
        page = new_context(java_script_enabled=javascript).new_page()
        answer_all(page, lang, PROFILES[profile])
        outcomes[javascript] = result_outcome(page)
    assert outcomes[True] == outcomes[False]
    assert outcomes[True]["options"], "the result lists no options"
    if profile == "exploitation":
        assert outcomes[True]["urgent"], "danger now: the urgent list comes first"


def _on_neutral_site(page: Any, exit_url: str) -> None:
    page.wait_for_url(exit_url, timeout=5000)
    assert page.title() == "Weather"


def _assert_back_shows_nothing_sensitive(page: Any) -> None:
    """One press on Back shows neither questionnaire nor result.

    The exit replaced the page she was on; the entry before it is a POST answer that is never
    cached (no-store), so Chromium shows its "confirm resubmission" page instead.
    """
    try:
        page.go_back(wait_until="load")
    except Exception as exc:  # Chromium reports the resubmission page as a failed navigation
        assert "ERR_CACHE_MISS" in str(exc), exc
        page.wait_for_url(lambda url: url.startswith("chrome-error:"))
    page.wait_for_load_state()
    state = page.evaluate(
        """() => ({
            questionnaire: !!document.querySelector('form.questionnaire'),
            result: !!document.querySelector('#profile-title'),
        })"""
    )
    assert state == {"questionnaire": False, "result": False}, page.url


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_quick_exit_button_from_the_result(
    page: Any, server: str, exit_url: str, lang: str
) -> None:
    page.goto(f"/{lang}/")
    with page.expect_navigation():
        page.click("main a.button")
    answer_all(page, lang, PROFILES["exploitation"], open_first=False)
    page.click("#quick-exit")
    _on_neutral_site(page, exit_url)
    _assert_back_shows_nothing_sensitive(page)


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_quick_exit_by_pressing_shift_three_times(
    page: Any, server: str, exit_url: str, lang: str
) -> None:
    page.goto(f"/{lang}/")
    with page.expect_navigation():
        page.click("main a.button")
    page.click("label[for='age_group-18_plus']")
    with page.expect_navigation():
        page.click(next_button(1))
    page.click("label[for='stage-thinking']")
    for _ in range(3):
        page.keyboard.press("Shift")
    _on_neutral_site(page, exit_url)
    _assert_back_shows_nothing_sensitive(page)


def test_two_shift_presses_stay(page: Any) -> None:
    page.goto("/en/check")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/en/check")


def test_quick_exit_works_without_javascript(
    new_context: Callable[..., Any], exit_url: str
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/th/check")
    with page.expect_navigation():
        page.click("#quick-exit")
    _on_neutral_site(page, exit_url)


@pytest.mark.parametrize(
    ("saved_in", "opened_in"), [("nl", "th"), ("en", "nl"), ("th", "en"), ("bg", "es")]
)
def test_save_open_elsewhere_delete(
    new_context: Callable[..., Any], server: str, saved_in: str, opened_in: str
) -> None:
    mine = new_context().new_page()
    answer_all(mine, saved_in, PROFILES["complex"])
    before = result_outcome(mine)
    with mine.expect_navigation():
        mine.click(SAVE_BUTTON)
    token = mine.url.rsplit("/r/", 1)[1]
    assert mine.url == f"{server}/{saved_in}/r/{token}"
    assert mine.input_value("#saved-url") == mine.url
    assert result_outcome(mine)["options"] == before["options"]

    # A helper opens the link in her own browser and language.
    helper = new_context().new_page()
    response = helper.goto(f"/{opened_in}/r/{token}")
    assert response.status == 200
    assert helper.locator("html").get_attribute("lang") == opened_in
    assert result_outcome(helper)["options"] == before["options"]

    with helper.expect_navigation():
        helper.click(DELETE_BUTTON)
    assert helper.url == f"{server}/{opened_in}/?deleted=1"
    assert helper.locator(".notice--success").is_visible()

    for page, lang in ((helper, opened_in), (mine, saved_in)):
        response = page.goto(f"/{lang}/r/{token}")
        assert response.status == 404


def test_delete_and_leave(new_context: Callable[..., Any], server: str, exit_url: str) -> None:
    page = new_context().new_page()
    saved = save_directly(page, "en", PROFILES["autonomous"])
    page.click(DELETE_AND_LEAVE_BUTTON)
    _on_neutral_site(page, exit_url)
    assert page.goto(saved).status == 404
