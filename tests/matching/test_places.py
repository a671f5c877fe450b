"""A municipality can be given as CBS code, official name or alias, however it is typed."""

from __future__ import annotations

import pytest

from app.matching.places import build_place_index, resolve_place

INDEX = build_place_index(
    [
        ("GM0796", "'s-Hertogenbosch", ["Den Bosch"]),
        ("GM0518", "'s-Gravenhage", ["Den Haag", "The Hague"]),
        ("GM1900", "Súdwest-Fryslân", []),
        ("GM0363", "Amsterdam", ["Weesp"]),
    ]
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        pytest.param("GM0363", "GM0363", id="CBS code"),
        pytest.param("gm0363", "GM0363", id="CBS code in lower case"),
        pytest.param("Amsterdam", "GM0363", id="official name"),
        pytest.param("  AMSTERDAM ", "GM0363", id="upper case with spaces"),
        pytest.param("Weesp", "GM0363", id="merged municipality"),
        pytest.param("Den Bosch", "GM0796", id="alias"),
        pytest.param("'s-Hertogenbosch", "GM0796", id="official name with apostrophe"),
        pytest.param("’s Hertogenbosch", "GM0796", id="curly apostrophe, no hyphen"),
        pytest.param("s-hertogenbosch", "GM0796", id="no apostrophe"),
        pytest.param("Den Haag", "GM0518", id="Den Haag"),
        pytest.param("Sudwest-Fryslan", "GM1900", id="without accents"),
        pytest.param("súdwest fryslân", "GM1900", id="accents, space"),
    ],
)
def test_resolves(typed: str, code: str) -> None:
    assert resolve_place(typed, INDEX) == code


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("Atlantis", id="unknown"),
        pytest.param("Amsterdam\x00", id="NUL byte"),
        pytest.param("A" * 1000, id="very long"),
        pytest.param("Amst\u202eerdam", id="RTL override"),
    ],
)
def test_refuses(typed: str) -> None:
    assert resolve_place(typed, INDEX) is None


def test_an_alias_that_names_two_municipalities_is_an_error() -> None:
    with pytest.raises(ValueError, match="names both"):
        build_place_index([("GM0001", "Alpha", ["Beta"]), ("GM0002", "Beta", [])])
