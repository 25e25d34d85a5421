"""One exception hierarchy for the whole product; each error knows its CLI exit code.

Outside errors (httpx, SQLAlchemy, Slack) are translated at the boundary with ``raise ... from``.
"""

from __future__ import annotations


class IncidentBotError(Exception):
    """Base of every error the product reports to a user."""

    exit_code = 1
    code = "error"


class BadInputError(IncidentBotError):
    """The input cannot be summarized as given (exit code 2)."""

    exit_code = 2
    code = "bad_input"


class EmptyInputError(BadInputError):
    code = "empty"


class InputTooLargeError(BadInputError):
    code = "too_large"


class UnsupportedInputError(BadInputError):
    code = "unsupported"


class FetchError(IncidentBotError):
    """A link could not be read (exit code 3): blocked address, timeout, HTTP status, not an article."""

    exit_code = 3
    code = "fetch_failed"


class StorageError(IncidentBotError):
    """The database is down, locked or refused the operation (exit code 4). Nothing acknowledged is lost."""

    exit_code = 4
    code = "storage_failed"


class SlackError(IncidentBotError):
    """Slack refused or failed a call after the client's own retries (exit code 5): an outside
    failure, not a bug."""

    exit_code = 5
    code = "slack_failed"


class ConfigurationError(BadInputError):
    """A setting the command needs is missing or invalid (exit code 2)."""

    code = "configuration"


class PostError(SlackError):
    """Posting to Slack failed for good (after the client's own retries); ``reason`` is Slack's error."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Slack refused or failed the post: {reason}")
        self.reason = reason


class RateLimited(PostError):
    """Slack answered 429 with a Retry-After longer than a worker may wait: try again later."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("ratelimited")
        self.retry_after = retry_after
