"""``incident-bot feeds add|list|remove|poll``: the feeds channels follow, from the command line.

``poll`` reads the due feeds (or the ones named) now, in this process, and reads their new
entries too, printing what each became; a running bot does the same on its own schedule."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.app.cli_output import fail
from bot.app.settings import Settings
from bot.errors import BadInputError, IncidentBotError

if TYPE_CHECKING:
    from storage import Store
    from storage.records import FeedRecord

feeds_app = typer.Typer(no_args_is_help=True, help="Follow news feeds: add, list, remove, poll.")
out = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(feeds_app, name="feeds")


def _open() -> Store:
    from bot.usecases import incidents as services

    return services.open_store(database_url=Settings().database_url)


def _line(feed: FeedRecord) -> str:
    from bot.domain.feed_options import describe
    from bot.render.slack import counted

    state = "paused: " + (feed.last_error or "") if feed.paused else "active"
    if not feed.paused and feed.failures:
        state += f", {feed.failures} failed polls in a row: {feed.last_error}"
    polled = f"{feed.last_polled_at:%Y-%m-%d %H:%M} UTC" if feed.last_polled_at else "never"
    return (
        f"{feed.id:>4}  {feed.team_id}/{feed.channel_id}  {feed.url}\n"
        f"      {describe(feed.types, feed.alert_severity, feed.interval_minutes)} · {state} · last poll {polled}"
        f" · {counted(feed.entries, 'entry', 'entries')}, {counted(feed.incidents, 'incident')}"
    )


@feeds_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed's address (RSS, Atom or JSON Feed).")],
    options: Annotated[
        list[str] | None, typer.Argument(help="Incident types to keep, alert:LEVEL, every:MINUTES.")
    ] = None,
    team: Annotated[str, typer.Option("--team", help="The Slack team id (T…) the feed belongs to.")] = "local",
    channel: Annotated[str, typer.Option("--channel", help="The Slack channel id (C…) that follows it.")] = "cli",
    public: Annotated[
        bool,
        typer.Option("--public", help="The channel is public (default: private until the bot looks)."),
    ] = False,
) -> None:
    """Follow a feed in a channel (adding it again changes its options and resumes it)."""
    from bot.usecases import feeds

    try:
        store = _open()
        try:
            feed, created = feeds.add_feed(
                store=store,
                team_id=team,
                channel_id=channel,
                conversation_type="public_channel" if public else "private_channel",
                user_id="cli",
                url=url,
                options=options or [],
            )
        finally:
            store.close()
    except IncidentBotError as exc:
        raise fail(exc) from None
    typer.echo(f"{'added' if created else 'updated'} feed {feed.id}: {feed.url}")


@feeds_app.command("list")
def list_(team: Annotated[str | None, typer.Option("--team", help="Only this team's feeds.")] = None) -> None:
    """Every feed, with its options, state and what it brought in."""
    from bot.usecases import feeds

    try:
        store = _open()
        try:
            found = feeds.list_feeds(store=store, team_id=team)
        finally:
            store.close()
    except IncidentBotError as exc:
        raise fail(exc) from None
    if not found:
        typer.echo("no feeds")
        return
    for feed in found:
        out.print(_line(feed), highlight=False, soft_wrap=True)


@feeds_app.command("remove")
def remove(
    feed_id: Annotated[int, typer.Argument(help="The feed's id, as `feeds list` shows it.")],
    team: Annotated[str, typer.Option("--team", help="The team the feed belongs to.")] = "local",
) -> None:
    """Stop following a feed (its incidents stay)."""
    from bot.usecases import feeds

    try:
        store = _open()
        try:
            gone = feeds.remove_feed(store=store, team_id=team, feed_id=feed_id)
        finally:
            store.close()
    except IncidentBotError as exc:
        raise fail(exc) from None
    if not gone:
        raise fail(BadInputError(f"team {team} has no feed {feed_id} (`incident-bot feeds list`)")) from None
    typer.echo(f"removed feed {feed_id}")


@feeds_app.command("poll")
def poll(
    feed_ids: Annotated[list[int] | None, typer.Argument(help="Poll these feeds now, due or not.")] = None,
) -> None:
    """Poll the due feeds (or the ones named) and read their new entries now."""
    from bot.sources.feeds import poll_feed
    from bot.sources.web import url_reader
    from bot.usecases import feeds
    from bot.usecases.jobs import JobQueue
    from storage.jobs import SqlJobs

    settings = Settings()
    try:
        store = _open()
    except IncidentBotError as exc:
        raise fail(exc) from None
    try:
        reports = feeds.poll_due(
            store=store,
            fetch=lambda url, etag, modified: poll_feed(url, settings=settings, etag=etag, last_modified=modified),
            feed_ids=feed_ids or [],
        )
        if not reports:
            typer.echo("no feed is due" if not feed_ids else "no such active feed")
            return
        for report in reports:
            out.print(f"feed {report.feed.id}: {report.message}", highlight=False, soft_wrap=True)
        queue = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=settings.job_lease))
        read = url_reader(settings)

        def show(payload: dict[str, object], outcome: feeds.EntryOutcome) -> None:
            what = outcome.outcome
            if outcome.incident_id is not None:
                what += f" #{outcome.incident_id} ({outcome.detail})"
            elif outcome.detail:
                what += f" ({outcome.detail})"
            title = payload.get("title") or payload.get("link") or "an entry"
            out.print(f"  {title}: {what}", highlight=False, soft_wrap=True)

        feeds.read_queued(
            store=store,
            queue=queue,
            job_ids=[j for r in reports for j in r.queued],
            read=lambda feed, payload: feeds.read_entry(store=store, feed=feed, payload=payload, read_url=read),
            progress=show,
        )
    except IncidentBotError as exc:
        raise fail(exc) from None
    finally:
        store.close()
    failed = [r for r in reports if r.status in ("failed", "paused")]
    if failed and len(failed) == len(reports):
        raise typer.Exit(3)  # every feed failed to be read: an outside failure, like a link's
