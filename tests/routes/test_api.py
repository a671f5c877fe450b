"""The JSON API of product.md section 9: shapes, languages, and 422s that name the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.i18n import LANGUAGES
from app.matching.types import NEEDS


def match(client: TestClient, answers: object, lang: str = "en"):
    """POST /api/v1/match."""
    return client.post(f"/api/v1/match?lang={lang}", json={"answers": answers})


class TestMatch:
    def test_the_answer_has_the_contract_shape(self, client: TestClient) -> None:
        body = match(client, {"municipality": "Den Haag", "needs": ["debts", "work"]}).json()
        assert set(body) == {"profile", "urgent", "reasons", "region", "needs", "options", "gaps"}
        assert body["profile"] == "autonomous"
        assert body["urgent"] is False
        assert body["region"]["id"] == "den-haag"
        assert body["needs"] == ["work", "debts"]
        for reason in body["reasons"]:
            assert set(reason) == {"code", "text"}
        for option in body["options"]:
            assert set(option) == {"id", "name", "kind", "covers", "why", "contact"}
            assert option["why"]
            assert set(option["covers"]) <= set(NEEDS)
        assert isinstance(body["gaps"], list)

    def test_an_empty_questionnaire_is_autonomous_with_national_options(
        self, client: TestClient
    ) -> None:
        body = match(client, {}).json()
        assert body["profile"] == "autonomous"
        assert body["region"] is None
        assert body["options"]

    def test_exploitation_is_urgent_first(self, client: TestClient) -> None:
        body = match(client, {"age_group": "under_18"}).json()
        assert body["profile"] == "exploitation"
        assert body["reasons"][0]["code"] == "under_18"
        assert body["options"][0]["id"] == "emergency-112"

    def test_danger_now_sets_urgent(self, client: TestClient) -> None:
        body = match(client, {"danger_now": "yes"}).json()
        assert body["urgent"] is True
        assert body["reasons"][0]["code"] == "danger_now"

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_texts_come_in_the_asked_language(self, client: TestClient, lang: str) -> None:
        body = match(client, {"debts_level": "problematic"}, lang).json()
        texts = {lang: body["reasons"][0]["text"]}
        assert texts[lang]
        if lang == "th":
            assert any("\u0e00" <= c <= "\u0e7f" for c in texts[lang])

    def test_the_same_answers_give_the_same_profile_as_the_page(self, client: TestClient) -> None:
        answers = {"residence": "no_permit", "municipality": "GM0599"}
        body = match(client, answers).json()
        page = client.post("/en/check", data=answers).text
        assert body["profile"] == "complex"
        for option in body["options"]:
            assert option["name"] in page

    def test_nothing_is_stored(self, client: TestClient, app) -> None:
        from sqlalchemy import text

        match(client, {"needs": ["work"]})
        with app.state.services.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM saved_result")).scalar() == 0


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        pytest.param({"stage": "Stopped"}, "stage", id="wrong case"),
        pytest.param({"stage": " thinking"}, "stage", id="padded"),
        pytest.param({"stage": ""}, "stage", id="empty"),
        pytest.param({"stage": 3}, "stage", id="numeric"),
        pytest.param({"stage": ["thinking", "stopped"]}, "stage", id="single value given twice"),
        pytest.param({"needs": ["debts", "castle"]}, "needs", id="unknown value in a list"),
        pytest.param({"needs": "debts"}, "needs", id="list given as a string"),
        pytest.param({"municipality": "Atlantis"}, "municipality", id="unknown place"),
        pytest.param({"municipality": "x" * 5000}, "municipality", id="oversized place"),
        pytest.param({"token": "abc"}, "token", id="unknown field"),
        pytest.param({"__class__": "x"}, "__class__", id="dunder field"),
    ],
)
def test_bad_answers_are_a_422_naming_the_field(
    client: TestClient, answers: object, field: str
) -> None:
    response = match(client, answers)
    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert any(loc[-1] == field or field in loc for loc in locations), locations


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        pytest.param(b"not json", "application/json", 422, id="not JSON"),
        pytest.param(
            b'{"answers": {}, "extra": 1}', "application/json", 422, id="unknown top-level key"
        ),
        pytest.param(b"[]", "application/json", 422, id="a list"),
        pytest.param(b"answers=x", "application/x-www-form-urlencoded", 422, id="a form body"),
        pytest.param(b'{"answers": {}}' + b" " * 70000, "application/json", 413, id="oversized"),
    ],
)
def test_unreadable_bodies_are_refused(
    client: TestClient, body: bytes, content_type: str, status: int
) -> None:
    response = client.post("/api/v1/match", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")


def test_an_unknown_language_is_a_422(client: TestClient) -> None:
    response = client.post("/api/v1/match?lang=zz", json={"answers": {}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "lang"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_questionnaire_is_served_in_each_language(client: TestClient, lang: str) -> None:
    body = client.get(f"/api/v1/questionnaire?lang={lang}").json()
    ids = [q["id"] for step in body["steps"] for q in step["questions"]]
    assert ids[0] == "municipality" and len(ids) == 13
    for step in body["steps"]:
        for q in step["questions"]:
            assert q["label"] and q["why"]


def test_the_questionnaire_translates_answers_in_their_context(client: TestClient) -> None:
    body = client.get("/api/v1/questionnaire?lang=th").json()
    danger = next(q for s in body["steps"] for q in s["questions"] if q["id"] == "danger_now")
    assert danger["options"] == [
        {"value": "yes", "label": "ใช่ ตอนนี้ฉันไม่ปลอดภัย"},
        {"value": "no", "label": "ไม่ ตอนนี้ฉันปลอดภัย"},
    ]


def test_regions_list_every_municipality(client: TestClient) -> None:
    regions = client.get("/api/v1/regions").json()
    assert len(regions) == 18
    assert sum(len(r["municipalities"]) for r in regions) == 342


def test_providers_filter_by_region_and_need(client: TestClient) -> None:
    everything = client.get("/api/v1/providers").json()
    debts = client.get("/api/v1/providers?need=debts&lang=th").json()
    assert 0 < len(debts) < len(everything)
    assert all("debts" in p["needs"] for p in debts)
    assert all(isinstance(p["description"], str) for p in debts)
    utrecht = client.get("/api/v1/providers?region=utrecht").json()
    assert all(p["regions"] == ["national"] or "utrecht" in p["regions"] for p in utrecht)
    assert client.get("/api/v1/providers?region=atlantis").status_code == 422


def test_coverage_counts_per_region(client: TestClient) -> None:
    body = client.get("/api/v1/coverage").json()
    assert len(body["regions"]) == 19, "18 regions and the national row"
    assert set(body["regions"][0]["needs"]) == set(NEEDS)


def test_health_reports_the_catalogue(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["catalog"]


def test_the_openapi_schema_documents_the_api(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/match" in schema["paths"]
    assert "/api/v1/questionnaire" in schema["paths"]
    assert not any(path.startswith("/{lang}") for path in schema["paths"])
