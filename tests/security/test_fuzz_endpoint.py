"""Hypothesis against the running bot's HTTP endpoint and against the pure body check.

Random headers, bodies, content types and encodings, signed or not. Bounded: a fixed number of
examples, no deadline per example (each is a real HTTP round trip), derandomized so that CI runs
the same requests every time.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.payloads import MalformedRequest, parse_body
from tests.security.conftest import TEAM, calls_after_start, database_rows
from tests.slack.conftest import Bot
from tests.slack_standin import SlackStandIn

_FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
# Bodies shaped like Slack's, with any field replaced by anything: the near misses are what break parsers.
_slack_keys = st.sampled_from(
    [
        "type",
        "team",
        "user",
        "channel",
        "event",
        "actions",
        "view",
        "container",
        "authorizations",
        "response_url",
        "trigger_id",
        "team_id",
        "enterprise",
        "message",
        "command",
        "text",
        "event_id",
        "response_urls",
    ]
)
_slackish = st.dictionaries(_slack_keys, _json_values, max_size=6).map(
    lambda d: {"type": "event_callback", "team_id": TEAM, **d}
)
_bodies = st.one_of(
    st.binary(max_size=300),
    _json_values.map(lambda v: json.dumps(v).encode()),
    _slackish.map(lambda d: json.dumps(d).encode()),
    _slackish.map(lambda d: urlencode({"payload": json.dumps(d)}).encode()),
    st.dictionaries(st.sampled_from(["command", "text", "team_id", "payload", "user_id"]), st.text(max_size=30)).map(
        lambda d: urlencode(d).encode()
    ),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
_content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
        "APPLICATION/JSON",
    ]
)
_header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@st.composite
def _forged_headers(draw: st.DrawFn) -> dict[str, str]:
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["X-Slack-Request-Timestamp"] = draw(
            st.one_of(_header_values, st.just(str(int(time.time()))), st.integers().map(str))
        )
    if draw(st.booleans()):
        headers["X-Slack-Signature"] = draw(
            st.one_of(_header_values, st.text(alphabet="0123456789abcdef", min_size=64, max_size=64).map("v0=".__add__))
        )
    if draw(st.booleans()):
        headers[draw(st.sampled_from(["X-Slack-Retry-Num", "X-Forwarded-For", "Transfer-Encoding-X"]))] = draw(
            _header_values
        )
    return headers


@_FUZZ
@given(body=_bodies, content_type=_content_types, headers=_forged_headers())
def test_unsigned_requests_never_get_5xx_and_never_cause_anything(
    module_bot: Bot, module_slack: SlackStandIn, body: bytes, content_type: str, headers: dict[str, str]
) -> None:
    calls, rows = calls_after_start(module_slack), database_rows(module_bot)
    reply = module_bot.send(body, {"Content-Type": content_type, **headers})
    assert reply.status == 401
    assert calls_after_start(module_slack) == calls
    assert database_rows(module_bot) == rows


@_FUZZ
@given(body=_bodies, content_type=_content_types)
def test_signed_requests_of_any_shape_never_get_5xx(module_bot: Bot, body: bytes, content_type: str) -> None:
    reply = module_bot.signed(body, content_type=content_type)
    assert reply.status < 500, reply.body


@settings(max_examples=400, deadline=None, derandomize=True)
@given(body=_bodies, content_type=_content_types)
def test_the_body_check_accepts_a_json_object_or_says_why_not(body: bytes, content_type: str) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return
    parsed: Any = None
    reason = ""
    try:
        parsed = parse_body(content_type, text)
    except MalformedRequest as exc:
        reason = str(exc)
    if parsed is None:
        assert reason  # a refusal always says why (it is logged)
        return
    assert isinstance(parsed, dict)
    for key in ("event", "view", "message", "container"):
        assert parsed.get(key) is None or isinstance(parsed[key], dict)
    assert parsed.get("actions") is None or all(isinstance(a, dict) for a in parsed["actions"])
