"""A loopback HTTP server that plays the Slack Web API for tests and benchmarks.

Point the app at it with ``SLACK_API_URL=<standin.api_url>``. It records every call (method,
parsed body, headers) and answers like Slack does; ``fail_next`` makes the next calls of a method
answer 429 (with Retry-After), 5xx, or an ``{"ok": false, "error": …}`` body. ``response_url``
posts are served under ``/response/<anything>`` and recorded the same way.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


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
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
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
                if "json" in ctype:
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
        return 200, answer if answer is not None else self._ok(method, body), {}

    def _ok(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "incident-bot",
                "team_id": self.team_id,
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
