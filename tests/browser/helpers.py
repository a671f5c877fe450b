"""What the browser tests share: languages, answer sets, the questionnaire driver and axe."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.i18n import LANGUAGES
from tests.factories import ANSWER_SETS

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
# Every site language: axe on the content pages and on one result, the 360 px layout, the letters.
LANGS = list(LANGUAGES)
# The costlier flows run in a sample with each kind of text: the default language, Thai (its own
# script and web font, no spaces between words), Bulgarian (Cyrillic) and Hungarian (the
# longest words). The other languages share their templates and CSS, so they add no new case.
SAMPLE_LANGS = [lang for lang in ("nl", "th", "bg", "hu") if lang in LANGUAGES]
# A cheap phone held upright, and an ordinary laptop.
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
# Playwright's default of 30 s hides a hang for too long; nothing here should take 10.
TIMEOUT_MS = 10_000

# axe-core rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Gzip at level 6, the usual server default, to measure what travels over the wire.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Answers:
    """One way through the questionnaire: field -> chosen values, per step."""

    profile: str
    fields: dict[str, list[str]] = field(default_factory=dict)


# One answer set per profile (product.md section 3), each with a place so regional help shows.
PROFILES = {
    name: Answers(name, ANSWER_SETS[name]) for name in ("autonomous", "complex", "exploitation")
}
# The questionnaire's steps and the questions on each (app/texts.py STEPS).
STEP_FIELDS = [
    ["municipality", "age_group", "gender", "languages"],
    ["work_setting", "stage"],
    ["needs", "housing_situation", "debts_level", "other_income", "residence"],
    ["signals", "danger_now"],
]
# Present on every result page, saved or not.
RESULT_READY = "#profile-title"


def next_button(step: int) -> str:
    """The selector of the questionnaire's "Next" button on `step`."""
    return f'form.questionnaire button[name="step"][value="{step + 1}"]'


FINISH_BUTTON = "form.questionnaire .actions button.button:not([name])"


def fill_step(page: Any, answers: Answers, step: int) -> None:
    """Choose one step's answers with the mouse, by their labels, as a person would."""
    ids = []
    for name in STEP_FIELDS[step - 1]:
        for value in answers.fields.get(name, []):
            if name == "municipality":
                page.select_option("#municipality", value)
            else:
                page.click(f"label[for='{name}-{value}']")
                ids.append(f"{name}-{value}")
    unchecked = page.evaluate("ids => ids.filter(id => !document.getElementById(id).checked)", ids)
    assert not unchecked, f"clicking their labels did not tick {unchecked}"


def answer_all(page: Any, lang: str, answers: Answers, *, open_first: bool = True) -> None:
    """Go through every step of the questionnaire to the result page."""
    if open_first:
        page.goto(f"/{lang}/check")
    last = len(STEP_FIELDS)
    for step in range(1, last + 1):
        fill_step(page, answers, step)
        button = FINISH_BUTTON if step == last else next_button(step)
        with page.expect_navigation():
            page.click(button)
    page.wait_for_selector(RESULT_READY)


def result_outcome(page: Any) -> dict[str, Any]:
    """What a result page decided: the profile heading and the options, in order."""
    return page.evaluate(
        """() => ({
            profile: document.querySelector('#profile-title').textContent.trim(),
            reasons: [...document.querySelectorAll('.reasons li')].map(e => e.textContent.trim()),
            urgent: [...document.querySelectorAll('.section--urgent .emergency__lines strong')]
                .map(e => e.textContent.trim()),
            options: [...document.querySelectorAll('article.option h3')]
                .map(e => e.textContent.trim()),
        })"""
    )


def assert_accessible(page: Any, label: str) -> None:
    """axe-core finds no WCAG 2.x A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{label} ({page.url}):\n{results.generate_report()}"


def gzip_size(body: bytes) -> int:
    """Bytes after gzip, as a server would send them."""
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL))


def screenshot(page: Any, name: str) -> None:
    """A full-page screenshot in test-output/ for people to look at."""
    OUTPUT.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # sticky parts are drawn where the view is
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def answer_pairs(answers: Answers) -> list[tuple[str, str]]:
    """The answers as the form fields the questionnaire would post."""
    return [(name, value) for name, values in answers.fields.items() for value in values]


def save_directly(page: Any, lang: str, answers: Answers) -> str:
    """Save a result by posting the answers from one of our pages; return its URL.

    For tests about the saved page itself: the journey through the form is tested elsewhere.
    """
    page.goto(f"/{lang}/about")
    response = submit_form(page, f"/{lang}/r", answer_pairs(answers))
    assert response.status == 200 and "/r/" in page.url, page.url
    return str(page.url)


def submit_form(
    page: Any, action: str, fields: list[tuple[str, str]], enctype: str | None = None
) -> Any:
    """Post a form built in the page (as a person's browser would) and wait for the answer."""
    with page.expect_navigation() as navigation:
        page.evaluate(
            """([action, fields, enctype]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                if (enctype) { form.enctype = enctype; }
                for (const [name, value] of fields) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [action, fields, enctype],
        )
    return navigation.value
