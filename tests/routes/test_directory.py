"""The directory and the coverage page: browsable without a questionnaire, in every language."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from app.catalog import load_catalog
from app.matching.types import GROUPS, NEEDS
from tests.conftest import LANGS, ROOT
from tests.pages import get_page, parse_page

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_view_lists_national_help_and_asks_for_a_region(
    client: TestClient, lang: str
) -> None:
    soup = get_page(client, f"/{lang}/directory")
    catalog = load_catalog(ROOT / "data")
    shown = {h["id"].removeprefix("card-national-") for h in soup.select(".option h3")}
    assert shown == {p.id for p in catalog.providers.values() if p.regions == ["national"]}
    chooser = soup.select(".region-list button[name=region]")
    assert [b["value"] for b in chooser] == list(catalog.regions)
    assert soup.select_one(".region-list")["method"] == "post"


def test_all_regions_lists_every_provider(client: TestClient) -> None:
    response = client.post("/en/directory", content="region=&need=&group=", headers=FORM)
    soup = parse_page(response, lang="en")
    catalog = load_catalog(ROOT / "data")
    shown = {h["id"] for h in soup.select(".option h3")}
    for p in catalog.providers.values():
        if p.is_municipal_desk():
            continue  # listed in the desk table of its region
        assert f"card-{p.regions[0]}-{p.id}" in shown, p.id


def test_a_region_shows_its_own_help_and_its_municipalities(client: TestClient) -> None:
    response = client.post("/en/directory", content="region=twente", headers=FORM)
    soup = parse_page(response, lang="en")
    areas = {h["id"].split("-")[1] for h in soup.select(".option h3")}
    assert areas == {"national", "twente"}
    assert "Enschede" in soup.select_one(".desks").get_text()


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_says_what_who_languages_anonymity_and_checked_on(
    client: TestClient, lang: str
) -> None:
    soup = get_page(client, f"/{lang}/directory")
    for card in soup.select(".option"):
        terms = card.select("dt")
        assert len(terms) >= 3, card.select_one("h3").get_text()
        assert card.select_one(".option__facts") is not None


def test_filters_narrow_the_list_by_post(client: TestClient) -> None:
    response = client.post("/en/directory", content="region=twente&need=debts&group=", headers=FORM)
    soup = parse_page(response, lang="en")
    areas = [h2["id"] for h2 in soup.select("main h2[id^=area-]")]
    assert set(areas) <= {"area-national", "area-twente"}
    assert soup.select_one("#filter-region option[selected]")["value"] == "twente"
    desks = soup.select_one("#municipal-desks").find_parent("section")
    assert "Oldenzaal" in desks.get_text(), "a municipality's desk, from its register entry"
    cards = soup.select(".option")
    assert cards
    for card in cards:
        helps = card.select_one("dt").find_next_sibling("dd").get_text()
        assert "debts" in helps, card.select_one("h3").get_text()


def test_a_group_filter_shows_only_help_for_that_group(client: TestClient) -> None:
    response = client.post("/en/directory", content="group=trans", headers=FORM)
    soup = parse_page(response, lang="en")
    names = {h.get_text() for h in soup.select(".option h3")}
    assert "Transgender Netwerk Nederland" in names
    assert "112" not in names


def test_a_filter_that_matches_nothing_says_so(client: TestClient) -> None:
    catalog = load_catalog(ROOT / "data")
    empty = [
        (region, group)
        for region in catalog.regions
        for group in GROUPS
        if not any(
            group in p.groups and (region in p.regions or "national" in p.regions)
            for p in catalog.providers.values()
        )
    ]
    assert empty, "every region has help for every group: pick another empty filter"
    region, group = empty[0]
    response = client.post("/en/directory", content=f"region={region}&group={group}", headers=FORM)
    soup = parse_page(response, lang="en")
    assert soup.select(".option") == []
    assert soup.select_one("main .notice") is not None


@pytest.mark.parametrize(
    "body", ["region=atlantis", "need=castles", "group=kings", "token=x", "region=a&region=b"]
)
def test_bad_filters_are_refused(client: TestClient, body: str) -> None:
    assert client.post("/en/directory", content=body, headers=FORM).status_code in (400, 422)


@pytest.mark.parametrize("lang", LANGS)
def test_the_coverage_page_marks_gaps_in_words_not_colour_alone(
    client: TestClient, lang: str
) -> None:
    soup = get_page(client, f"/{lang}/coverage")
    tables = soup.select("table.coverage")
    assert len(tables) == 2
    need_rows = tables[0].select("tbody tr")
    assert len(need_rows) == 19, "18 regions and the national row"
    assert len(need_rows[0].select("td")) == len(NEEDS)
    assert len(tables[1].select("tbody tr")[0].select("td")) == len(GROUPS)
    gaps = soup.select("td.count--gap")
    assert gaps, "the catalogue has gaps, and they show"
    assert all(g.select_one(".gap-label").get_text().strip() for g in gaps)


def test_coverage_downloads_agree_with_each_other(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/coverage.csv").text)))
    body = client.get("/api/v1/coverage").json()
    assert len(rows) == len(body["regions"]) == 19
    for row, region in zip(rows, body["regions"], strict=True):
        assert row["area"] == region["region"]
        assert int(row["need:debts"]) == region["needs"]["debts"]
        assert int(row["group:men"]) == region["groups"]["men"]


def test_the_csv_is_a_download(client: TestClient) -> None:
    response = client.get("/api/v1/coverage.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
