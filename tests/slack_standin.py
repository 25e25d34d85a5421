"""A loopback HTTP server that plays the Slack Web API for tests and benchmarks.

Point the app at it with ``SLACK_API_URL=<standin.api_url>``. It records every call (method,
parsed body, headers) and answers like Slack does; ``fail_next`` makes the next calls of a method
answer 429 (with Retry-After), 5xx, or an ``{"ok": false, "error": …}`` body. ``response_url``
posts are served under ``/response/<anything>`` and recorded the same way.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    failed: bool = False  # answered with an injected failure (fail_next): nothing took effect


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None


class SlackStandIn:
    """Start with ``with SlackStandIn() as slack: ...``; ``slack.api_url`` ends with a slash."""

    def __init__(self, *, team_id: str = "T0TEST", bot_user_id: str = "UBOT", user_tz: str = "Europe/London"):
        self.team_id, self.bot_user_id, self.user_tz = team_id, bot_user_id, user_tz
        self.calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self.messages: list[dict[str, Any]] = []  # what was posted, as conversations.replies shows it
        # OAuth: the app's credentials, the next install's workspace, codes and tokens issued.
        self.client_id, self.client_secret = "1111.2222", "test-client-secret"
        self.token_lifetime: int | None = None  # seconds; set: tokens rotate (refresh tokens issued)
        self._next_install: tuple[str, str, str] | None = None  # team id, team name, redirect URL
        self._codes: dict[str, str] = {}  # code -> team id
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self._refresh: dict[str, str] = {}  # refresh token -> team id
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/oauth/v2/authorize"):
                    status, location = standin._authorize(dict(parse_qsl(urlsplit(self.path).query)))
                    self.send_response(status)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                # /_calls: what was received so far, for a stand-in running in another process
                counts: dict[str, int] = {}
                for c in list(standin.calls):
                    counts[c.method] = counts.get(c.method, 0) + 1
                data = json.dumps(counts).encode()
                self.send_response(200 if self.path == "/_calls" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                ctype = self.headers.get("Content-Type", "")
                body: dict[str, Any]
                if self.path.startswith("/upload/"):
                    body = {"raw": raw}  # a file's bytes, sent to the URL files.getUploadURLExternal gave
                elif "json" in ctype:
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw, keep_blank_values=True))
                    for k in ("blocks", "view", "attachments"):
                        if isinstance(body.get(k), str):
                            body[k] = json.loads(body[k])
                method = self.path.split("?")[0].rsplit("/api/", 1)[-1] if "/api/" in self.path else self.path
                status, payload, extra = standin._answer(method, body, dict(self.headers.items()))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}/response/{name}"

    def __enter__(self) -> SlackStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- control ---------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail: HTTP ``status``, or ok=false ``error``."""
        with self._lock:
            self._failures.setdefault(method, []).extend(_Failure(status, error, retry_after) for _ in range(times))

    def answer(self, method: str, payload: dict[str, Any]) -> None:
        """Answer every later call of ``method`` with ``payload``."""
        with self._lock:
            self._answers[method] = payload

    def expect_install(self, team_id: str, *, redirect_url: str, team_name: str = "") -> None:
        """The next person on the consent page installs the app into ``team_id``; Slack sends
        them back to ``redirect_url`` (the app's configured redirect URL)."""
        with self._lock:
            self._next_install = (team_id, team_name or f"Workspace {team_id}", redirect_url)

    def issue_refresh_token(self, team_id: str) -> str:
        """A refresh token for ``team_id``, as an install with token rotation on would have got."""
        refresh = f"xoxe-{team_id}-{secrets.token_hex(6)}"
        with self._lock:
            self._refresh[refresh] = team_id
        return refresh

    def token_of(self, team_id: str) -> str | None:
        """The latest bot token issued for ``team_id``."""
        with self._lock:
            issued = [token for token, team in self.tokens.items() if team == team_id]
        return issued[-1] if issued else None

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` were recorded (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [c for c in self.calls if c.method == method]
                left = deadline - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._cond.wait(left)

    def __iter__(self) -> Iterator[Call]:
        with self._lock:
            return iter(list(self.calls))

    # -- answers ---------------------------------------------------------------------------------
    def _answer(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        with self._cond:
            queue = self._failures.get(method)
            failure = queue.pop(0) if queue else None
            self.calls.append(Call(method, body, headers, failed=failure is not None))
            self._cond.notify_all()
            answer = self._answers.get(method)
        if failure is not None:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            if failure.status != 200:
                return (
                    failure.status,
                    {"ok": False, "error": "ratelimited" if failure.status == 429 else "fatal_error"},
                    extra,
                )
            return 200, {"ok": False, "error": failure.error or "unknown_error"}, extra
        return 200, answer if answer is not None else self._ok(method, body, headers), {}

    def _authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The consent page: approve at once and send the browser back with a code and the state."""
        with self._lock:
            install, self._next_install = self._next_install, None
        if install is None or query.get("client_id") != self.client_id:
            return 302, "about:blank#no-install-expected"
        team_id, _name, redirect_url = install
        code = secrets.token_hex(8)
        with self._lock:
            self._codes[code] = team_id
        return 302, redirect_url + "?" + urlencode({"code": code, "state": query.get("state", "")})

    def _oauth_access(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        sent = {k.lower(): v for k, v in headers.items()}.get("authorization")
        if sent != expected and (body.get("client_id"), body.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            if body.get("grant_type") == "refresh_token":
                team_id = self._refresh.pop(str(body.get("refresh_token")), None)
                if team_id is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
            else:
                team_id = self._codes.pop(str(body.get("code")), None)
                if team_id is None:
                    return {"ok": False, "error": "invalid_code"}
            token = f"xoxb-{team_id}-{secrets.token_hex(6)}"
            self.tokens[token] = team_id
            answer: dict[str, Any] = {
                "ok": True,
                "app_id": "A0TEST",
                "token_type": "bot",
                "access_token": token,
                "scope": "app_mentions:read,chat:write,commands",
                "bot_user_id": self.bot_user_id,
                "team": {"id": team_id, "name": f"Workspace {team_id}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U0INSTALLER"},
            }
        if self.token_lifetime is not None:
            answer |= {"refresh_token": self.issue_refresh_token(team_id), "expires_in": self.token_lifetime}
        return answer

    def _ok(self, method: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        if method == "oauth.v2.access":
            return self._oauth_access(body, headers or {})
        if method == "auth.test":
            bearer = {k.lower(): v for k, v in (headers or {}).items()}.get("authorization", "")
            with self._lock:
                team_id = self.tokens.get(bearer.removeprefix("Bearer "), self.team_id)
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "incident-bot",
                "team_id": team_id,
                "user_id": self.bot_user_id,
                "bot_id": "BTEST",
            }
        if method == "chat.postMessage":
            with self._lock:
                self.messages.append(
                    {
                        "ts": ts,
                        "channel": body.get("channel"),
                        "thread_ts": body.get("thread_ts"),
                        "bot_id": "BTEST",
                        "user": self.bot_user_id,
                        "text": body.get("text"),
                        "metadata": body.get("metadata"),
                    }
                )
        if method == "conversations.replies":
            # A thread's messages; metadata only when asked for, as Slack does.
            with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
            with self._lock:
                found = [
                    {k: v for k, v in m.items() if k != "metadata" or with_metadata}
                    for m in self.messages
                    if m["channel"] == body.get("channel") and m["thread_ts"] == body.get("ts")
                ]
            return {"ok": True, "messages": found, "has_more": False}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": ts,
                "message_ts": ts,
                "message": {"text": body.get("text"), "ts": ts},
            }
        if method == "views.open":
            view = body.get("view")
            opened = json.loads(view) if isinstance(view, str) else dict(view or {})
            return {"ok": True, "view": {**opened, "id": f"V{next(self._ts)}", "hash": "h1", "state": {"values": {}}}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = body.get("files")
            listed = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in listed]}
        if method.startswith("/upload/"):
            return {"ok": True}
        if method == "chat.update":
            return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
        if method == "chat.getPermalink":
            ch, mts = body.get("channel"), str(body.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": ch, "permalink": f"https://test.slack.com/archives/{ch}/p{mts}"}
        if method == "users.info":
            return {"ok": True, "user": {"id": body.get("user"), "tz": self.user_tz, "name": "tester"}}
        if method == "conversations.info":
            ch = str(body.get("channel", ""))
            return {
                "ok": True,
                "channel": {
                    "id": ch,
                    "is_private": ch.startswith("G"),
                    "is_im": ch.startswith("D"),
                    "is_archived": False,
                },
            }
        if method.startswith("/response/"):
            return {"ok": True}
        return {"ok": True}


def main() -> None:
    """Run a stand-in on its own (``python -m tests.slack_standin``): prints its API URL, serves
    until stdin closes. Benchmarks use it so the load generator and Slack's side don't share a GIL."""
    import sys

    with SlackStandIn(team_id="T0TEST", bot_user_id="UBOT") as standin:
        print(standin.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
