"""Building the Bolt app: the app, its handlers and the runner of the submissions they record
(the client lives in bot/runtime/slack_api.py)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app.settings import Settings
from bot.errors import ConfigurationError
from bot.runtime.installations import Installations, SingleTeam, TeamClients
from bot.runtime.slack_api import make_client, web_client
from bot.sources.web import url_reader
from bot.usecases import feeds, unfurls
from bot.usecases.intake import Origin, Outcome, process_submission
from bot.usecases.jobs import JobQueue, JobRunner
from bot.usecases.unfurls import LinkSummarizer
from handlers import Deps, job_handlers, register_handlers
from handlers.deps import FeedEntryReader
from handlers.guards import SlackHosts, answerable_only_at, mark_verified, only_team
from storage import Store
from storage.jobs import SqlJobs

Mode = Literal["socket", "http"]


def in_process(settings: Settings, store: Store) -> Callable[[str, Origin], list[Outcome]]:
    """The submission use case run on the calling thread (tests, tools)."""
    read = url_reader(settings)
    return lambda text, origin: process_submission(store=store, text=text, origin=origin, read_url=read)


def feed_reader_in_process(settings: Settings, store: Store) -> FeedEntryReader:
    """Feed entries read on the calling thread (tests, tools)."""
    read = url_reader(settings)
    return lambda feed, payload: feeds.read_entry(store=store, feed=feed, payload=payload, read_url=read)


@dataclass
class SlackBot:
    """The Bolt app and the runner of the work its listeners record (start it; stop it to drain)."""

    app: App
    runner: JobRunner
    # A Web API client per served workspace, for work done outside a request (jobs, digests).
    clients: TeamClients
    # Single-token mode: the one workspace SLACK_BOT_TOKEN belongs to. None in OAuth mode.
    team_id: str | None
    # OAuth mode: the installs (None in single-token mode).
    installations: Installations | None = None


def build_bot(
    *,
    settings: Settings,
    store: Store,
    mode: Mode,
    process: Callable[[str, Origin], list[Outcome]] | None = None,
    summarize_link: LinkSummarizer | None = None,
    read_feed_entry: FeedEntryReader | None = None,
) -> SlackBot:
    """The Bolt app with every handler registered, and the job runner that answers submissions.
    Request signatures are verified in HTTP mode (Socket Mode connections are authenticated by
    the app-level token instead)."""
    if mode == "http" and settings.slack_signing_secret is None:
        raise ConfigurationError("SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify requests without it")
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    installations: Installations | None = None
    team: str | None = None
    if settings.oauth_enabled:
        if mode != "http":
            raise ConfigurationError(
                "installing in many workspaces (SLACK_CLIENT_ID) needs --mode http: Slack sends installers "
                "back to /slack/oauth_redirect"
            )
        installations = Installations(settings=settings, engine=store.engine)
        # No token of its own: Bolt gives each request a client with its workspace's token, and
        # the OAuth token exchange goes to SLACK_API_URL through this client.
        client = web_client(settings, None)
        clients: TeamClients = installations
    else:
        client = make_client(settings)
        team = installation_team(client)
        clients = SingleTeam(client, team)
    app = App(
        client=client,
        signing_secret=secret or "",
        # Verification stays on in HTTP mode even though the endpoint verifies first
        # (handlers/http_endpoint.py): a second check costs one HMAC.
        request_verification_enabled=mode == "http",
        # The token was checked (auth.test) just above; Bolt reuses that answer instead of asking again.
        token_verification_enabled=False,
        # Acks run on the request's own thread and every slow listener is lazy: Bolt's default
        # (process_before_response=False) runs even the ack functions on the executor, where
        # they queue behind slow work and Slack waits seconds for its ack under a burst.
        process_before_response=True,
        # Slow work (fetching, summarizing, posting) runs on this pool after the ack is sent.
        listener_executor=ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="incident-bot"),
        logger=_bolt_logger(),
        oauth_settings=installations.oauth_settings() if installations is not None else None,
    )
    # After Bolt's own verification and authorization, before any listener (handlers/guards.py).
    app.use(mark_verified)
    if team is not None:
        # In OAuth mode Bolt's authorization already refuses a workspace that has no install.
        app.use(only_team(team))
    app.use(answerable_only_at(SlackHosts.from_api_url(settings.slack_api_url)))
    jobs = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=settings.job_lease))
    deps = Deps(
        settings=settings,
        store=store,
        process=process or in_process(settings, store),
        jobs=jobs,
        summarize_link=summarize_link or functools.partial(unfurls.summarize_link, read_url=url_reader(settings)),
        read_feed_entry=read_feed_entry or feed_reader_in_process(settings, store),
        installation_store=installations.installation_store if installations is not None else None,
    )
    register_handlers(app, deps)
    handlers, give_up = job_handlers(clients, deps)
    runner = JobRunner(
        jobs,
        handlers,
        threads=settings.workers,
        give_up=give_up,
    )
    return SlackBot(app, runner, clients, team, installations)


class _DropTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that the client
    we hand it (which carries that very token) wins. It is the setup working as meant: not news
    for the operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("incident_bot.slack")
    if not any(isinstance(f, _DropTokenNotice) for f in logger.filters):
        logger.addFilter(_DropTokenNotice())
    return logger


def installation_team(client: WebClient) -> str:
    """The workspace the bot token belongs to (auth.test): the only team this installation serves."""
    try:
        team = client.auth_test().get("team_id")
    except SlackApiError as exc:
        reason = exc.response.get("error") if exc.response is not None else "no answer"
        raise ConfigurationError(f"Slack refused SLACK_BOT_TOKEN ({reason}); check the token") from exc
    if not isinstance(team, str) or not team:
        raise ConfigurationError("auth.test did not name the bot token's team; check SLACK_BOT_TOKEN")
    return team
