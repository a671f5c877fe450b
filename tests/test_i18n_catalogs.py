"""Every site language's catalogue is complete, not fuzzy, not stale and in step with the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from app import i18n

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(lang: str):
    """The parsed .po file of one language."""
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def strings(value: str | tuple[str, ...] | list[str]) -> list[str]:
    """A message's singular and plural forms as a list."""
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(lang: str) -> None:
    cat = catalogue(lang)
    assert not cat.fuzzy, "the header is marked fuzzy"
    problems = [
        m.id for m in cat if m.id and (m.fuzzy or not all(s.strip() for s in strings(m.string)))
    ]
    assert problems == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_obsolete_messages_linger(lang: str) -> None:
    assert list(catalogue(lang).obsolete) == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_babel_finds_no_errors(lang: str) -> None:
    errors = [(m.id, e) for m, e in catalogue(lang).check()]
    assert errors == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_placeholders_match_the_source(lang: str) -> None:
    for m in catalogue(lang):
        if not m.id:
            continue
        wanted = {name for form in strings(m.id) for name in PLACEHOLDER.findall(form)}
        for text in strings(m.string):
            assert set(PLACEHOLDER.findall(text)) == wanted, m.id


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_translations_differ_from_english_for_sentences(lang: str) -> None:
    same = [
        m.id
        for m in catalogue(lang)
        if isinstance(m.id, str) and len(m.id.split()) > 3 and m.string == m.id
    ]
    assert same == [], "left in English"


# Look-alike letters that a wrong keyboard or font setting types instead of the right ones.
WRONG_LETTERS = {
    "ro": ("şţŞŢ", "Romanian writes ș and ț with a comma below, not a cedilla"),
    "hu": ("õûÕÛ", "Hungarian writes ő and ű with a double acute"),
    "bg": ("abcehkmoptxyABCEHKMOPTXY", "no Latin letter inside a Bulgarian word"),
}


@pytest.mark.parametrize("lang", [lang for lang in WRONG_LETTERS if lang in i18n.LANGUAGES])
def test_no_look_alike_letters(lang: str) -> None:
    letters, why = WRONG_LETTERS[lang]
    texts = [form for m in catalogue(lang) if m.id for form in strings(m.string)]
    texts += [t for t in catalogue_texts(lang)]
    if lang == "bg":
        # Only words that mix both scripts: Dutch names and URLs stay in Latin letters.
        mixed = re.compile(r"\b(?=\w*[а-яА-Я])(?=\w*[A-Za-z])\w+\b")
        bad = [word for text in texts for word in mixed.findall(text)]
    else:
        bad = [text for text in texts if any(c in text for c in letters)]
    assert bad == [], why


def catalogue_texts(lang: str) -> list[str]:
    """Every text in `lang` in data/: descriptions, hours, region names, rights."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if lang in node and isinstance(node[lang], str) and "en" in node:
                found.append(node[lang])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "data").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def key(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    """A message's identity: its context and its id (both forms for a plural)."""
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, msgid


def test_the_catalogues_are_in_step_with_the_code(tmp_path: Path) -> None:
    pot = tmp_path / "check.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "Nn_:1,2",
            "-k",
            "Np_:1c,2",
            "-o",
            str(pot),
            "--no-wrap",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        extracted = {key(m) for m in read_po(fh) if m.id}
    for lang in i18n.LANGUAGES:
        present = {key(m) for m in catalogue(lang) if m.id}
        assert extracted - present == set(), f"{lang}: run `make i18n` for new messages"
        assert present - extracted == set(), f"{lang}: messages no longer in the code"


def test_a_missing_compiled_catalogue_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="make i18n-compile"):
        i18n.load_translations(tmp_path)


def test_thai_pages_are_really_thai(client) -> None:
    text = client.get("/th/").text
    thai = sum(1 for c in text if "\u0e00" <= c <= "\u0e7f")
    assert thai > 200


def test_the_site_languages_are_exactly_the_catalogues_under_locales() -> None:
    # The Makefile compiles every folder under locales/; the app serves i18n.LANGUAGES.
    folders = {p.parent.name for p in (ROOT / "locales").glob("*/LC_MESSAGES")}
    assert folders == set(i18n.LANGUAGES)
