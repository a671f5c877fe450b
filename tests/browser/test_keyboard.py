"""Keyboard only: Tab, Space, Enter (and the arrow keys inside a radio group) to the result.

At every Tab stop the focus must be visible (a focus style that is really drawn) and not hidden
behind the quick-exit bar (WCAG 2.2 SC 2.4.11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import (
    DESKTOP,
    FINISH_BUTTON,
    PHONE,
    SAMPLE_LANGS,
    Answers,
    next_button,
    result_outcome,
)

# What the focused element is, and whether its focus can be seen.
FOCUS_STATE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const exit = document.getElementById('quick-exit').getBoundingClientRect();
    const covered = el.id !== 'quick-exit'
        && box.top >= exit.top && box.bottom <= exit.bottom
        && box.left >= exit.left && box.right <= exit.right;
    return {
        id: el.id, tag: el.tagName, name: el.getAttribute('name'), type: el.type || null,
        href: el.getAttribute('href'), classes: el.className,
        focusVisible: el.matches(':focus-visible'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
        inView: box.bottom > 0 && box.top < innerHeight && box.width > 0 && box.height > 0,
        covered: covered,
        checked: el.checked === true,
        form: el.form ? el.form.className : null,
        value: el.value === undefined ? null : el.value,
    };
}"""
MAX_TABS = 120

# A keyboard journey: the Utrecht region, 18+, Dutch, behind a window, thinking about stopping.
KEYBOARD_ANSWERS = Answers(
    "autonomous",
    {
        "municipality": ["GM0344"],
        "age_group": ["18_plus"],
        "languages": ["nl"],
        "work_setting": ["window"],
        "stage": ["thinking"],
        "needs": ["work"],
        "housing_situation": ["own_home"],
        "debts_level": ["none"],
        "other_income": ["yes"],
        "residence": ["nl_eu"],
        "danger_now": ["no"],
    },
)


def focus_state(page: Any) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(FOCUS_STATE)
    return state


def assert_focus_visible(state: dict[str, Any]) -> None:
    where = f"{state['tag']}#{state['id']}.{state['classes']} {state['href'] or ''}"
    assert state["focusVisible"], f"{where}: focus is not :focus-visible"
    assert state["outline"] or state["shadow"], f"{where}: no focus style is drawn"
    assert state["inView"], f"{where}: focused but not on the screen"
    assert not state["covered"], f"{where}: focused but hidden behind the quick exit"


def tab_to(page: Any, wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    """Press Tab until the focused element is the wanted one, checking every stop on the way."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = focus_state(page)
        if state["tag"] == "BODY":
            continue  # past the end of the page, round again
        assert_focus_visible(state)
        if wanted(state):
            return state
    raise AssertionError(f"{MAX_TABS} presses on Tab never reached {what}")


def choose(page: Any, name: str, value: str) -> None:
    """Answer one question from the keyboard."""
    if name == "municipality":
        tab_to(page, lambda s: s["id"] == "municipality", "the place list")
        page.keyboard.type("Utrecht")  # type-ahead in a closed <select>
        assert focus_state(page)["value"] == value
        return
    target = f"{name}-{value}"
    state = tab_to(page, lambda s: s["name"] == name, f"the question {name}")
    if state["type"] == "radio":
        # Tab enters a radio group once; the arrow keys move (and tick) within it.
        for _ in range(10):
            if state["id"] == target:
                break
            page.keyboard.press("ArrowDown")
            state = focus_state(page)
        assert state["id"] == target
        if not state["checked"]:
            page.keyboard.press("Space")
    else:
        if state["id"] != target:
            state = tab_to(page, lambda s: s["id"] == target, target)
        page.keyboard.press("Space")
    state = focus_state(page)
    assert state["id"] == target and state["checked"], f"{target} is not ticked"
    assert_focus_visible(state)


def press_button(page: Any, selector: str) -> None:
    """Tab to a button and press Enter on it."""
    tab_to(page, lambda s: page.evaluate(f"document.activeElement.matches({selector!r})"), selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_the_whole_flow_by_keyboard(
    new_context: Callable[..., Any], lang: str, viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/{lang}/")

    # The quick exit is the first stop, the skip link the second, and it works.
    page.keyboard.press("Tab")
    state = focus_state(page)
    assert state["id"] == "quick-exit"
    assert_focus_visible(state)
    page.keyboard.press("Tab")
    state = focus_state(page)
    assert "skip-link" in state["classes"]
    assert_focus_visible(state)
    page.keyboard.press("Enter")
    assert focus_state(page)["id"] == "content"

    press_button(page, "main a.button")
    fields = KEYBOARD_ANSWERS.fields
    steps = [
        ["municipality", "age_group", "languages"],
        ["work_setting", "stage"],
        ["needs", "housing_situation", "debts_level", "other_income", "residence"],
        ["danger_now"],
    ]
    for number, names in enumerate(steps, start=1):
        for name in names:
            for value in fields[name]:
                choose(page, name, value)
        press_button(page, FINISH_BUTTON if number == len(steps) else next_button(number))

    # The server got exactly the answers given by keyboard (the result carries them along).
    carried = page.eval_on_selector_all(
        "form.change-answers input[type=hidden]", "els => els.map(e => [e.name, e.value])"
    )
    assert sorted(map(tuple, carried)) == sorted(
        (name, value) for name, values in KEYBOARD_ANSWERS.fields.items() for value in values
    )
    assert result_outcome(page)["options"]
    # Tab on through the whole result page: every stop shows its focus.
    tab_to(page, lambda s: s["form"] == "change-answers", "the last button")


# On a phone the jump to a field can end under the sticky quick exit; JavaScript plays no
# part in the jump, which each variant shows.
VARIANTS = [
    pytest.param(True, PHONE, id="js-phone"),
    pytest.param(False, DESKTOP, id="no-js-desktop"),
]


@pytest.mark.parametrize(("javascript", "viewport"), VARIANTS)
@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_error_summary_takes_focus_and_links_to_fields(
    new_context: Callable[..., Any], lang: str, javascript: bool, viewport: dict[str, int]
) -> None:
    page = new_context(java_script_enabled=javascript, viewport=viewport).new_page()
    page.goto(f"/{lang}/check")
    # Two answers no honest control can send: the summary lists both.
    page.evaluate(
        """() => {
            document.querySelector('#age_group-18_plus').value = 'eighteen';
            document.querySelector('#languages-nl').value = 'dutch';
        }"""
    )
    page.click("label[for='age_group-18_plus']")
    page.click("label[for='languages-nl']")
    with page.expect_navigation():
        page.click(next_button(1))

    state = focus_state(page)
    assert "error-summary" in state["classes"], "the error summary does not take the focus"
    links = page.eval_on_selector_all(".error-summary a", "els => els.map(e => e.hash)")
    assert len(links) == 2
    for index, target in enumerate(links):
        page.focus(".error-summary")
        for _ in range(index + 1):
            page.keyboard.press("Tab")
        assert focus_state(page)["href"] == target
        page.keyboard.press("Enter")
        state = focus_state(page)
        assert f"#{state['id']}" == target, f"the link {target} left the focus on {state}"
        assert_focus_visible(state)
