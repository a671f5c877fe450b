"""The professionals' page prints the matcher's own rule table: nothing more, nothing less."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.matching.rules import RULES
from app.matching.types import PROFILES
from app.texts import RULE_TEXTS
from tests.conftest import LANGS
from tests.pages import get_page, normalize_spaces


@pytest.mark.parametrize("lang", LANGS)
def test_the_rule_table_is_the_matchers_rule_table(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/professionals")
    rows = soup.select("table.rules tbody tr")
    assert [row["data-rule"] for row in rows] == [rule.code for rule in RULES]
    for row, rule in zip(rows, RULES, strict=True):
        cells = row.select("td")
        assert cells[0].get_text(strip=True) == rule.profile
        codes = [c.get_text() for c in cells[2].select("code")]
        for clause in rule.clauses:
            assert clause.answer in codes
            assert all(value in codes for value in clause.values)


def test_every_rule_has_words_and_no_words_lack_a_rule() -> None:
    assert set(RULE_TEXTS) == {rule.code for rule in RULES}


@pytest.mark.parametrize("lang", LANGS)
def test_the_three_profiles_are_explained(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/professionals")
    profiles = [code.get_text() for code in soup.select(".profiles dt code")]
    assert profiles == list(PROFILES)


def test_the_page_says_how_to_open_a_result_and_report_a_correction(client: TestClient) -> None:
    text = normalize_spaces(get_page(client, "/en/professionals").get_text())
    assert "Open the link" in text
    assert "Is something wrong or missing?" in text


def test_a_configured_corrections_contact_is_shown(tmp_path) -> None:
    from pathlib import Path

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'v.db'}",
        data_dir=Path(__file__).resolve().parent.parent.parent / "data",
        corrections_contact="correcties@verder.example",
    )
    with TestClient(create_app(settings)) as client:
        soup = get_page(client, "/nl/professionals")
    assert soup.select_one("a[href='mailto:correcties@verder.example']") is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_to_the_professionals_page(client: TestClient, lang: str) -> None:
    soup = get_page(client, f"/{lang}/")
    assert soup.select_one(f"footer a[href='/{lang}/professionals']") is not None
