"""axe-core on every page, in every language: no WCAG 2.0/2.1/2.2 A or AA violation.

The rule set is axe-core's WCAG 2.0, 2.1 and 2.2 rules at levels A and AA (helpers.AXE_TAGS).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import (
    FINISH_BUTTON,
    LANGS,
    PROFILES,
    RESULT_READY,
    SAMPLE_LANGS,
    STEP_FIELDS,
    answer_pairs,
    assert_accessible,
    next_button,
    submit_form,
)


@pytest.fixture
def page(shared_page: Any) -> Any:
    """axe needs no fresh profile: every check here uses the session's one page."""
    return shared_page


# Most pages a link-following walk of one language may open (there are far fewer).
MAX_CRAWL = 40
CONTENT_PAGES = [
    pytest.param("", id="home"),
    pytest.param("?deleted=1", id="home-after-delete"),
    pytest.param("check", id="questionnaire"),
    pytest.param("safety", id="safety"),
    pytest.param("privacy", id="privacy"),
    pytest.param("about", id="about"),
    pytest.param("rights", id="rights"),
]


@pytest.mark.parametrize("path", CONTENT_PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_content_page(page: Any, lang: str, path: str) -> None:
    response = page.goto(f"/{lang}/{path}")
    assert response.status == 200
    assert_accessible(page, f"/{lang}/{path}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_questionnaire_step_when_skipped(page: Any, lang: str) -> None:
    page.goto(f"/{lang}/check")
    for step in range(1, len(STEP_FIELDS)):
        if step > 1:  # step 1 is the questionnaire page above
            assert_accessible(page, f"step {step}")
        with page.expect_navigation():
            page.click(next_button(step))
    assert_accessible(page, f"step {len(STEP_FIELDS)}")
    with page.expect_navigation():
        page.click(FINISH_BUTTON)
    assert_accessible(page, "result without answers")


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_questionnaire_with_errors(page: Any, lang: str) -> None:
    page.goto(f"/{lang}/check")
    # No honest control can send a wrong value; a tampered one shows the error page state.
    page.evaluate("document.querySelector('#age_group-18_plus').value = 'eighteen'")
    page.click("label[for='age_group-18_plus']")
    with page.expect_navigation() as navigation:
        page.click(next_button(1))
    assert navigation.value.status == 422
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "questionnaire with errors")


# Every profile in the sample languages; in the others the complex one, whose page is the longest.
RESULT_CASES = [
    (lang, profile)
    for lang in LANGS
    for profile in sorted(PROFILES)
    if lang in SAMPLE_LANGS or profile == "complex"
]


@pytest.mark.parametrize(("lang", "profile"), RESULT_CASES)
def test_result_and_saved_result(page: Any, lang: str, profile: str) -> None:
    """Each profile's result, then saved with its button (the journeys fill in the form)."""
    page.goto(f"/{lang}/about")
    submit_form(page, f"/{lang}/check", answer_pairs(PROFILES[profile]))
    assert page.locator(RESULT_READY).count() == 1
    assert_accessible(page, f"result ({profile})")
    with page.expect_navigation():
        page.click("form[action$='/r'] button[type=submit]")
    assert "/r/" in page.url
    assert_accessible(page, f"saved result ({profile})")
    with page.expect_navigation():
        page.click(".pocket-link a")
    assert page.locator(".pocket-card").count() == 1
    assert_accessible(page, f"pocket card ({profile})")


ERROR_CASES = [
    pytest.param("get", "nope", None, 404, id="404"),
    pytest.param("get", "r", None, 405, id="405"),
    pytest.param("post", "check", [("step", "99")], 422, id="422"),
    pytest.param("post", "check", [("x", "y" * 70_000)], 413, id="413"),
    pytest.param("multipart", "check", [("stage", "thinking")], 415, id="415"),
]


@pytest.mark.parametrize(("how", "path", "fields", "status"), ERROR_CASES)
@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_error_page(page: Any, lang: str, how: str, path: str, fields: Any, status: int) -> None:
    if how == "get":
        response = page.goto(f"/{lang}/{path}")
    else:
        page.goto(f"/{lang}/about")
        enctype = "multipart/form-data" if how == "multipart" else None
        response = submit_form(page, f"/{lang}/{path}", fields, enctype)
    assert response.status == status
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page, f"error {status}")


@pytest.mark.parametrize("lang", SAMPLE_LANGS)
def test_cross_site_post_error_page(page: Any, server: str, exit_url: str, lang: str) -> None:
    page.goto(exit_url)
    response = submit_form(page, f"{server}/{lang}/r", [("stage", "thinking")])
    assert response.status == 403
    assert_accessible(page, "error 403")


@pytest.mark.parametrize("lang", LANGS)
def test_pages_found_by_following_links(page: Any, server: str, lang: str) -> None:
    """Pages linked from the site that the list above does not name (new ones) pass too."""
    named = {f"/{lang}/{p.values[0]}".split("?")[0] for p in CONTENT_PAGES}
    seen: set[str] = set()
    queue = [f"/{lang}/"]
    while queue and len(seen) < MAX_CRAWL:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response.status == 200, path
        if path not in named:
            assert_accessible(page, path)
        links = page.eval_on_selector_all(
            "a[href]",
            """els => els.map(a => new URL(a.href))
                .filter(u => u.origin === location.origin)
                .map(u => u.pathname)""",
        )
        queue += [p for p in links if p.startswith(f"/{lang}/") and p not in seen]
    assert named <= seen, f"not linked from anywhere: {named - seen}"
