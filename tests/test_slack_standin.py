"""The Slack Web API stand-in behaves like Slack where the app depends on it."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.slack_standin import SlackStandIn


def test_records_calls_and_answers_like_slack() -> None:
    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        assert client.auth_test()["user_id"] == "UBOT"
        resp = client.chat_postMessage(channel="C1", text="hi", thread_ts="1.2", blocks=[{"type": "divider"}])
        assert resp["ts"]
        call = slack.calls_to("chat.postMessage")[0]
        assert call.body["channel"] == "C1"
        assert call.body["thread_ts"] == "1.2"
        assert call.body["blocks"] == [{"type": "divider"}]
        assert call.headers["Authorization"] == "Bearer xoxb-test"


def test_rate_limit_then_success_with_retry_handler() -> None:
    with SlackStandIn() as slack:
        slack.fail_next("chat.postMessage", status=429, retry_after=0)
        client = WebClient(
            token="x", base_url=slack.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
        )
        assert client.chat_postMessage(channel="C1", text="x")["ok"]
        assert len(slack.calls_to("chat.postMessage")) == 2


def test_error_answers() -> None:
    with SlackStandIn() as slack:
        slack.fail_next("chat.postMessage", error="channel_not_found")
        client = WebClient(token="x", base_url=slack.api_url)
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C404", text="x")
        assert info.value.response["error"] == "channel_not_found"
