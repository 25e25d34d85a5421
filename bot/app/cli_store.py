"""The storage side of the command line: ``db upgrade``, ``incidents list|show|search``, and the
store step of ``summarize``. Kept apart from bot/app/cli.py so that each file stays about one thing.

The store and its services are imported inside the commands: SQLAlchemy adds ~0.3 s to the
start-up of every command, and `summarize --no-store` or `extract` never need it."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.app.cli_output import err, fail
from bot.app.settings import Settings
from bot.errors import BadInputError, IncidentBotError
from bot.extraction import Article, IncidentSummary
from bot.extraction.schema import IncidentType
from bot.render.facts import happened_on
from bot.render.terminal import card

if TYPE_CHECKING:
    from storage import IncidentRecord, Store, StoreResult
    from storage.records import Audience

# The command line is one user's workspace: its rows belong to this team id, never a Slack team.
LOCAL_TEAM = "local"

db_app = typer.Typer(no_args_is_help=True, help="Manage the database (DATABASE_URL; SQLite file by default).")
incidents_app = typer.Typer(no_args_is_help=True, help="Browse the incidents stored locally.")


def register(app: typer.Typer) -> None:
    """Attach the ``db`` and ``incidents`` command groups to the main app."""
    app.add_typer(db_app, name="db")
    app.add_typer(incidents_app, name="incidents")


def _operator() -> Audience:
    """Whoever runs the command line on the database sees all of it (storage/privacy.py)."""
    from storage.records import Audience

    return Audience.operator()


def _submitter() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (containers without a passwd entry)
        return "local-user"


def _open(migrate: bool = True) -> Store:
    from bot.usecases import incidents as services

    return services.open_store(database_url=Settings().database_url, migrate=migrate)


_T = TypeVar("_T")


def resolve_team(store: Store, given: str | None) -> str:
    """The team whose incidents a command reads: ``--team``, else the only team stored (the
    Slack workspace of a bot's database, or ``local``), else ``local``; several without
    ``--team`` is a question the user must answer."""
    if given:
        return given
    from bot.usecases import incidents as services

    teams = services.stored_teams(store=store)
    if len(teams) > 1:
        raise BadInputError(
            f"this database holds the incidents of several teams ({', '.join(teams)}); pick one with --team"
        )
    return teams[0] if teams else LOCAL_TEAM


def _incident_type(given: str | None) -> str | None:
    if given is None:
        return None
    valid = [t.value for t in IncidentType]
    if given not in valid:
        raise fail(BadInputError(f"unknown incident type {given!r}; one of: {', '.join(valid)}"))
    return given


def with_store(work: Callable[[Store], _T]) -> _T:
    """Run ``work`` on the configured store (upgraded first); a storage error ends the command
    with its one-line message and exit code."""
    try:
        with _open() as store:
            return work(store)
    except IncidentBotError as exc:
        raise fail(exc) from None


def store_summary(article: Article, summary: IncidentSummary) -> StoreResult:
    """Store what ``summarize`` produced. A link's canonical URL is the one its reader settled on;
    a file or stdin has none (a path is not a link: the same text is known by its content)."""
    from bot.usecases import incidents as services

    with _open() as store:
        return services.summarize_and_store(
            store=store,
            article=article,
            summary=summary,
            team_id=LOCAL_TEAM,
            submitter=_submitter(),
            canonical_url=article.url,
        )


def stored_line(result: StoreResult) -> str:
    """The line under a summary card saying what happened to it in the database."""
    n = result.incident.id
    if result.already_known:
        return f"Already reported: incident #{n} ({result.reason}; {result.incident.source_count} source(s))"
    if result.attached:
        return f"Added to incident #{n} as source {result.incident.source_count} ({result.reason})"
    return f"Stored as incident #{n}"


# Below this width a table of eight columns folds words mid-word: one entry a few lines instead.
_TABLE_WIDTH = 110


def _table(records: list[IncidentRecord]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    for col in ("id", "happened", "first seen", "type", "severity", "sources"):
        table.add_column(col, no_wrap=True)
    table.add_column("victim", overflow="fold", ratio=1)
    table.add_column("title", overflow="fold", ratio=2)
    for r in records:
        s = r.summary
        happened = happened_on(s)
        table.add_row(
            str(r.id),
            happened.isoformat() if happened else "",
            r.first_seen_at.strftime("%Y-%m-%d"),
            s.incident_type.value,
            s.severity.level.value,
            str(r.source_count),
            s.victims[0].text if s.victims else "",
            s.title,
        )
    return table


def _entry(r: IncidentRecord) -> str:
    """One incident for a narrow terminal: its facts on a line, its title under them."""
    s = r.summary
    happened = happened_on(s)
    when = f"happened {happened.isoformat()} · " if happened else ""
    victim = f" · {s.victims[0].text}" if s.victims else ""
    sources = f" · {r.source_count} sources" if r.source_count > 1 else ""
    return (
        f"#{r.id}  {s.incident_type.value} · {s.severity.level.value}{victim} · "
        f"{when}first seen {r.first_seen_at:%Y-%m-%d}{sources}\n    {s.title}"
    )


def _print(records: list[IncidentRecord], as_json: bool, empty: str) -> None:
    if as_json:
        for r in records:
            sys.stdout.write(r.model_dump_json() + "\n")
    elif not records:
        err.print(empty, highlight=False)
    else:
        out = Console(highlight=False)
        if out.width >= _TABLE_WIDTH:
            out.print(_table(records))
        else:
            for r in records:
                out.print(_entry(r), markup=False, soft_wrap=True)


JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Whose incidents: a Slack team id, or 'local' for the command line's own. Default: the only team stored.",
    ),
]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or apply new migrations (idempotent)."""
    from storage.migrations import current

    typer.echo(
        with_store(lambda store: f"{store.engine.dialect.name} database at revision {current(store.engine)} (latest)")
    )


@incidents_app.command("list")
def incidents_list(
    as_json: JsonOpt = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
    incident_type: Annotated[
        str | None, typer.Option("--type", help="Only this incident type (e.g. ransomware, data_breach).")
    ] = None,
    team: TeamOpt = None,
) -> None:
    """List stored incidents, most recently seen first."""
    from bot.usecases import incidents as services

    wanted = _incident_type(incident_type)
    found = with_store(
        lambda store: services.list_incidents(
            store=store, team_id=resolve_team(store, team), audience=_operator(), limit=limit, incident_type=wanted
        )
    )
    _print(found, as_json, f"no {wanted} incidents stored" if wanted else "no incidents stored yet")


@incidents_app.command("show")
def incidents_show(
    incident_id: Annotated[int, typer.Argument(help="Incident id.")], as_json: JsonOpt = False, team: TeamOpt = None
) -> None:
    """Show one incident: its summary card and every source that reported it."""
    from bot.usecases import incidents as services

    record = with_store(
        lambda store: services.get_incident(
            store=store, team_id=resolve_team(store, team), incident_id=incident_id, audience=_operator()
        )
    )
    if record is None:
        err.print(f"[bold red]error:[/] no incident #{incident_id}", highlight=False)
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(record.model_dump_json() + "\n")
        return
    out = Console()
    out.print(card(record.summary))
    out.print(f"Incident #{record.id} · first seen {record.first_seen_at:%Y-%m-%d} · {record.source_count} source(s)")
    for s in record.sources:
        where = f" in {s.channel_id}" if s.channel_id else ""
        out.print(
            f"  [{s.id}] {s.title or s.canonical_url or s.url or 'pasted text'}"
            f" — by {s.submitter}{where} {s.submitted_at:%Y-%m-%d %H:%M}, seen {s.sightings}x",
            highlight=False,
        )


@incidents_app.command("search")
def incidents_search(
    query: Annotated[str, typer.Argument(help="Victim, attacker, CVE, type or any words.")],
    as_json: JsonOpt = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, best match first.")] = 20,
    team: TeamOpt = None,
) -> None:
    """Find incidents by victim, attacker, CVE, type or free text."""
    from bot.usecases import incidents as services

    found = with_store(
        lambda store: services.search_incidents(
            store=store, team_id=resolve_team(store, team), query=query, audience=_operator(), limit=limit
        )
    )
    _print(found, as_json, f"no incident matches {query!r}")


@incidents_app.command("export")
def incidents_export(
    incident_ids: Annotated[
        list[int] | None, typer.Argument(help="Incident ids to export (default: every incident, or those --since).")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="stix (STIX 2.1 bundle), misp (MISP event JSON), csv, or json (lines)."),
    ] = "json",
    since: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only incidents seen on or after this date (YYYY-MM-DD)."),
    ] = None,
    incident_type: Annotated[
        str | None, typer.Option("--type", help="Only this incident type (e.g. ransomware, data_breach).")
    ] = None,
    team: TeamOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Export stored incidents for a threat-intelligence platform or a spreadsheet (docs/exports.md)."""
    from bot.exports import FORMATS
    from bot.usecases import exports

    if fmt not in FORMATS:
        raise fail(BadInputError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}"))
    wanted = _incident_type(incident_type)
    records = with_store(
        lambda store: exports.chosen(
            store=store,
            team_id=resolve_team(store, team),
            audience=_operator(),
            ids=incident_ids or (),
            since=since.date() if since else None,
            incident_type=wanted,
        )
    )
    if incident_ids and len(records) < len(incident_ids):
        missing = sorted(set(incident_ids) - {r.id for r in records})
        raise fail(BadInputError("no incident " + ", ".join(f"#{i}" for i in missing)))
    if not records:
        typer.echo("nothing to export: no incidents match", err=True)
        raise typer.Exit(1)
    text = exports.export_incidents(records, fmt)  # narrowed to a Format by the check above
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(BadInputError(f"cannot write {output}: {exc.strerror or 'error'}")) from None
    typer.echo(f"exported {len(records)} incident(s) as {fmt} to {output}", err=True)
