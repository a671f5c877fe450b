"""`/` sends the visitor to her language with a 302, chosen from Accept-Language."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        pytest.param(None, "nl", id="no header: Dutch"),
        pytest.param("th-TH,th;q=0.9,en;q=0.8", "th", id="Thai browser"),
        pytest.param("en-GB,en;q=0.9", "en", id="English browser"),
        pytest.param("de-DE,de;q=0.9", "nl", id="unsupported language: default"),
        pytest.param("de;q=1, en;q=0.5", "en", id="second choice supported"),
        pytest.param("en;q=0.4, th;q=0.8", "th", id="highest q wins"),
        pytest.param("en;q=NaN, th;q=0.1", "th", id="NaN is ignored"),
        pytest.param("en;q=0", "nl", id="q=0 means not wanted"),
        pytest.param("../../etc/passwd", "nl", id="path traversal"),
        pytest.param("en_US.UTF-8", "nl", id="POSIX locale"),
        pytest.param("", "nl", id="empty"),
        pytest.param("NL", "nl", id="upper case"),
        pytest.param("x" * 8192, "nl", id="8 KB header"),
        pytest.param("xx," * 2000 + "th", "nl", id="th beyond the parse limit"),
    ],
)
def test_root_redirects_to_the_preferred_language(
    client: TestClient, accept: str | None, lang: str
) -> None:
    headers = {"Accept-Language": accept} if accept is not None else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["location"] == f"/{lang}/"
    assert response.headers["vary"] == "Accept-Language"
