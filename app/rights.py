"""Her rights in plain words, each statement with the page it comes from (data/rights.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.catalog import HttpsUrl, Note, Slug, StrictModel, Text, Translated, read_list_file

RIGHTS_FILE = "rights.yaml"


class Statement(StrictModel):
    """One statement of a right, with its source."""

    text: Translated
    source: HttpsUrl
    source_title: Text
    verified_on: date
    says: Note | None = None  # what the source says, for the maintainer


class Section(StrictModel):
    """A group of statements under one heading."""

    id: Slug
    title: Translated
    statements: list[Statement]


def load_rights(data_dir: Path) -> tuple[Section, ...]:
    """Read and validate data/rights.yaml."""
    return tuple(read_list_file(data_dir / RIGHTS_FILE, "sections", Section))
