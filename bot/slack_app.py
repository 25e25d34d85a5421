"""Building the Bolt app: the app and its handlers (the client lives in bot/slack_client.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from slack_bolt import App

from bot.chatops import Origin, Outcome, process_submission
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.slack_client import make_client
from bot.sources.web import url_reader
from handlers import Deps, register_handlers
from storage import Store

Mode = Literal["socket", "http"]


def in_process(settings: Settings, store: Store) -> Callable[[str, Origin], list[Outcome]]:
    """The submission use case run on the calling thread (tests, tools)."""
    read = url_reader(settings)
    return lambda text, origin: process_submission(store=store, text=text, origin=origin, read_url=read)


def build_app(
    *,
    settings: Settings,
    store: Store,
    mode: Mode,
    process: Callable[[str, Origin], list[Outcome]] | None = None,
) -> App:
    """The Bolt app with every handler registered. Request signatures are verified in HTTP mode
    (Socket Mode connections are authenticated by the app-level token instead)."""
    if mode == "http" and settings.slack_signing_secret is None:
        raise ConfigurationError("SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify requests without it")
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(
        client=make_client(settings),
        signing_secret=secret or "",
        request_verification_enabled=mode == "http",
        # Acks run on the request's own thread and every slow listener is lazy: Bolt's default
        # (process_before_response=False) runs even the ack functions on the executor, where
        # they queue behind slow work and Slack waits seconds for its ack under a burst.
        process_before_response=True,
        # Slow work (fetching, summarizing, posting) runs on this pool after the ack is sent.
        listener_executor=ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="incident-bot"),
        logger=logging.getLogger("incident_bot.slack"),
    )
    deps = Deps(settings=settings, store=store, process=process or in_process(settings, store))
    register_handlers(app, deps)
    return app
