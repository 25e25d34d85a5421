"""The one Settings object: built once at the entry point from the environment or ``.env``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The bot scopes the features need, as manifest.yml declares them (the install asks for these).
BOT_SCOPES = (
    "app_mentions:read",
    "chat:write",
    "commands",
    "reactions:write",
    "users:read",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "links:read",
    "links:write",
    "files:write",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
)


class Settings(BaseSettings):
    """Every setting the product reads. Each one is documented in .env.example (a test checks)."""

    # An empty value (``SLACK_CLIENT_ID=`` as copied from .env.example) means unset, not "".
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    # Slack
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    # Installing in many workspaces (OAuth): both set turns it on, and SLACK_BOT_TOKEN is not used.
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    # The bot scopes an install asks for: manifest.yml's (a test keeps the two in step).
    slack_scopes: str = Field(default=",".join(BOT_SCOPES), alias="SLACK_SCOPES")
    # Where Slack sends the installer back; unset, Slack uses the app's one configured redirect URL.
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    # What happens to a workspace's incidents, corrections and subscriptions when it uninstalls
    # the app: kept (a reinstall finds them) or purged.
    uninstall_data: Literal["keep", "purge"] = Field(default="keep", alias="INCIDENT_BOT_UNINSTALL_DATA")

    # Storage
    database_url: str = Field(default="sqlite:///incident-bot.sqlite3", alias="DATABASE_URL")

    # Link fetching
    fetch_allow_private: bool = Field(default=False, alias="INCIDENT_BOT_FETCH_ALLOW_PRIVATE")
    fetch_timeout: float = Field(default=10.0, gt=0, alias="INCIDENT_BOT_FETCH_TIMEOUT")
    fetch_max_bytes: int = Field(default=5_000_000, gt=0, alias="INCIDENT_BOT_FETCH_MAX_BYTES")

    # Digests
    default_timezone: str = Field(default="UTC", alias="INCIDENT_BOT_DEFAULT_TIMEZONE")
    digest_grace_hours: float = Field(default=6.0, ge=0, alias="INCIDENT_BOT_DIGEST_GRACE_HOURS")
    digest_post_empty: bool = Field(default=True, alias="INCIDENT_BOT_DIGEST_POST_EMPTY")
    digest_claim_expiry_minutes: float = Field(default=10.0, gt=0, alias="INCIDENT_BOT_DIGEST_CLAIM_EXPIRY_MINUTES")
    # How often the bot looks for feeds that are due (each is read on its own interval) and for
    # alerts to post.
    feeds_check_seconds: float = Field(default=30.0, ge=0.5, le=3600, alias="INCIDENT_BOT_FEEDS_CHECK_SECONDS")
    alerts_check_seconds: float = Field(default=10.0, ge=0.5, le=3600, alias="INCIDENT_BOT_ALERTS_CHECK_SECONDS")

    # Running the bot
    host: str = Field(default="0.0.0.0", alias="INCIDENT_BOT_HOST")
    port: int = Field(default=3000, gt=0, lt=65536, alias="INCIDENT_BOT_PORT")
    workers: int = Field(default=8, gt=0, le=256, alias="INCIDENT_BOT_WORKERS")
    # A job is one link or one pasted article: fetch (its own budget above) plus extraction.
    job_timeout: float = Field(default=60.0, gt=0, alias="INCIDENT_BOT_JOB_TIMEOUT")
    job_memory_mb: int = Field(default=1024, ge=0, alias="INCIDENT_BOT_JOB_MEMORY_MB")
    # A submission's lease: renewed while a live process works on it; taken over by another
    # process (or this one after a restart) once it lapses.
    job_lease: float = Field(default=30.0, ge=1, le=3600, alias="INCIDENT_BOT_JOB_LEASE")
    # On SIGTERM, how long in-flight submissions may finish before the rest are handed back.
    drain_timeout: float = Field(default=20.0, ge=0, le=3600, alias="INCIDENT_BOT_DRAIN_TIMEOUT")
    # The longest a worker waits for Slack's Retry-After; a longer wait re-queues the work.
    slack_max_wait: float = Field(default=5.0, ge=0, le=600, alias="INCIDENT_BOT_SLACK_MAX_WAIT")

    # Operations
    log_level: str = Field(default="INFO", alias="INCIDENT_BOT_LOG_LEVEL")

    @property
    def oauth_enabled(self) -> bool:
        """Many workspaces (installed through OAuth) rather than the one SLACK_BOT_TOKEN serves."""
        return self.slack_client_id is not None or self.slack_client_secret is not None


def env_names() -> list[str]:
    """The environment variable names of every setting (used by docs and the .env.example check)."""
    return [f.alias or name.upper() for name, f in Settings.model_fields.items()]
