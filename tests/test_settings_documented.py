"""Every setting is documented in the README, with its environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices

from app.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_in_the_readme(name: str) -> None:
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if isinstance(alias, str):
        env = alias
    elif isinstance(alias, AliasChoices):
        env = str(alias.choices[0])
    else:
        env = f"VERDER_{name.upper()}"
    assert f"`{env}`" in README


def test_a_placeholder_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        Settings(secret_key="changeme")


def test_postgres_urls_are_given_the_driver() -> None:
    assert Settings(database_url="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"
