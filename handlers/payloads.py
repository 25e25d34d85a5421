"""What a verified request body must look like before Bolt or a listener reads it. Pure.

Slack sends three kinds of body: Events API envelopes (JSON), slash commands (a form), and
interactions (a form with one ``payload`` field holding JSON). Anything else — a JSON array or
string, a ``payload`` that is not a JSON object, an ``event`` that is a string, a ``user`` that is
a number — is malformed: the HTTP endpoint answers 400 instead of letting Bolt's context
extraction or a listener fail on it with a 500.

The model below lists the fields that Bolt's context extraction and this app's listeners read, with
the types they assume in every kind of payload Slack sends (``text`` is a string in a message but
an object in a button, so it is not listed); every other field passes through untouched. Nested
objects that Bolt walks into (``event``, ``message``, ``view``, …) are checked with the same model.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, ValidationError

# A form with more fields than this is not something Slack sends (a slash command has ~12).
MAX_FORM_FIELDS = 100

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


class MalformedRequest(ValueError):
    """A verified request whose body cannot be a Slack request (HTTP 400)."""


_Id = dict[str, Any] | str | None  # Slack writes {"id": …} or the bare id, depending on the payload


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    type: str | None = None
    team: _Id = None
    user: _Id = None
    channel: _Id = None
    enterprise: _Id = None
    team_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    enterprise_id: str | None = None
    user_team: str | None = None
    thread_ts: str | None = None
    event_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    command: str | None = None
    is_enterprise_install: bool | None = None
    is_ext_shared_channel: bool | None = None
    event: _Shape | None = None
    message: _Shape | None = None
    previous_message: _Shape | None = None
    item: _Shape | None = None
    view: _Shape | None = None
    container: _Shape | None = None
    assistant_thread: _Shape | None = None
    authorizations: list[_Shape] | None = None
    actions: list[_Shape] | None = None
    response_urls: list[_ResponseUrl] | None = None


class _ResponseUrl(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    response_url: str


_Shape.model_rebuild()


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def parse_body(content_type: str | None, text: str) -> dict[str, Any]:
    """The body as Bolt's listeners will see it; MalformedRequest when it cannot be a Slack body."""
    kind = media_type(content_type)
    try:
        if kind == JSON_TYPE:
            body = json.loads(text)
        elif kind == FORM_TYPE:
            fields = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
            form = dict(fields)
            # An interaction is a form with one JSON field. A form that merely mentions the word
            # "payload" (a slash command's text) is a command: Bolt's own parser confuses the two.
            body = json.loads(form["payload"]) if "payload" in form else form
        else:
            raise MalformedRequest(f"unsupported content type {kind or 'none'!r}")
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and too many form fields are ValueErrors
        if isinstance(exc, MalformedRequest):
            raise
        raise MalformedRequest(f"the body is not valid {'JSON' if kind == JSON_TYPE else 'form data'}") from None
    if not isinstance(body, dict):
        raise MalformedRequest("the body is not a JSON object")
    try:
        _Shape.model_validate(body)
    except (ValidationError, RecursionError):
        raise MalformedRequest("the body does not have the shape of a Slack request") from None
    return body


def response_urls(body: dict[str, Any]) -> list[str]:
    """Every URL the body asks the app to answer at (the body must have passed ``parse_body``)."""
    urls = [body["response_url"]] if isinstance(body.get("response_url"), str) else []
    urls += [r["response_url"] for r in body.get("response_urls") or [] if isinstance(r, dict)]
    return urls
