"""``incident-bot run``: settings → store → Slack app → scheduler → server. The only place that
wires everything together for the long-running bot."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
from typing import Any

from bot import __version__
from bot.app.settings import Settings
from bot.app.slack_app import Mode, SlackBot, build_bot
from bot.errors import ConfigurationError
from bot.runtime.installations import INSTALL_PATH
from bot.runtime.scheduler import DigestScheduler, team_poster, team_slack
from bot.runtime.worker_pool import SubmissionPool
from bot.usecases import alerts, feeds, incidents

log = logging.getLogger("incident_bot")


def run(*, settings: Settings, mode: Mode, port: int | None = None) -> None:
    """Run the bot until interrupted."""
    # force: the command line configured WARNING before it knew it was starting the bot, and
    # basicConfig does nothing once the root logger has a handler.
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    if settings.log_level.upper() != "DEBUG":
        # Their INFO lines are the machinery's diary (each migration step and plugin, every
        # scheduler tick once a minute); the bot says what matters in its own lines.
        for chatty in ("alembic", "apscheduler"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    # Brings the schema up to date first; safe when replicas start together (see storage docs).
    store = incidents.open_store(database_url=settings.database_url, migrate=True)
    scheduler: DigestScheduler | None = None
    bot: SlackBot | None = None
    pool = SubmissionPool(settings, processes=max(1, min(settings.workers, os.cpu_count() or 1)))
    try:
        bot = build_bot(
            settings=settings,
            store=store,
            mode=mode,
            process=pool.run,
            summarize_link=pool.summarize_link,
            read_feed_entry=pool.read_feed_entry,
        )
        app = bot.app
        bot_clients = bot.clients
        log.info("%s", serving_line(settings, serves(bot), store.engine.dialect.name, mode, port or settings.port))
        # Submissions left by a process that died (or handed back by one that stopped) are taken
        # over as soon as their leases lapse.
        bot.runner.start()
        scheduler = DigestScheduler(
            store=store,
            slack_for=team_slack(bot.clients),
            grace=dt.timedelta(hours=settings.digest_grace_hours),
            claim_expiry=dt.timedelta(minutes=settings.digest_claim_expiry_minutes),
            post_empty=settings.digest_post_empty,
            periodic=[
                (
                    "feeds",
                    settings.feeds_check_seconds,
                    lambda: feeds.poll_due(
                        store=store,
                        fetch=pool.poll_feed,
                        served=lambda team: bot_clients.client_for(team) is not None,
                    ),
                ),
                (
                    "alerts",
                    settings.alerts_check_seconds,
                    lambda: alerts.send_owed(store=store, poster_for=team_poster(bot_clients)),
                ),
            ],
        )
        scheduler.start()
        if mode == "socket":
            _run_socket(app, settings)
        else:
            _run_http(app, settings, port or settings.port)
    finally:
        # The server has stopped taking requests: let in-flight submissions finish (bounded),
        # hand the rest back to the queue for the next process.
        if bot is not None:
            bot.runner.stop(drain_s=settings.drain_timeout)
        if scheduler is not None:
            scheduler.shutdown()
        pool.close()
        store.close()


def serves(bot: SlackBot) -> str:
    """Which workspaces: the token's one, or how many installed the app (OAuth mode)."""
    if bot.installations is None:
        return f"Slack team {bot.team_id}"
    n = len(bot.installations.teams())
    return f"{n} installed Slack workspace{'' if n == 1 else 's'} (installs at {INSTALL_PATH})"


def serving_line(settings: Settings, serving: str, dialect: str, mode: Mode, port: int) -> str:
    """The one line that says what this process serves (never a secret, a path or a database URL)."""
    where = f"HTTP on {settings.host}:{port}" if mode == "http" else "Socket Mode"
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(dialect, dialect)
    return (
        f"incident-bot {__version__} serving {serving} over {where}; "
        f"{database} database; {settings.workers} workers, digests scheduled"
    )


def _run_http(app: Any, settings: Settings, port: int) -> None:
    from waitress.server import create_server

    from handlers.guards import SlackHosts
    from handlers.http_endpoint import MAX_BODY_BYTES, SlackEndpoint

    assert settings.slack_signing_secret is not None, "build_app refuses HTTP mode without a signing secret"
    endpoint = SlackEndpoint(
        app,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        hosts=SlackHosts.from_api_url(settings.slack_api_url),
    )
    # Waitress threads only parse requests and wait for Bolt's ack; the work runs on the app's
    # own executor, so a few more threads than workers keep acks fast under bursts. Waitress
    # refuses bodies past its own limit before the endpoint reads them.
    server = create_server(
        endpoint,
        host=settings.host,
        port=port,
        threads=settings.workers + 4,
        max_request_body_size=MAX_BODY_BYTES + 1,
    )
    log.info("listening on http://%s:%s/slack/events", settings.host, port)
    _exit_on_sigterm()
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        log.info("shutting down")
    finally:
        server.close()


def _run_socket(app: Any, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise ConfigurationError("SLACK_APP_TOKEN (xapp-…) is needed for Socket Mode; see .env.example")
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    log.info("connecting to Slack in Socket Mode")
    _exit_on_sigterm()
    try:
        handler.start()  # type: ignore[no-untyped-call]  # slack_bolt leaves these two unannotated
    except (KeyboardInterrupt, SystemExit):
        log.info("shutting down")
    finally:
        handler.close()  # type: ignore[no-untyped-call]


def _exit_on_sigterm() -> None:
    """SIGTERM (what process managers send) ends the bot like Ctrl-C does: through the finally
    blocks, so the database and connections are closed."""
    if threading.current_thread() is threading.main_thread():

        def handle(signum: int, frame: Any) -> None:
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, handle)
