"""Requests nobody signed, and signed requests that are not Slack requests, sent to the running bot.

An unverified request must cause nothing: no Slack call, no HTTP request anywhere, no database
write, and one warning in the log that does not repeat its content. A verified but malformed one
gets 400. Neither ever gets a 5xx.
"""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlencode

import pytest

from tests.security.conftest import TEAM, Sink, calls_after_start, database_rows
from tests.slack.conftest import Bot, new_trigger_id
from tests.slack_standin import SlackStandIn

CANARY = "canary-7f3a91"  # appears in every forged body: it must never reach the log


def _forged_bodies(response_url: str) -> dict[str, tuple[str, str]]:
    """An event, a slash command and a button click that name a channel, a user and a response URL."""
    event = {
        "type": "event_callback",
        "team_id": TEAM,
        "event_id": "Ev-forged",
        "event": {"type": "app_mention", "user": "U0VICTIM", "channel": "C0PUBLIC", "ts": "1.1", "text": CANARY},
    }
    command = {
        "team_id": TEAM,
        "channel_id": "C0PUBLIC",
        "user_id": "U0VICTIM",
        "command": "/incident",
        "text": f"summary {CANARY}",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }
    action = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U0VICTIM"},
        "channel": {"id": "C0PUBLIC"},
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
        "actions": [{"action_id": "show_evidence", "value": CANARY, "action_ts": "1.2"}],
    }
    form = "application/x-www-form-urlencoded"
    return {
        "event": (json.dumps(event), "application/json"),
        "command": (urlencode(command), form),
        "action": (urlencode({"payload": json.dumps(action)}), form),
    }


# Header sets a forger might send. The first is what used to get through to the error handler:
# a timestamp that is not a number made Bolt's verifier raise, and the error path then posted to
# the channel and the response URL the body named.
_FORGED_HEADERS = {
    "timestamp not a number": {"X-Slack-Request-Timestamp": "now", "X-Slack-Signature": "v0=" + "0" * 64},
    "timestamp with a sign": {"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": "v0=" + "0" * 64},
    "huge timestamp": {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=" + "0" * 64},
    "no headers": {},
    "no signature": {"X-Slack-Request-Timestamp": "{now}"},
    "signature not hex": {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "v0=zz"},
    "wrong signature": {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "v0=" + "a" * 64},
    "stale": {"X-Slack-Request-Timestamp": "1000000000", "X-Slack-Signature": "v0=" + "a" * 64},
}


@pytest.mark.parametrize("headers_case", sorted(_FORGED_HEADERS))
@pytest.mark.parametrize("kind", ["event", "command", "action"])
def test_an_unverified_request_causes_nothing(
    module_bot: Bot, module_slack: SlackStandIn, sink: Sink, kind: str, headers_case: str
) -> None:
    body, content_type = _forged_bodies(f"{sink.url}/internal")[kind]
    headers = {k: v.replace("{now}", str(int(time.time()))) for k, v in _FORGED_HEADERS[headers_case].items()} | {
        "Content-Type": content_type
    }
    calls, rows, logged = calls_after_start(module_slack), database_rows(module_bot), module_bot.log.read_text()
    reply = module_bot.send(body.encode(), headers)
    assert reply.status == 401
    time.sleep(0.3)  # give a wrongly accepted request the time to act before checking it did not
    assert calls_after_start(module_slack) == calls
    assert sink.hits == []
    assert database_rows(module_bot) == rows
    new_lines = module_bot.log.read_text()[len(logged) :]
    assert CANARY not in new_lines
    assert new_lines.count("rejected an unverified request") == 1
    assert len(new_lines.strip().splitlines()) == 1  # one warning, nothing else


def test_a_forged_response_url_to_slack_itself_is_not_called_either(bot: Bot, slack: SlackStandIn) -> None:
    # Even a response URL on Slack's own host is never called for an unverified request.
    body, content_type = _forged_bodies(slack.response_url("forged"))["command"]
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"}
    assert bot.send(body.encode(), headers).status == 401
    time.sleep(0.5)
    assert calls_after_start(slack) == []


def _malformed() -> dict[str, tuple[bytes, str]]:
    form = "application/x-www-form-urlencoded"
    event_as_string = {"type": "event_callback", "team_id": TEAM, "event_id": "Ev-1", "event": "app_mention"}
    return {
        "invalid JSON": (b'{"type": "event_callback",', "application/json"),
        "JSON array": (b'[{"type": "event_callback"}]', "application/json"),
        "JSON string": (b'"event_callback"', "application/json"),
        "JSON number": (b"42", "application/json"),
        "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        "payload not JSON": (urlencode({"payload": "{not json"}).encode(), form),
        "payload a list": (urlencode({"payload": "[1, 2]"}).encode(), form),
        "payload a string": (urlencode({"payload": '"block_actions"'}).encode(), form),
        "not UTF-8": (b'{"type": "event_callback", "x": "\xff\xfe"}', "application/json"),
        "event as a string": (json.dumps(event_as_string).encode(), "application/json"),
        "user as a number": (
            json.dumps({"type": "block_actions", "user": 5, "team": {"id": TEAM}}).encode(),
            "application/json",
        ),
        "actions not a list": (
            urlencode({"payload": json.dumps({"type": "block_actions", "actions": "x"})}).encode(),
            form,
        ),
        "unknown content type": (b"type=event_callback", "text/plain"),
        "too many form fields": (("&".join(f"k{i}=v" for i in range(500))).encode(), form),
    }


@pytest.mark.parametrize("case", sorted(_malformed()))
def test_a_signed_malformed_body_is_400_and_an_unsigned_one_401(
    module_bot: Bot, module_slack: SlackStandIn, case: str
) -> None:
    data, content_type = _malformed()[case]
    calls = calls_after_start(module_slack)
    assert module_bot.signed(data, content_type=content_type).status == 400
    now = str(int(time.time()))
    unsigned = module_bot.send(data, {"Content-Type": content_type, "X-Slack-Request-Timestamp": now})
    assert unsigned.status == 401
    time.sleep(0.2)
    assert calls_after_start(module_slack) == calls


def test_a_response_url_outside_slack_is_refused(bot: Bot, slack: SlackStandIn, sink: Sink) -> None:
    form = {
        "team_id": TEAM,
        "channel_id": "C0PUBLIC",
        "user_id": "U0ALICE",
        "command": "/incident",
        "text": "help",
        "response_url": f"{sink.url}/internal",
        "trigger_id": new_trigger_id(),
    }
    reply = bot.post(urlencode(form), content_type="application/x-www-form-urlencoded")
    assert reply.status == 400
    time.sleep(0.3)
    assert sink.hits == []
    assert calls_after_start(slack) == []


def test_an_oversized_body_is_refused_before_it_is_read(module_bot: Bot) -> None:
    # Only the headers are sent: the size is refused on the Content-Length alone.
    port = int(module_bot.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1200000\r\nX-Slack-Request-Timestamp: 1\r\n\r\n"
        )
        status_line = conn.makefile("rb").readline()
    assert status_line.split()[1] == b"413"


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/slack/events", 405), ("POST", "/admin", 404)])
def test_other_paths_and_methods(module_bot: Bot, method: str, path: str, status: int) -> None:
    reply = module_bot.send(b"{}", {"Content-Type": "application/json"}, path=path, method=method)
    assert reply.status == status


def test_a_slash_command_that_mentions_payload_is_still_a_command(bot: Bot, slack: SlackStandIn) -> None:
    # Bolt's own body parser reads any form containing the word "payload" as an interaction and
    # finds it empty; security articles say "payload" all the time.
    reply = bot.command("search malicious payload", response_url=slack.response_url("payload"))
    assert reply.status == 200
    (answer,) = slack.wait_for("/response/payload")
    assert "malicious payload" in json.dumps(answer.body)
