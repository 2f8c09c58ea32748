"""One typed settings object, read once at the edge (CLI, app factory) and passed in."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./fupin.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUPIN_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    codelists_file: Path | None = Field(
        default=None,
        description="TOML file that overrides or extends the shipped code lists (unconfirmed values).",
    )
    income_divisor: Literal["year_size", "current_size"] = Field(
        default="year_size",
        description="Household size used for per-capita net income (domain.md §1.6, unconfirmed).",
    )
    income_tolerance_yuan: float = Field(
        default=1.0, description="Allowed difference between a stated and a computed income total."
    )
    import_batch_rows: int = Field(default=200_000, ge=1_000)
    work_dir: Path | None = Field(default=None, description="Scratch folder for bulk loads.")
    min_birth_year: int = Field(default=1850, description="Earliest birth year accepted in an ID number.")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)  # type: ignore[arg-type]
