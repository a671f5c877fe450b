"""Database tables and the shapes that go in and out of the saved-result store."""

from __future__ import annotations

from datetime import date

from sqlalchemy import MetaData
from sqlmodel import Field, SQLModel

# Explicit constraint names, so migrations and both databases agree on them.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


# Table: what is stored. No token, no IP, no time finer than a day, no readable answers.
class SavedResult(SQLModel, table=True):
    """One saved result, found by the hash of its token and readable only with the token."""

    __tablename__ = "saved_result"

    token_hash: str = Field(primary_key=True, max_length=64)
    nonce: bytes
    ciphertext: bytes
    created_on: date
    expires_on: date = Field(index=True)
