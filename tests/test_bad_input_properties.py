"""Random answers and random form bodies never crash the site; the API survives fuzzing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from app.i18n import LANGUAGES
from app.matching.types import MULTI_CHOICE, QUESTION_IDS, SINGLE_CHOICE

# Known ids and values mixed with junk, so that the strategies hit both paths.
FIELDS = st.sampled_from([*QUESTION_IDS, "step", "token", "__class__", "", "x" * 50])
VALUES = st.one_of(
    st.sampled_from([v for values in {**SINGLE_CHOICE, **MULTI_CHOICE}.values() for v in values]),
    st.sampled_from(["Amsterdam", "Den Bosch", "GM0363", "1", "2", "3", "4", "prefer_not_to_say"]),
    st.text(max_size=40),
)
ANSWER_VALUES = st.one_of(
    VALUES, st.lists(VALUES, max_size=4), st.integers(), st.none(), st.booleans()
)
QUICK = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@QUICK
@given(answers=st.dictionaries(FIELDS, ANSWER_VALUES, max_size=8))
def test_random_answers_to_the_api_give_200_or_422(
    client: TestClient, answers: dict[str, object]
) -> None:
    response = client.post("/api/v1/match?lang=th", json={"answers": answers})
    assert response.status_code in (200, 422)
    body = response.json()
    assert "profile" in body if response.status_code == 200 else "detail" in body


@QUICK
@given(
    lang=st.sampled_from(LANGUAGES),
    pairs=st.lists(st.tuples(FIELDS, VALUES), max_size=12),
    raw_tail=st.binary(max_size=30),
)
def test_random_form_bodies_give_a_page_never_a_crash(
    client: TestClient, lang: str, pairs: list[tuple[str, str]], raw_tail: bytes
) -> None:
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode() + raw_tail
    response = client.post(
        f"/{lang}/check",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (200, 400, 413, 415, 422)
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in response.text
    assert "Traceback" not in response.text


@pytest.fixture(scope="module")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """One app with its lifespan running, for the schema-driven fuzzing."""
    from pathlib import Path

    from app.main import create_app
    from app.settings import Settings

    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp / 'v.db'}",
            data_dir=Path(__file__).resolve().parent.parent / "data",
            secret_key="fuzz-secret-key-that-is-long-enough",
            rate_limit_enabled=False,
        )
    )
    with TestClient(app):
        yield app


def api_operations() -> list[tuple[str, str]]:
    """(method, path) of every documented API operation."""
    return [
        ("POST", "/api/v1/match"),
        ("GET", "/api/v1/questionnaire"),
        ("GET", "/api/v1/regions"),
        ("GET", "/api/v1/providers"),
        ("GET", "/api/v1/coverage"),
        ("GET", "/api/v1/coverage.csv"),
        ("GET", "/api/v1/hsds"),
        ("GET", "/healthz"),
    ]


def test_every_api_operation_is_fuzzed(running_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", running_app)
    documented = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert documented == set(api_operations())


@pytest.mark.parametrize(("method", "path"), api_operations())
def test_the_api_conforms_to_its_schema_under_fuzzing(
    running_app: FastAPI, method: str, path: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", running_app)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        # A municipality is any of ~1,000 spellings, matched without case or accents: JSON
        # Schema cannot say which strings those are, so "schema-valid" places may be refused.
        case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

    fuzz()
