"""The questionnaire: steps, skipping, errors at the fields, and the result in the POST reply."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app.matching.types import MULTI_CHOICE, QUESTION_IDS, SINGLE_CHOICE
from app.texts import STEP_OF, STEPS
from tests.conftest import LANGS
from tests.factories import ANSWER_SETS
from tests.pages import parse_page

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def post(client: TestClient, lang: str, data: list[tuple[str, str]] | dict[str, object]):
    """Post the questionnaire form as a browser would (a list keeps repeated fields)."""
    pairs = (
        data
        if isinstance(data, list)
        else [
            (k, v)
            for k, value in data.items()
            for v in (value if isinstance(value, list) else [value])
        ]
    )
    return client.post(
        f"/{lang}/check",
        content=urlencode(pairs),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


class TestQuestionnaire:
    @pytest.mark.parametrize("lang", LANGS)
    def test_every_question_of_the_contract_is_asked_across_the_steps(
        self, client: TestClient, lang: str
    ) -> None:
        asked: set[str] = set()
        for step in STEPS:
            soup = parse_page(post(client, lang, {"step": str(step.number)}), lang=lang)
            assert f"{step.number}" in soup.select_one(".progress").get_text()
            names = {
                el["name"]
                for el in soup.select("form.questionnaire [name]")
                if el.get("type") != "hidden"
            }
            names.discard("step")
            asked |= names
            for q in step.questions:
                assert soup.select_one(f"#{q.id}-why") is not None, f"{q.id} says why it is asked"
        assert asked == set(QUESTION_IDS)

    def test_the_values_offered_are_exactly_the_contract(self, client: TestClient) -> None:
        offered: dict[str, set[str]] = {}
        for step in STEPS:
            soup = parse_page(post(client, "en", {"step": str(step.number)}), lang="en")
            for el in soup.select(
                "form.questionnaire input[type=radio], form.questionnaire input[type=checkbox]"
            ):
                offered.setdefault(el["name"], set()).add(el["value"])
        for qid, values in {**SINGLE_CHOICE, **MULTI_CHOICE}.items():
            assert offered[qid] - {"prefer_not_to_say"} == set(values), qid
        for qid in SINGLE_CHOICE:
            assert "prefer_not_to_say" in offered[qid], f"{qid} has a visible skip"

    def test_the_place_question_lists_every_municipality_grouped_by_province(
        self, client: TestClient
    ) -> None:
        soup = parse_page(client.get("/nl/check"), lang="nl")
        options = soup.select("#municipality optgroup option")
        assert len(options) == 342
        assert len(soup.select("#municipality optgroup")) == 12

    def test_answers_of_other_steps_ride_along_hidden(self, client: TestClient) -> None:
        soup = parse_page(
            post(client, "en", {"age_group": "18_plus", "needs": ["debts"], "step": "2"}), lang="en"
        )
        hidden = {
            (el["name"], el["value"]) for el in soup.select("form.questionnaire input[type=hidden]")
        }
        assert hidden == {("age_group", "18_plus"), ("needs", "debts")}

    def test_going_back_shows_earlier_answers_checked(self, client: TestClient) -> None:
        soup = parse_page(
            post(client, "en", {"age_group": "18_plus", "municipality": "GM0344", "step": "1"}),
            lang="en",
        )
        assert soup.select_one("#age_group-18_plus").has_attr("checked")
        assert soup.select_one("#municipality option[selected]")["value"] == "GM0344"

    def test_the_danger_answers_say_the_state_where_a_bare_yes_reads_badly(
        self, client: TestClient
    ) -> None:
        step = STEP_OF["danger_now"]
        thai = parse_page(post(client, "th", {"step": str(step)}), lang="th")
        assert thai.select_one("label[for=danger_now-yes]").get_text() == "ใช่ ตอนนี้ฉันไม่ปลอดภัย"
        assert thai.select_one("label[for=danger_now-no]").get_text() == "ไม่ ตอนนี้ฉันปลอดภัย"
        english = parse_page(post(client, "en", {"step": str(step)}), lang="en")
        assert english.select_one("label[for=danger_now-yes]").get_text() == "Yes"

    def test_switching_language_keeps_answers_by_post(self, client: TestClient) -> None:
        soup = parse_page(post(client, "en", {"stage": "thinking", "step": "2"}), lang="en")
        forms = soup.select(".languages form")
        assert {f["action"] for f in forms} == {f"/{lang}/check" for lang in LANGS if lang != "en"}
        for form in forms:
            assert form["method"] == "post"
            carried = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
            assert carried == {("stage", "thinking"), ("step", "2")}


class TestErrors:
    @pytest.mark.parametrize(
        ("data", "field", "step"),
        [
            pytest.param(
                [("stage", "thinking"), ("stage", "stopped")], "stage", 2, id="single value twice"
            ),
            pytest.param([("stage", "Stopped")], "stage", 2, id="wrong case"),
            pytest.param([("stage", " thinking ")], "stage", 2, id="padded with spaces"),
            pytest.param([("stage", "thinking\x00")], "stage", 2, id="NUL byte"),
            pytest.param([("stage", "")], "stage", 2, id="empty"),
            pytest.param([("age_group", "17")], "age_group", 1, id="numeric"),
            pytest.param(
                [("needs", "housing"), ("needs", "castle")],
                "needs",
                3,
                id="one bad value among good",
            ),
            pytest.param([("municipality", "Atlantis")], "municipality", 1, id="unknown place"),
            pytest.param([("signals", "<script>alert(1)</script>")], "signals", 4, id="markup"),
            pytest.param([("danger_now", "{{7*7}}")], "danger_now", 4, id="template payload"),
        ],
    )
    def test_bad_answers_show_the_form_again_with_the_error_at_the_field(
        self, client: TestClient, data: list[tuple[str, str]], field: str, step: int
    ) -> None:
        response = post(client, "en", data)
        soup = parse_page(response, lang="en", status=422)
        assert soup.select_one(".error-summary") is not None
        assert soup.select_one(f"#{field}-error") is not None
        assert f"Step {step} of" in soup.select_one(".progress").get_text()
        assert (
            "<script>alert" not in response.text and "49" not in soup.select_one("main").get_text()
        )

    def test_good_answers_are_kept_next_to_an_error(self, client: TestClient) -> None:
        soup = parse_page(
            post(client, "en", [("stage", "bogus"), ("work_setting", "escort")]),
            lang="en",
            status=422,
        )
        assert soup.select_one("#work_setting-escort").has_attr("checked")

    @pytest.mark.parametrize("field", ["token", "id", "__class__"])
    def test_unknown_fields_are_refused(self, client: TestClient, field: str) -> None:
        soup = parse_page(
            post(client, "en", {field: "x", "stage": "thinking"}), lang="en", status=422
        )
        assert soup.select_one(".error-summary") is not None

    def test_an_unknown_step_is_refused(self, client: TestClient) -> None:
        assert post(client, "en", {"step": "9"}).status_code == 422

    @pytest.mark.parametrize(
        ("body", "content_type", "status"),
        [
            pytest.param(b'{"stage": "thinking"}', "application/json", 415, id="JSON to the form"),
            pytest.param(b"stage=thinking", "text/plain", 415, id="text/plain"),
            pytest.param(b"--x--", "multipart/form-data", 415, id="multipart without boundary"),
            pytest.param(
                b"stage=%ff%fe", "application/x-www-form-urlencoded", 400, id="invalid UTF-8"
            ),
            pytest.param(
                b"stage=%c0%af", "application/x-www-form-urlencoded", 400, id="overlong UTF-8"
            ),
            pytest.param(
                b"stage=%ed%a0%80", "application/x-www-form-urlencoded", 400, id="lone surrogate"
            ),
            pytest.param(
                b"stage=\xff", "application/x-www-form-urlencoded", 400, id="raw non-ASCII byte"
            ),
            pytest.param(
                b"&".join([b"needs=work"] * 1000),
                "application/x-www-form-urlencoded",
                400,
                id="too many fields",
            ),
            pytest.param(
                b"a=" + b"x" * (10 * 1024 * 1024),
                "application/x-www-form-urlencoded",
                413,
                id="10 MB body",
            ),
            pytest.param(
                b"stage=" + b"x" * (5 * 1024 * 1024),
                "application/x-www-form-urlencoded",
                413,
                id="5 MB value",
            ),
            pytest.param(
                b"&".join([b"a=1"] * 100000),
                "application/x-www-form-urlencoded",
                413,
                id="100,000 fields",
            ),
        ],
    )
    def test_unreadable_bodies_get_a_clear_error_page(
        self, client: TestClient, body: bytes, content_type: str, status: int
    ) -> None:
        response = client.post("/en/check", content=body, headers={"Content-Type": content_type})
        parse_page(response, lang="en", status=status)


class TestResult:
    @pytest.mark.parametrize("lang", LANGS)
    def test_an_empty_questionnaire_gives_a_result_with_national_help(
        self, client: TestClient, lang: str
    ) -> None:
        response = post(client, lang, {})
        soup = parse_page(response, lang=lang)
        assert response.headers["cache-control"] == "no-store"
        assert soup.select_one("meta[name=robots]")["content"] == "noindex"
        assert soup.select(".option"), "national options are shown"
        assert soup.select_one(".notice form button[name=step]") is not None, (
            "a prompt to pick a place"
        )
        assert soup.select_one("form[action$='/r']") is None, "nothing to save without answers"

    @pytest.mark.parametrize("lang", LANGS)
    def test_exploitation_opens_with_urgent_help_and_reasons(
        self, client: TestClient, lang: str
    ) -> None:
        data = {"municipality": "Den Bosch", "signals": ["documents_held"], "needs": ["housing"]}
        soup = parse_page(post(client, lang, data), lang=lang)
        sections = [s["aria-labelledby"] for s in soup.select("main section")]
        assert sections[0] == "section-urgent"
        assert sections[1] == "profile-title"
        assert sections[2] == "section-start_here"
        assert len(soup.select(".profile .reasons li")) == 1
        hub = soup.select("#section-start_here ~ .option h3")
        assert any("Den Bosch" in h.get_text() for h in hub)

    def test_danger_now_opens_with_urgent_help_without_signals(self, client: TestClient) -> None:
        soup = parse_page(post(client, "en", {"danger_now": "yes"}), lang="en")
        assert soup.select("main section")[0]["aria-labelledby"] == "section-urgent"
        assert "112" in soup.select_one(".section--urgent").get_text()

    def test_practical_questions_have_no_urgent_block(self, client: TestClient) -> None:
        soup = parse_page(
            post(client, "en", {"municipality": "Utrecht", "needs": ["work"]}), lang="en"
        )
        assert soup.select_one(".section--urgent") is None
        assert "practical" in soup.select_one("#profile-title").get_text().lower()

    def test_each_option_says_which_needs_it_covers_and_why(self, client: TestClient) -> None:
        soup = parse_page(
            post(client, "en", {"municipality": "GM0344", "needs": ["debts", "housing"]}), lang="en"
        )
        cards = soup.select(".option")
        assert cards
        for card in cards:
            assert card.select(".option__why li"), card.select_one("h3").get_text()
            assert card.select_one(".option__contact dd") is not None
        assert any("Helps with:" in c.get_text() for c in cards)

    def test_the_result_url_is_the_form_url(self, client: TestClient) -> None:
        response = post(client, "en", {"stage": "thinking"})
        assert response.status_code == 200
        assert str(response.url).endswith("/en/check")

    def test_the_result_offers_to_save_and_to_change_answers(self, client: TestClient) -> None:
        soup = parse_page(post(client, "en", {"stage": "thinking", "needs": ["work"]}), lang="en")
        save = soup.select_one("form[action='/en/r']")
        carried = {(i["name"], i["value"]) for i in save.select("input[type=hidden]")}
        assert {("stage", "thinking"), ("needs", "work")} <= carried
        assert any(name == "form_token" for name, _ in carried)
        change = soup.select_one("form.change-answers")
        assert change.select_one("button[name=step]")["value"] == "1"


def test_why_starts_with_what_it_helps_with_for_a_need(client: TestClient) -> None:
    soup = parse_page(post(client, "en", {"needs": ["debts"]}), lang="en")
    first = soup.select_one("#section-need ~ .option .option__why li").get_text()
    assert first.startswith("Helps with:")


def test_a_need_without_any_help_is_said_honestly(test_catalogue_client: TestClient) -> None:
    soup = parse_page(post(test_catalogue_client, "en", {"needs": ["education"]}), lang="en")
    assert "We did not find help for: training." in soup.select_one(".gaps").get_text()


@pytest.mark.parametrize(
    "place",
    [
        pytest.param("Amst\u202eerdam", id="RTL override"),
        pytest.param("Amster\u200bdam", id="zero-width space"),
        pytest.param("Аmsterdam", id="Cyrillic lookalike A"),
        pytest.param("A" + "\u0301" * 10000, id="10,000 combining marks"),
    ],
)
def test_unicode_tricks_are_refused_and_never_echoed(client: TestClient, place: str) -> None:
    response = post(client, "en", {"municipality": place})
    soup = parse_page(response, lang="en", status=422)
    assert soup.select_one("#municipality-error") is not None
    assert place not in response.text


class TestRightsLinks:
    @pytest.mark.parametrize("lang", LANGS)
    def test_the_exploitation_result_links_to_her_rights(
        self, client: TestClient, lang: str
    ) -> None:
        soup = parse_page(post(client, lang, ANSWER_SETS["exploitation"]), lang=lang)
        assert soup.select_one(f".profile a[href='/{lang}/rights']") is not None

    def test_other_profiles_have_no_rights_link_by_the_profile(self, client: TestClient) -> None:
        soup = parse_page(post(client, "en", ANSWER_SETS["autonomous"]), lang="en")
        assert soup.select_one(".profile a[href='/en/rights']") is None

    def test_cards_of_help_for_victims_and_legal_help_link_to_her_rights(
        self, client: TestClient
    ) -> None:
        soup = parse_page(post(client, "en", ANSWER_SETS["exploitation"]), lang="en")
        linked = [a for a in soup.select("article.option") if a.select_one(".option__rights a")]
        assert linked, "the exploitation result has help for victims or legal help"
        for article in soup.select("article.option"):
            if article.select_one(".option__rights"):
                assert article.select_one(".option__rights a")["href"] == "/en/rights"


def test_her_groups_that_no_service_names_are_said_with_a_way_forward(
    test_catalogue_client: TestClient,
) -> None:
    # The made-up Utrecht exit programme names men and trans people, nothing names escort work.
    answers = {"municipality": "GM0344", "gender": "man", "work_setting": "escort"}
    soup = parse_page(post(test_catalogue_client, "nl", answers), lang="nl")
    note = [p.get_text() for p in soup.select(".group-note p")]
    assert note == [
        "Geen van deze organisaties zegt dat ze escortwerk kennen.",
        "Je kunt wel contact met ze opnemen en vragen of ze je kunnen helpen.",
    ]


def test_no_group_note_when_a_service_names_each_of_her_groups(
    test_catalogue_client: TestClient,
) -> None:
    answers = {"municipality": "GM0344", "gender": "man"}
    soup = parse_page(post(test_catalogue_client, "en", answers), lang="en")
    assert soup.select_one(".group-note") is None
