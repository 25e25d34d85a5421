"""End-to-end fixtures: the Slack stand-in, the bot as a real process, signed requests into it."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.conftest import ROOT
from tests.slack_standin import SlackStandIn

SECRET = "test-signing-secret"
TEAM = "T0TEST"
BOT_USER = "UBOT"


def new_trigger_id() -> str:
    """A fresh trigger id, as Slack gives every command and interaction."""
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Bot:
    """A running ``incident-bot run --mode http`` and a way to send it signed requests."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    database: Path | None = None  # the SQLite file, when the bot runs on SQLite

    def send(self, data: bytes, headers: dict[str, str], *, path: str = "/slack/events", method: str = "POST") -> Reply:
        """A request exactly as given: no signature added (a forger's request)."""
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Reply(resp.status, resp.read().decode(errors="replace"), dict(resp.headers.items()))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(errors="replace"), dict(err.headers.items()))

    def signed(self, data: bytes, *, content_type: str, timestamp: int | None = None, secret: str = SECRET) -> Reply:
        """Raw bytes signed as Slack signs them (for bodies that are not text)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        mac = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + data, hashlib.sha256).hexdigest()
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac}
        return self.send(data, headers)

    def post(
        self,
        body: str,
        *,
        content_type: str,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        req = urllib.request.Request(
            self.url + "/slack/events",
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature,
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Reply(resp.status, resp.read().decode(), dict(resp.headers.items()))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(), dict(err.headers.items()))

    def event(
        self, event: dict[str, Any], *, event_id: str, headers: dict[str, str] | None = None, team: str = TEAM
    ) -> Reply:
        envelope = {
            "token": "unused",
            "team_id": team,
            "api_app_id": "A0TEST",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }
        return self.post(json.dumps(envelope), content_type="application/json", headers=headers)

    def command(
        self,
        text: str,
        *,
        response_url: str,
        channel: str = "C0PUBLIC",
        user: str = "U0ALICE",
        trigger_id: str | None = None,
        team: str = TEAM,
    ) -> Reply:
        form = {
            "token": "unused",
            "team_id": team,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "security",
            "user_id": user,
            "user_name": "alice",
            "command": "/incident",
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
        return self.post(urlencode(form), content_type="application/x-www-form-urlencoded")

    def action(
        self,
        value: str,
        *,
        response_url: str,
        channel: str = "C0PUBLIC",
        user: str = "U0ALICE",
        trigger_id: str | None = None,
    ) -> Reply:
        """ "Show evidence" clicked on a card; the same ``trigger_id`` makes an exact replay."""
        return self.click(
            "show_evidence",
            value,
            response_url=response_url,
            message_ts="1.1",
            channel=channel,
            user=user,
            trigger_id=trigger_id,
            action_ts="1.2",
        )

    def click(
        self,
        action_id: str,
        value: str,
        *,
        response_url: str,
        message_ts: str,
        channel: str = "C0PUBLIC",
        user: str = "U0ALICE",
        ephemeral: bool = False,
        trigger_id: str | None = None,
        action_ts: str | None = None,
    ) -> Reply:
        """A button on a message (the card at ``message_ts``) clicked, as Slack sends it."""
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0TEST",
            "token": "unused",
            "trigger_id": trigger_id or new_trigger_id(),
            "response_url": response_url,
            "channel": {"id": channel},
            "container": {
                "type": "message",
                "channel_id": channel,
                "message_ts": message_ts,
                "is_ephemeral": ephemeral,
            },
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": action_ts or f"{time.time():.6f}",
                }
            ],
        }
        return self.interaction(payload)

    def submit(self, view: dict[str, Any], values: dict[str, Any], *, user: str = "U0ALICE") -> Reply:
        """A modal submitted with ``values`` (block id → the element's state), as Slack sends it."""
        state = {"values": {block: {"value": element} for block, element in values.items()}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0TEST",
            "token": "unused",
            "trigger_id": new_trigger_id(),
            "view": {**view, "state": state, "hash": f"h{time.time_ns()}"},
        }
        return self.interaction(payload)

    def shortcut(
        self,
        message: dict[str, Any],
        *,
        response_url: str,
        callback_id: str = "summarize_incident",
        channel: str = "C0PUBLIC",
        user: str = "U0ALICE",
        trigger_id: str | None = None,
    ) -> Reply:
        """A message shortcut (``message_action``) on ``message``, as Slack sends it."""
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "team_id": TEAM},
            "channel": {"id": channel, "name": "security"},
            "api_app_id": "A0TEST",
            "token": "unused",
            "trigger_id": trigger_id or new_trigger_id(),
            "action_ts": f"{time.time():.6f}",
            "message_ts": message.get("ts", ""),
            "response_url": response_url,
            "message": message,
        }
        return self.interaction(payload)

    def interaction(self, payload: dict[str, Any]) -> Reply:
        """An interaction payload (buttons, shortcuts, forms) signed and posted as Slack does."""
        return self.post(urlencode({"payload": json.dumps(payload)}), content_type="application/x-www-form-urlencoded")

    def browse(self, path: str, *, cookie: str | None = None) -> Reply:
        """A browser's GET (no signature, redirects not followed)."""
        return browse(self.url + path, cookie=cookie)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def browse(url: str, *, cookie: str | None = None) -> Reply:
    """GET ``url`` as a browser would, without following a redirect (the caller follows it, and
    carries the cookie: Bolt's state cookie is ``Secure``, which a cookie jar keeps off http)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Cookie": cookie or ""})
        resp = conn.getresponse()
        headers: dict[str, str] = {}
        for name, value in resp.getheaders():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return Reply(resp.status, resp.read().decode(errors="replace"), headers)
    finally:
        conn.close()


class HasApiUrl(Protocol):
    api_url: str


def start_bot(slack: HasApiUrl, workdir: Path, *, database_url: str | None = None, **env: str) -> Bot:
    port = free_port()
    log = workdir / f"bot-{port}.log"
    sqlite_file = None if database_url else workdir / "bot.sqlite3"
    environ: dict[str, str] = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url or f"sqlite:///{sqlite_file}",
        "INCIDENT_BOT_FETCH_ALLOW_PRIVATE": "true",
        "INCIDENT_BOT_LOG_LEVEL": "INFO",
        "INCIDENT_BOT_HOST": "127.0.0.1",
        **env,
    }
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--mode", "http", "--port", str(port)],
            cwd=ROOT,
            env=environ,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    bot = Bot(f"http://127.0.0.1:{port}", proc, log, sqlite_file)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(bot.url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return bot
        except OSError:
            time.sleep(0.1)
    bot.stop()
    raise RuntimeError(f"the bot did not come up:\n{log.read_text()}")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM, bot_user_id=BOT_USER) as standin:
        yield standin


@pytest.fixture
def bot(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    running = start_bot(slack, tmp_path)
    try:
        yield running
    finally:
        running.stop()
