"""A card says what happens when she makes contact, and whether the service is open now."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

from app import i18n, texts
from app.cards import FACTS, contact_facts, known_facts
from app.catalog import Catalog, load_catalog
from app.opening import AMSTERDAM
from tests.conftest import LANGS, TEST_DATA
from tests.pages import parse_page
from tests.routes.test_check import post

DEBTS = {"needs": ["debts"]}


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Amsterdam wall-clock time, as the aware UTC datetime a server has."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    i18n.load_translations()
    return load_catalog(TEST_DATA)


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Set the current language for a block."""
    token = i18n.current_language.set(lang)
    yield
    i18n.current_language.reset(token)


def card(client: TestClient, name: str, when: datetime, lang: str = "en") -> Tag:
    """The card of `name` on the result for a debts question, made at `when`."""
    client.app.state.services.clock = lambda: when  # type: ignore[attr-defined]
    soup: BeautifulSoup = parse_page(post(client, lang, DEBTS), lang=lang)
    for article in soup.select("article.option"):
        if article.h3 and article.h3.get_text(strip=True) == name:
            return article
    raise AssertionError(f"no card for {name}")


def open_line(article: Tag) -> str:
    line = article.select_one(".option__open")
    return line.get_text(" ", strip=True) if line else ""


class TestBeforeContact:
    @pytest.mark.parametrize("lang", LANGS)
    def test_every_fact_has_a_row_and_what_no_source_says_is_not_known(
        self, catalog: Catalog, lang: str
    ) -> None:
        with speaking(lang):
            self.check_advice_line(catalog)

    def check_advice_line(self, catalog: Catalog) -> None:
        rows = [
            (label, sentence)
            for label, sentence, _ in contact_facts(catalog.providers["advice-line"])
        ]
        assert [label for label, _ in rows] == [
            i18n.gettext(texts.CONTACT_FACT_LABELS[f]) for f in FACTS
        ]
        said = dict(zip(FACTS, (sentence for _, sentence in rows), strict=True))
        not_known = i18n.gettext(texts.NOT_KNOWN)
        assert said["free"] == not_known
        assert said["companion"] == not_known
        assert said["anonymous"] == i18n.gettext(texts.ANONYMOUS_TEXTS["other_name"])
        assert said["passes_on"] == i18n.gettext(texts.PASSES_ON_TEXTS["only_with_consent"])
        assert i18n.gettext(texts.ASKS_ITEMS["bsn"]) in said["asks"]
        assert i18n.gettext(texts.FIRST_CONTACT_ITEMS["call_back"]) in said["first_contact"]

    @pytest.mark.parametrize(
        ("lang", "and_", "or_"), [("en", " and ", " or "), ("ro", " și ", " sau ")]
    )
    def test_lists_are_joined_as_the_language_writes_them(
        self, catalog: Catalog, lang: str, and_: str, or_: str
    ) -> None:
        with speaking(lang):
            said = {label: s for label, s, _ in contact_facts(catalog.providers["advice-line"])}
            asks = said[i18n.gettext(texts.CONTACT_FACT_LABELS["asks"])]
            first = said[i18n.gettext(texts.CONTACT_FACT_LABELS["first_contact"])]
            name, bsn = (i18n.gettext(texts.ASKS_ITEMS[k]) for k in ("name", "bsn"))
            phone, call_back = (
                i18n.gettext(texts.FIRST_CONTACT_ITEMS[k]) for k in ("phone", "call_back")
            )
        assert f"{name}{and_}{bsn}" in asks
        assert f"{phone}{or_}{call_back}" in first

    def test_the_records_own_free_and_anonymous_count_where_before_contact_is_silent(
        self, catalog: Catalog
    ) -> None:
        assert known_facts(catalog.providers["debt-line"]) == {
            "free": True,
            "anonymous": "anonymous",
        }
        assert known_facts(catalog.providers["health-line"]) == {}

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_card_on_a_result_shows_the_facts_in_its_language(
        self, test_catalogue_client: TestClient, lang: str
    ) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 8, 10), lang)
        facts = article.select(".option__before dt")
        assert len(facts) == len(FACTS)
        text = article.select_one(".option__before").get_text(" ", strip=True)
        with speaking(lang):
            assert i18n.gettext(texts.NOT_KNOWN) in text
            assert i18n.gettext(texts.ANONYMOUS_TEXTS["other_name"]) in text

    def test_the_directory_shows_them_too(self, test_catalogue_client: TestClient) -> None:
        soup = parse_page(test_catalogue_client.get("/en/directory"), lang="en")
        cards = soup.select("article")
        assert cards
        for article in cards:
            assert len(article.select(".option__before dt")) == len(FACTS)


class TestOpenNow:
    def test_a_weekday_morning_is_open_until_closing(self, test_catalogue_client) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 8, 10))
        assert open_line(article) == "Open now, until 17:00."

    def test_at_night_it_says_when_it_opens_and_what_is_open_instead(
        self, test_catalogue_client
    ) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 8, 22, 30))
        assert open_line(article) == (
            "Closed now. Opens tomorrow at 9:00. Open now instead: Money chat."
        )

    def test_early_in_the_morning_it_opens_today(self, test_catalogue_client) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 8, 7, 45))
        assert open_line(article).startswith("Closed now. Opens today at 9:00.")

    def test_at_the_weekend_it_names_the_day(self, test_catalogue_client) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 12, 11))
        assert open_line(article).startswith("Closed now. Opens on Monday at 9:00.")

    def test_on_a_public_holiday_it_is_closed(self, test_catalogue_client) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 25, 11))  # a Friday
        assert open_line(article).startswith("Closed now. Opens on Monday at 9:00.")

    def test_summer_time_is_applied_by_the_server(self, test_catalogue_client) -> None:
        # 07:30 UTC is 09:30 in summer time, 08:30 in winter time.
        summer = card(
            test_catalogue_client, "Advice line", datetime(2026, 10, 23, 7, 30, tzinfo=UTC)
        )
        winter = card(
            test_catalogue_client, "Advice line", datetime(2026, 10, 26, 7, 30, tzinfo=UTC)
        )
        assert open_line(summer) == "Open now, until 17:00."
        assert open_line(winter).startswith("Closed now. Opens today at 9:00.")

    def test_a_service_open_day_and_night_says_so(self, test_catalogue_client) -> None:
        article = card(test_catalogue_client, "Money chat", at(2026, 12, 13, 3))
        assert open_line(article) == "Open day and night."

    def test_without_hours_as_data_the_card_says_nothing_about_now(
        self, test_catalogue_client
    ) -> None:
        assert open_line(card(test_catalogue_client, "Debt line", at(2026, 12, 8, 10))) == ""

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [("nl", "Nu gesloten. Open op maandag om 9:00."), ("th", "ตอนนี้ปิดอยู่ จะเปิดวันจันทร์")],
    )
    def test_the_day_is_named_in_her_language(
        self, test_catalogue_client, lang: str, expected: str
    ) -> None:
        article = card(test_catalogue_client, "Advice line", at(2026, 12, 12, 11), lang)
        assert open_line(article).startswith(expected)
