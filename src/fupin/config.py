"""One typed settings object, read once at the edge (CLI, app factory) and passed in."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    secret_key: SecretStr | None = Field(
        default=None, description="Signs session and form cookies; `fupin serve` generates and keeps one when unset."
    )
    secret_key_file: Path | None = Field(
        default=None, description="Where `fupin serve` keeps a generated secret key (default: beside the database)."
    )
    host: str = Field(default="127.0.0.1", description="Address `fupin serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `fupin serve` listens on.")
    session_lifetime_minutes: int = Field(default=480, ge=5, description="A page session ends this long after sign-in.")
    token_lifetime_days: int = Field(default=90, ge=1, description="An API bearer token expires after this many days.")
    login_max_failures: int = Field(default=5, ge=1, description="Failed sign-ins in a row that lock a user name.")
    login_lockout_minutes: int = Field(default=15, ge=1, description="How long a locked user name stays locked.")
    password_min_length: int = Field(default=10, ge=8, description="Shortest password accepted.")
    secure_cookies: bool = Field(default=False, description="Send cookies only over HTTPS (set behind a TLS proxy).")
    upload_dir: Path = Field(
        default=Path("uploads"),
        description="Where uploaded files and the error workbooks of their import jobs are kept.",
    )
    upload_max_mb: int = Field(default=200, ge=1, description="Largest file accepted for upload, in MiB.")
    web_processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Server processes `fupin serve` starts (one per CPU core serves the most requests).",
    )
    database_pool_size: int = Field(
        default=16,
        ge=1,
        le=200,
        description="Database connections each server process keeps open for requests (on PostgreSQL, per pool: one "
        "for reading requests, one for the rest).",
    )
    worker_threads: int = Field(
        default=1, ge=0, le=8, description="Job worker threads `fupin serve` runs (0: jobs wait for `fupin worker`)."
    )
    job_poll_seconds: float = Field(default=1.0, gt=0, description="How often an idle worker looks for queued jobs.")
    job_progress_seconds: float = Field(
        default=0.5, gt=0, description="How often a running job writes its progress and heartbeat."
    )
    job_stale_seconds: int = Field(
        default=300, ge=10, description="A running job without a heartbeat for this long is queued again or failed."
    )
    job_max_attempts: int = Field(default=2, ge=1, description="Runs a job gets before a stale one is failed.")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)  # type: ignore[arg-type]
