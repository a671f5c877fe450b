"""Saving is opt-in; the link opens in any language; delete is immediate; CSRF without cookies."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app.security import form_token
from tests.conftest import LANGS
from tests.pages import parse_page

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ANSWERS = [("municipality", "GM0344"), ("languages", "th"), ("needs", "debts"), ("needs", "work")]


def save(client: TestClient, lang: str = "en", headers: dict[str, str] | None = None, extra=()):
    """Post the save form with the test answers."""
    return client.post(
        f"/{lang}/r",
        content=urlencode([*ANSWERS, *extra]),
        headers={**FORM, **(SAME_ORIGIN if headers is None else headers)},
    )


def saved_path(client: TestClient, lang: str = "en") -> str:
    """Save and return the path of the saved result."""
    response = save(client, lang)
    assert response.status_code == 303
    path = response.headers["location"]
    assert re.fullmatch(rf"/{lang}/r/[A-Za-z0-9_-]{{43}}", path)
    return path


class TestSave:
    def test_saving_redirects_to_a_private_link(self, client: TestClient) -> None:
        path = saved_path(client)
        soup = parse_page(client.get(path), lang="en")
        assert soup.select_one("#saved-url")["value"].endswith(path)
        assert soup.select_one("meta[name=robots]")["content"] == "noindex"

    @pytest.mark.parametrize("lang", LANGS)
    def test_the_link_opens_in_every_language_with_the_same_result(
        self, client: TestClient, lang: str
    ) -> None:
        token = saved_path(client, "th").rsplit("/", 1)[1]
        soup = parse_page(client.get(f"/{lang}/r/{token}"), lang=lang)
        cards = [h.get_text() for h in soup.select(".option h3")]
        reference = parse_page(client.get(f"/th/r/{token}"), lang="th")
        assert cards == [h.get_text() for h in reference.select(".option h3")]
        assert "ไทย" in soup.select_one(".saved").get_text(), "the language she used is shown"

    def test_a_result_saved_in_bulgarian_opens_in_dutch_and_in_spanish(
        self, client: TestClient
    ) -> None:
        token = saved_path(client, "bg").rsplit("/", 1)[1]
        saved = parse_page(client.get(f"/bg/r/{token}"), lang="bg")
        cards = [h.get_text() for h in saved.select(".option h3")]
        assert cards
        for lang in ("nl", "es"):
            soup = parse_page(client.get(f"/{lang}/r/{token}"), lang=lang)
            assert [h.get_text() for h in soup.select(".option h3")] == cards
            assert "Български" in soup.select_one(".saved").get_text(), "the language she used"
            assert (
                soup.select_one(".option__why").get_text()
                != saved.select_one(".option__why").get_text()
            ), "the reasons are in the page's language"

    def test_the_saved_page_switches_language_by_plain_links(self, client: TestClient) -> None:
        path = saved_path(client)
        token = path.rsplit("/", 1)[1]
        soup = parse_page(client.get(path), lang="en")
        links = {a["href"] for a in soup.select(".languages a")}
        assert links == {f"/{lang}/r/{token}" for lang in LANGS if lang != "en"}

    def test_the_saved_page_shows_until_when_it_lives(self, client: TestClient) -> None:
        soup = parse_page(client.get(saved_path(client)), lang="en")
        assert "works until" in soup.select_one(".saved").get_text()

    def test_the_token_never_appears_in_the_database(self, client: TestClient, settings) -> None:
        token = saved_path(client).rsplit("/", 1)[1]
        db = Path(settings.database_url.split("///", 1)[1])
        files = [db, db.with_name(db.name + "-wal")]
        raw = b"".join(p.read_bytes() for p in files if p.exists())
        assert len(raw) > 0
        assert token.encode() not in raw
        for value in (b"GM0344", b"debts", b"work", b"municipality"):
            assert value not in raw

    def test_a_cross_site_save_is_refused(self, client: TestClient) -> None:
        response = save(client, headers={"Sec-Fetch-Site": "cross-site"})
        parse_page(response, lang="en", status=403)

    def test_an_old_browser_with_a_fresh_form_token_may_save(self, client: TestClient, app) -> None:
        token = form_token(app.state.services.secret, "save")
        assert save(client, headers={}, extra=[("form_token", token)]).status_code == 303

    def test_a_form_token_from_last_hour_still_works(self, client: TestClient, app) -> None:
        token = form_token(app.state.services.secret, "save", time.time() - 3600)
        assert save(client, headers={}, extra=[("form_token", token)]).status_code == 303

    def test_a_form_token_from_two_hours_ago_asks_to_reload(self, client: TestClient, app) -> None:
        token = form_token(app.state.services.secret, "save", time.time() - 7200)
        soup = parse_page(
            save(client, "nl", headers={}, extra=[("form_token", token)]), lang="nl", status=400
        )
        assert soup.select_one("h1").get_text() != ""

    def test_no_token_and_no_fetch_metadata_is_refused(self, client: TestClient) -> None:
        assert save(client, headers={}).status_code == 400

    def test_a_token_for_another_purpose_is_refused(self, client: TestClient, app) -> None:
        token = form_token(app.state.services.secret, "delete")
        assert save(client, headers={}, extra=[("form_token", token)]).status_code == 400

    def test_bad_answers_are_not_saved(self, client: TestClient) -> None:
        response = client.post("/en/r", content="stage=bogus", headers={**FORM, **SAME_ORIGIN})
        assert response.status_code == 422

    def test_unknown_fields_are_not_saved(self, client: TestClient) -> None:
        response = client.post(
            "/en/r", content="token=abc&stage=thinking", headers={**FORM, **SAME_ORIGIN}
        )
        assert response.status_code == 422

    def test_a_failed_save_says_so_and_keeps_the_result(self, client: TestClient, app) -> None:
        from sqlalchemy import create_engine

        app.state.services.engine = create_engine("sqlite:////nonexistent/dir/verder.db")
        response = save(client)
        soup = parse_page(response, lang="en", status=503)
        assert soup.select_one(".notice--error[role=alert]") is not None
        assert soup.select(".option"), "her result is still on the page"
        assert "/en/r/" not in response.text

    def test_the_site_still_works_without_a_database(self, client: TestClient, app) -> None:
        from sqlalchemy import create_engine

        app.state.services.engine = create_engine("sqlite:////nonexistent/dir/verder.db")
        assert client.get("/en/check").status_code == 200
        assert client.post("/en/check", content="stage=thinking", headers=FORM).status_code == 200
        assert client.get("/healthz").status_code == 503


class TestDelete:
    def delete(self, client: TestClient, path: str, extra: str = "", headers=None):
        return client.post(
            f"{path}/delete", content=extra, headers={**FORM, **(headers or SAME_ORIGIN)}
        )

    def test_delete_is_immediate_and_the_link_becomes_a_404(self, client: TestClient) -> None:
        path = saved_path(client)
        response = self.delete(client, path)
        assert response.status_code == 303
        assert response.headers["location"] == "/en/?deleted=1"
        assert response.headers["clear-site-data"] == '"cache", "storage"'
        gone = client.get(path)
        never = client.get("/en/r/" + "A" * 43)
        assert gone.status_code == never.status_code == 404
        assert gone.text == never.text

    def test_delete_and_leave_goes_to_the_neutral_site(self, client: TestClient, settings) -> None:
        path = saved_path(client)
        response = self.delete(client, path, "then=leave")
        soup = parse_page(response, lang="en")
        refresh = soup.select_one("meta[http-equiv=refresh]")["content"]
        assert refresh == f"0; url={settings.exit_url}"
        assert soup.select_one(f"main a[href='{settings.exit_url}']") is not None
        assert response.headers["clear-site-data"] == '"cache", "storage"'
        assert client.get(path).status_code == 404

    def test_a_cross_site_delete_is_refused_and_deletes_nothing(self, client: TestClient) -> None:
        path = saved_path(client)
        assert (
            self.delete(client, path, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
        )
        assert client.get(path).status_code == 200

    def test_deleting_in_another_language_works(self, client: TestClient) -> None:
        path = saved_path(client, "th")
        token = path.rsplit("/", 1)[1]
        assert self.delete(client, f"/nl/r/{token}").headers["location"] == "/nl/?deleted=1"
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("a", id="one character"),
        pytest.param("a" * 10000, id="10,000 characters"),
        pytest.param("not base64url!!" * 3, id="not base64url"),
        pytest.param("' OR 1=1 --", id="SQL-looking"),
        pytest.param("A" * 43, id="well-formed but never issued"),
    ],
)
def test_bad_tokens_get_the_same_404(client: TestClient, token: str) -> None:
    response = client.get(f"/en/r/{token}")
    assert response.status_code == 404
    reference = client.get("/en/r/" + "B" * 43)
    assert response.text == reference.text


class TestHandOff:
    def test_the_saved_page_has_a_qr_code_of_its_link(self, client: TestClient) -> None:
        path = saved_path(client)
        soup = parse_page(client.get(path), lang="en")
        svg = soup.select_one(".qr-figure svg")
        assert svg is not None and svg["role"] == "img"
        assert svg.select_one("title").get_text()
        assert soup.select_one(".qr-figure figcaption").get_text()

    def test_the_qr_code_encodes_the_link_in_the_pages_language(self, client: TestClient) -> None:
        token = saved_path(client).rsplit("/", 1)[1]
        nl = parse_page(client.get(f"/nl/r/{token}"), lang="nl").select_one(".qr-figure svg")
        th = parse_page(client.get(f"/th/r/{token}"), lang="th").select_one(".qr-figure svg")
        assert str(nl.select_one("path.qrline")) != str(th.select_one("path.qrline"))

    def test_the_saved_page_offers_printing_and_deleting(self, client: TestClient) -> None:
        soup = parse_page(client.get(saved_path(client)), lang="en")
        assert soup.select_one("#print-slot[data-print-label]") is not None
        assert soup.select_one("form[action$='/delete'] button") is not None

    def test_change_my_answers_carries_them_back_by_post(self, client: TestClient) -> None:
        response = client.post("/en/check", content=urlencode(ANSWERS), headers=FORM)
        soup = parse_page(response, lang="en")
        form = soup.select_one("form.change-answers")
        assert form["method"] == "post"
        assert "?" not in form["action"]
        step_one = client.post(
            "/en/check",
            content=urlencode(
                [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
                + [("step", "1")]
            ),
            headers=FORM,
        )
        page = parse_page(step_one, lang="en")
        assert page.select_one("#municipality option[selected]")["value"] == "GM0344"
        assert page.select_one("#languages-th").has_attr("checked")
