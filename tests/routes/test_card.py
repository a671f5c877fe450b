"""The pocket card: where to start, her first needs and 112, and nothing on it that outs her."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.catalog import load_catalog
from app.i18n import LANGUAGES
from app.pocket import OUTING
from tests.conftest import ROOT
from tests.factories import ANSWER_SETS
from tests.pages import parse_page
from tests.routes.test_check import post

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
# Words that would tell anyone who finds the card what it is about, in the site's languages.
TELLING = re.compile(r"sekswerk|prostitu|uitstap|sex work|exploit|uitbuit|ค้าประเวณี|ขายบริการ")


def pairs_of(answers: dict[str, list[str]]) -> list[tuple[str, str]]:
    """An answer set as the form pairs a browser posts."""
    return [(k, v) for k, values in answers.items() for v in values]


def card_from_result(client: TestClient, lang: str, answers: dict[str, list[str]]) -> BeautifulSoup:
    """Open her result, then post its pocket-card form as the button would."""
    result = parse_page(post(client, lang, answers), lang=lang)
    form = result.select_one(".pocket-link form")
    assert form is not None and form["action"] == f"/{lang}/card"
    fields = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    return parse_page(
        client.post(form["action"], content=urlencode(fields), headers=FORM), lang=lang
    )


def lines(card: BeautifulSoup) -> list[tuple[str, str]]:
    """The card's lines as (label, number or address)."""
    return [
        (line.dt.get_text(strip=True), line.dd.get_text(strip=True))
        for line in card.select(".pocket-card__line")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("profile", sorted(ANSWER_SETS))
def test_the_card_has_112_where_to_start_and_her_first_needs(
    client: TestClient, lang: str, profile: str
) -> None:
    card = card_from_result(client, lang, ANSWER_SETS[profile])
    shown = lines(card)
    assert shown[0][1] == "112"
    assert 2 <= len(shown) <= 5, shown  # 112, where to start and up to three of her needs
    assert all(number for _, number in shown)
    assert len({number for _, number in shown}) == len(shown), "each service once"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("profile", sorted(ANSWER_SETS))
def test_nothing_on_the_card_outs_her(client: TestClient, lang: str, profile: str) -> None:
    card = card_from_result(client, lang, ANSWER_SETS[profile]).select_one(".pocket-card")
    text = card.get_text(" ", strip=True)
    names = {p.name for p in load_catalog(ROOT / "data").providers.values()}
    assert not [name for name in names if name in text and name != "112"]
    assert not TELLING.search(text.casefold()), text
    assert not [a["href"] for a in card.select("a") if OUTING.search(a["href"])]


def test_where_to_start_is_the_start_here_of_her_region(client: TestClient) -> None:
    result = parse_page(post(client, "en", ANSWER_SETS["complex"]), lang="en")
    start = result.select_one(".section--start_here .option")
    phone = start.select_one("a[href^='tel:']").get_text()
    card = card_from_result(client, "en", ANSWER_SETS["complex"])
    assert ("Where to start", phone) in lines(card)


def test_the_card_follows_her_order(client: TestClient) -> None:
    answers = {"municipality": ["GM0344"], "needs": ["housing", "debts", "work"]}
    plain = [label for label, _ in lines(card_from_result(client, "en", answers))]
    ordered = [
        label
        for label, _ in lines(
            card_from_result(client, "en", {**answers, "order": ["work", "debts", "housing"]})
        )
    ]
    needs = {"Housing", "Debts", "Work"}
    assert next(x for x in plain if x in needs) == "Housing"
    assert next(x for x in ordered if x in needs) == "Work"


def test_a_card_without_a_place_still_has_112_and_national_numbers(client: TestClient) -> None:
    card = card_from_result(client, "en", {"needs": ["debts"]})
    shown = lines(card)
    assert shown[0] == ("Emergency", "112")
    assert ("Debts", shown[1][1]) == shown[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_saved_result_has_its_card_in_every_language(client: TestClient, lang: str) -> None:
    response = client.post(
        "/th/r", content=urlencode(pairs_of(ANSWER_SETS["complex"])), headers=FORM
    )
    assert response.status_code == 303
    saved_url = response.headers["location"].replace("/th/", f"/{lang}/")
    saved = parse_page(client.get(saved_url), lang=lang)
    link = saved.select_one(".pocket-link a")
    assert link["href"] == f"{saved_url}/card"
    card = parse_page(client.get(link["href"]), lang=lang)
    assert lines(card)[0][1] == "112"
    assert card.select_one(f"a[href='{saved_url}']") is not None, "a way back to the overview"
    switch = {a["hreflang"]: a["href"] for a in card.select(".languages a")}
    token = saved_url.rsplit("/", 1)[1]
    assert switch == {c: f"/{c}/r/{token}/card" for c in LANGUAGES if c != lang}
    assert card.select("form input[name=needs]") == [], "a saved card holds no answers"


def test_an_unknown_saved_result_has_no_card(client: TestClient) -> None:
    assert client.get("/en/r/" + "A" * 43 + "/card").status_code == 404


@pytest.mark.parametrize(
    "body", ["needs=castles", "municipality=GM9999", "colour=red", "danger_now=maybe"]
)
def test_bad_answers_are_a_clear_error_not_a_card(client: TestClient, body: str) -> None:
    response = client.post("/en/card", content=body, headers=FORM)
    assert response.status_code == 422
    assert "pocket-card" not in response.text


def test_the_card_is_never_made_from_a_url(client: TestClient) -> None:
    assert client.get("/en/card?needs=debts").status_code == 405
