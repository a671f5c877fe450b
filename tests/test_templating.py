"""Templates compiled per language, hidden fields, and the cached option cards."""

from __future__ import annotations

import pytest

from app import i18n
from app.templating import build_templates, hidden_fields

SOURCE = (
    '<a title="{{ _("Leave this site") }}">{{ _("Skip to main content") }}</a>'
    '{{ _("Step %(number)s of %(total)s", number=2, total=4) }}'
)


@pytest.fixture(scope="module")
def templates() -> object:
    i18n.load_translations()
    return build_templates(static_urls={}, exit_url="https://example.org/", result_days=30)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_fixed_sentences_are_translated_when_the_template_is_compiled(
    templates: object, lang: str
) -> None:
    env = templates.envs[lang]  # type: ignore[attr-defined]
    code = env.compile(SOURCE, raw=True)
    translated = i18n.translate(lang, "Skip to main content")
    assert translated in code
    if translated != "Skip to main content":
        assert "Skip to main content" not in code, "no runtime lookup of a fixed sentence"
    assert "'Step %(number)s of %(total)s'" in code, "one with parameters is looked up per request"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_page_reads_the_same_as_with_translation_at_render_time(
    templates: object, lang: str
) -> None:
    token = i18n.current_language.set(lang)
    try:
        html = templates.envs[lang].from_string(SOURCE).render()  # type: ignore[attr-defined]
        step = i18n.gettext("Step %(number)s of %(total)s") % {"number": 2, "total": 4}
        expected = (
            f'<a title="{i18n.gettext("Leave this site")}">'
            f"{i18n.gettext('Skip to main content')}</a>{step}"
        )
    finally:
        i18n.current_language.reset(token)
    assert html == expected


def test_templates_are_chosen_by_the_request_language(templates: object) -> None:
    for lang in i18n.LANGUAGES:
        token = i18n.current_language.set(lang)
        try:
            template = templates.get_template("base.html")  # type: ignore[attr-defined]
        finally:
            i18n.current_language.reset(token)
        assert template.environment is templates.envs[lang]  # type: ignore[attr-defined]


def test_hidden_fields_escape_names_and_values() -> None:
    html = hidden_fields([("needs", "housing"), ('a"b', "<script>&")])
    assert str(html) == (
        '<input type="hidden" name="needs" value="housing">\n'
        '<input type="hidden" name="a&#34;b" value="&lt;script&gt;&amp;">\n'
    )


def test_a_sentence_that_cannot_be_formatted_is_left_to_the_runtime_call(
    templates: object,
) -> None:
    env = templates.envs["nl"]  # type: ignore[attr-defined]
    template = env.from_string('{{ _("50%") }}')  # compiles: not folded
    token = i18n.current_language.set("nl")
    try:
        with pytest.raises(ValueError, match="incomplete format"):
            template.render()  # as the runtime gettext call itself fails
    finally:
        i18n.current_language.reset(token)
