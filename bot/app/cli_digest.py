"""``incident-bot digest preview|send --channel C [--force]``: the digest from the command line.

The store and its services are imported inside the commands: SQLAlchemy adds ~0.3 s to the
start-up of every command, and `summarize --no-store` or `extract` never need it."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.app.cli_output import fail
from bot.app.settings import Settings
from bot.errors import BadInputError, ConfigurationError, IncidentBotError, SlackError
from bot.render.slack import digest_blocks

if TYPE_CHECKING:
    from storage import Store
    from storage.records import SubscriptionRecord

digest_app = typer.Typer(no_args_is_help=True, help="Preview or post a channel's digest.")

ChannelOpt = Annotated[str, typer.Option("--channel", help="The Slack channel id (C…) of the subscription.")]
TeamOpt = Annotated[
    str | None, typer.Option("--team", help="The Slack team id (T…); needed only if several teams use the channel.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")


def _subscription(settings: Settings, channel: str, team: str | None) -> tuple[SubscriptionRecord, Store]:
    from bot.usecases import digests
    from bot.usecases import incidents as services

    store = services.open_store(database_url=settings.database_url)
    try:
        sub = digests.find_subscription(store=store, team_id=team, channel_id=channel)
    except BaseException:
        store.close()
        raise
    if sub is None:
        store.close()
        raise BadInputError(f"channel {channel} has no digest subscription (`/incident digest subscribe` there)")
    return sub, store


@digest_app.command()
def preview(
    channel: ChannelOpt,
    team: TeamOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The digest as JSON instead of text.")] = False,
) -> None:
    """Show what the channel's next digest would say now (nothing is posted or recorded)."""
    from bot.usecases import digests

    settings = Settings()
    try:
        sub, store = _subscription(settings, channel, team)
    except IncidentBotError as exc:
        raise fail(exc) from None
    try:
        digest = digests.preview(store=store, sub=sub, now=dt.datetime.now(dt.UTC), permalink=None)
    finally:
        store.close()
    blocks, text = digest_blocks(digest)
    if as_json:
        typer.echo(json.dumps({"text": text, "blocks": blocks}))
        return
    out = Console()
    out.print(f"[bold]{digest.period}[/] — {digest.total} incidents", highlight=False)
    for item in digest.items:
        s = item.summary
        out.print(
            f"  #{item.incident_id} [{s.severity.level.value}] {s.title} ({s.incident_type.value})", highlight=False
        )


# Exit code of a command whose Slack call failed (0 ok, 1 bug, 2 bad input, 3 link, 4 database).
SLACK_FAILED_EXIT = SlackError.exit_code


@digest_app.command()
def send(
    channel: ChannelOpt,
    team: TeamOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Post now even if this period was posted.")] = False,
) -> None:
    """Post the digest of the latest scheduled slot, once; says so and exits 0 if it was posted."""
    from bot.usecases import digests

    settings = Settings()
    try:
        from bot.runtime.slack_api import make_client, slack_permalinker, slack_poster

        if settings.slack_bot_token is None:
            raise ConfigurationError("SLACK_BOT_TOKEN is not set; it is needed to post to Slack")
        client = make_client(settings)
        sub, store = _subscription(settings, channel, team)
    except IncidentBotError as exc:
        raise fail(exc) from None
    try:
        result = digests.send_due(
            store=store,
            sub=sub,
            now=dt.datetime.now(dt.UTC),
            post=slack_poster(client),
            permalink=slack_permalinker(client),
            grace=None,  # a person asked: post the latest slot however late
            claim_expiry=dt.timedelta(minutes=settings.digest_claim_expiry_minutes),
            post_empty=settings.digest_post_empty,
            force=force,
        )
    finally:
        store.close()
    if result.status in ("failed", "rate_limited"):
        # Slack refused or failed (a 5xx, a timeout, a long rate limit): an outside failure, not a
        # bug; the period was given back, so the next attempt posts it.
        typer.echo(result.message, err=True)
        raise typer.Exit(SLACK_FAILED_EXIT)
    typer.echo(result.message)
