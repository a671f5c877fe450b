"""Her own plan: her needs in her order, this week / this month / later, kept when saved."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.i18n import LANGUAGES
from tests.pages import parse_page
from tests.routes.test_check import post

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
UTRECHT = {"municipality": "GM0344", "needs": ["housing", "debts", "work"]}
NEED_LABELS = {
    "housing": "A place to live that you can afford",
    "debts": "Debts",
    "work": "Other work with a fair income",
}


def order_shown(soup: BeautifulSoup) -> list[str]:
    """Her needs as the plan's order list shows them."""
    labels = {v: k for k, v in NEED_LABELS.items()}
    return [labels[li.contents[0].strip()] for li in soup.select(".plan__order > ol > li")]


def carried(soup: BeautifulSoup, form: str) -> list[str]:
    """The order her answers carry in one of the page's forms."""
    return [i["value"] for i in soup.select(f"{form} input[name=order]")]


def test_the_plan_starts_with_her_needs_in_the_questionnaires_order(client: TestClient) -> None:
    soup = parse_page(post(client, "en", UTRECHT), lang="en")
    assert order_shown(soup) == ["housing", "work", "debts"]
    when = [h.get_text() for h in soup.select("#plan > h3")]
    assert when == ["This week", "This month"]
    first = soup.select("#plan .plan__steps")[0]
    assert NEED_LABELS["housing"] in first.get_text()
    assert "Ask: can you help me find a safe place to live" in first.get_text()


def test_moving_a_need_up_changes_the_plan_and_the_order_of_the_help(client: TestClient) -> None:
    soup = parse_page(post(client, "en", {**UTRECHT, "up": "debts"}), lang="en")
    assert order_shown(soup) == ["housing", "debts", "work"]
    soup = parse_page(
        post(client, "en", {**UTRECHT, "order": ["housing", "debts", "work"], "up": "debts"}),
        lang="en",
    )
    assert order_shown(soup) == ["debts", "housing", "work"]
    assert NEED_LABELS["debts"] in soup.select("#plan .plan__steps")[0].get_text()
    # Every form on the page carries her order: change my answers, save, move up again.
    for form in (".change-answers", ".plan__order", "form[action='/en/r']"):
        assert carried(soup, form) == ["debts", "housing", "work"]


def test_the_first_need_cannot_move_higher(client: TestClient) -> None:
    soup = parse_page(post(client, "en", {**UTRECHT, "up": "housing"}), lang="en")
    assert order_shown(soup) == ["housing", "work", "debts"]
    first = soup.select_one(".plan__order > ol > li")
    assert first.select_one("button") is None


def test_her_order_survives_changing_her_answers(client: TestClient) -> None:
    answers = {**UTRECHT, "order": ["work", "debts", "housing"]}
    step = parse_page(post(client, "en", {**answers, "step": "1"}), lang="en")
    assert [i["value"] for i in step.select("form.questionnaire input[name=order]")] == [
        "work",
        "debts",
        "housing",
    ]
    result = parse_page(post(client, "en", answers), lang="en")
    assert order_shown(result) == ["work", "debts", "housing"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_her_order_is_saved_and_opens_in_every_language(client: TestClient, lang: str) -> None:
    pairs = [("municipality", "GM0344")] + [
        (k, v) for k in ("needs", "order") for v in ("work", "debts", "housing")
    ]
    response = client.post("/th/r", content=urlencode(pairs), headers=FORM)
    assert response.status_code == 303
    soup = parse_page(
        client.get(response.headers["location"].replace("/th/", f"/{lang}/")), lang=lang
    )
    steps = soup.select("#plan .plan__steps > li > strong")
    assert len(steps) == 3
    english = parse_page(
        client.get(response.headers["location"].replace("/th/", "/en/")), lang="en"
    )
    assert [s.get_text() for s in english.select("#plan .plan__steps > li > strong")] == [
        NEED_LABELS["work"],
        NEED_LABELS["debts"],
        NEED_LABELS["housing"],
    ]
    assert soup.select_one(".plan__order") is None, "a saved page holds no form with her answers"


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"up": "nothing"}, id="move up an unknown need"),
        pytest.param({"order": ["housing", "nothing"]}, id="an unknown need in the order"),
        pytest.param({"order": ["housing", "housing"]}, id="a need twice in the order"),
    ],
)
def test_a_bad_order_is_a_clear_error(client: TestClient, extra: dict) -> None:
    response = post(client, "en", {**UTRECHT, **extra})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]


def test_one_need_has_a_plan_but_nothing_to_order(client: TestClient) -> None:
    soup = parse_page(post(client, "en", {"needs": ["debts"]}), lang="en")
    assert soup.select_one("#plan .plan__steps") is not None
    assert soup.select_one(".plan__order") is None


def test_each_step_says_what_to_ask_and_what_the_source_says_about_first_contact(
    test_catalogue_client: TestClient,
) -> None:
    soup = parse_page(post(test_catalogue_client, "en", {"needs": ["debts"]}), lang="en")
    step = soup.select_one("#plan .plan__steps > li")
    text = step.get_text(" ", strip=True)
    assert text.startswith("Debts : Debt line, 0800-0000")
    assert [li.get_text() for li in step.select("ul li")] == [
        "Ask: can you help me get an overview of my debts and make a plan?",
        "You do not have to give your name.",
    ]
