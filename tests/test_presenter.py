"""A match result in words: cached option views read exactly like freshly made ones."""

from __future__ import annotations

import pytest

from app import i18n
from app.answers import check_answers
from app.catalog import Catalog, load_catalog
from app.matching import engine
from app.presenter import OptionViews, present
from app.settings import Settings

ANSWER_SETS = [
    [("municipality", "GM0344"), ("needs", "housing"), ("needs", "debts")],
    [("municipality", "Den Bosch"), ("signals", "documents_held"), ("languages", "th")],
    [("danger_now", "yes"), ("needs", "mental_health")],
    [("needs", "income")],
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    i18n.load_translations()
    return load_catalog(Settings().data_dir)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_cached_option_views_are_the_same_as_fresh_ones(catalog: Catalog, lang: str) -> None:
    views = OptionViews(catalog)
    token = i18n.current_language.set(lang)
    try:
        for _ in range(2):  # the second round is served from the cache
            for pairs in ANSWER_SETS:
                checked = check_answers(pairs, resolve_place=catalog.resolve_municipality)
                assert checked.ok, checked.errors
                result = engine.match(checked.answers(), catalog.match_catalogue)
                assert result.options, "every answer set here is shown some help"
                assert present(result, catalog, views) == present(result, catalog)
    finally:
        i18n.current_language.reset(token)


def test_option_views_are_kept_per_language(catalog: Catalog) -> None:
    views = OptionViews(catalog)
    checked = check_answers(ANSWER_SETS[0], resolve_place=catalog.resolve_municipality)
    option = engine.match(checked.answers(), catalog.match_catalogue).options[0]
    nl, th = views.get(option, "Utrecht", "nl"), views.get(option, "Utrecht", "th")
    assert nl.description != th.description
    assert views.get(option, "Utrecht", "nl") is nl
