"""Socket Mode: the bot opens a WebSocket to the URL ``apps.connections.open`` gives it, receives an
envelope, acknowledges it, and answers through the Web API. A local WebSocket server plays Slack's
side of the connection."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import Server, ServerConnection, serve

from bot.app.settings import Settings
from bot.app.slack_app import build_bot
from bot.usecases import incidents
from tests.conftest import EXAMPLES
from tests.slack.conftest import BOT_USER, TEAM
from tests.slack_standin import SlackStandIn

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


class SocketSide:
    """Slack's end of a Socket Mode connection: sends envelopes, collects acknowledgements."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def _handle(self, conn: ServerConnection) -> None:
        conn.send(json.dumps({"type": "hello", "num_connections": 1}))
        while True:
            try:
                envelope = self.outbox.get(timeout=0.1)
                conn.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                message = conn.recv(timeout=0.1)
            except TimeoutError:
                continue
            except Exception:  # the client closed the connection: this handler is done
                return
            self.acks.put(json.loads(message))


@pytest.fixture
def socket_side() -> Iterator[SocketSide]:
    side = SocketSide()
    side.thread.start()
    try:
        yield side
    finally:
        side.server.shutdown()


def test_mention_over_socket_mode(socket_side: SocketSide, tmp_path: Any) -> None:
    with SlackStandIn(team_id=TEAM, bot_user_id=BOT_USER) as slack:
        slack.answer("apps.connections.open", {"ok": True, "url": socket_side.url})
        settings = Settings(
            SLACK_BOT_TOKEN=SecretStr("xoxb-test"),
            SLACK_APP_TOKEN=SecretStr("xapp-test"),
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'socket.sqlite3'}",
        )
        store = incidents.open_store(database_url=settings.database_url)
        bot = build_bot(settings=settings, store=store, mode="socket")
        bot.runner.start()
        handler = SocketModeHandler(bot.app, "xapp-test")
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            event = {
                "type": "app_mention",
                "user": "U0ALICE",
                "text": f"<@{BOT_USER}> {ARTICLE}",
                "ts": "1700000009.000100",
                "channel": "C0PUBLIC",
                "event_ts": "1700000009.000100",
            }
            socket_side.outbox.put(
                {
                    "envelope_id": "env-1",
                    "type": "events_api",
                    "accepts_response_payload": False,
                    "payload": {"type": "event_callback", "team_id": TEAM, "event_id": "Ev-socket", "event": event},
                }
            )
            ack = socket_side.acks.get(timeout=20)
            assert ack["envelope_id"] == "env-1"
            (posted,) = slack.wait_for("chat.postMessage", timeout=20)
            assert posted.body["thread_ts"] == "1700000009.000100"
            assert "Northbridge Regional Hospital" in json.dumps(posted.body["blocks"])
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            bot.runner.stop(drain_s=5)
            store.close()


def test_installing_in_many_workspaces_needs_http_mode(tmp_path: Any) -> None:
    import pytest

    from bot.errors import ConfigurationError

    settings = Settings(
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET=SecretStr("secret"),
        SLACK_BOT_TOKEN=None,
        DATABASE_URL=f"sqlite:///{tmp_path / 'oauth.sqlite3'}",
    )
    store = incidents.open_store(database_url=settings.database_url)
    try:
        with pytest.raises(ConfigurationError, match="needs --mode http"):
            build_bot(settings=settings, store=store, mode="socket")
    finally:
        store.close()
