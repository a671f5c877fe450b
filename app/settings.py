"""Settings from the environment (prefix VERDER_) or a .env file; every field is in the README."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """How this instance runs. Read once by create_app(), never imported as a global."""

    model_config = SettingsConfigDict(env_prefix="VERDER_", env_file=".env", extra="ignore")

    # Where the saved results live. Embedded SQLite by default; PostgreSQL for several instances.
    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'var' / 'verder.db'}",
        validation_alias="DATABASE_URL",
    )
    # Folder with regions.yaml and providers/ (national.yaml and one file per region).
    data_dir: Path = ROOT / "data"
    # Signs the hourly form tokens. Empty: a random key per process (fine for one instance).
    secret_key: str = ""
    # Days a saved result lives before the purge removes it.
    result_days: int = Field(default=30, ge=1, le=365)
    # Seconds between two runs of the purge of expired results.
    purge_interval_seconds: int = Field(default=3600, ge=10)
    # Strict-Transport-Security max-age in seconds; 0 leaves the header out (plain-http dev).
    hsts_max_age: int = Field(default=63072000, ge=0)
    # Largest request body accepted, in bytes; larger ones get 413 before they are parsed.
    max_body_bytes: int = Field(default=65536, ge=1024)
    # Base of the links shown for saved results, e.g. https://verder.example; empty: from request.
    public_url: str = ""
    # The neutral site the quick exit leaves for.
    exit_url: str = "https://www.weeronline.nl/"
    # Where helpers send corrections to the catalogue (an e-mail address or https URL); shown on
    # the professionals' page. Empty: the page says to go through the region's exit programme.
    corrections_contact: str = ""
    # Per-client limits on saving and on opening saved results; off for benchmarks and load tests.
    rate_limit_enabled: bool = Field(
        default=True,
        validation_alias=AliasChoices("RATE_LIMIT_ENABLED", "VERDER_RATE_LIMIT_ENABLED"),
    )
    # Saves one client may make per minute.
    rate_limit_saves_per_minute: int = Field(default=10, ge=1)
    # Saved results one client may open per minute (guessing tokens is hopeless, but cheap to stop).
    rate_limit_opens_per_minute: int = Field(default=60, ge=1)

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("secret_key")
    @classmethod
    def _no_placeholder_secret(cls, value: str) -> str:
        if value.lower() in {"changeme", "change-me", "secret", "dev"}:
            raise ValueError("VERDER_SECRET_KEY is a placeholder; set a long random value")
        return value
