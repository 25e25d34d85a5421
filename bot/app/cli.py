"""The ``incident-bot`` command line. Wires settings and sources to the core; holds no logic of its own."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot import __version__
from bot.app.cli_corrections import register as register_corrections
from bot.app.cli_digest import register as register_digest
from bot.app.cli_feeds import register as register_feeds
from bot.app.cli_output import err, fail, report_source_error
from bot.app.cli_store import register, store_summary, stored_line
from bot.app.settings import Settings
from bot.errors import BadInputError, IncidentBotError
from bot.extraction import Article, summarize_article
from bot.render.terminal import card
from bot.sources.local import read_path, read_stream
from bot.usecases.batch import parse_published, process_line

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn news articles about security incidents into evidence-backed incident summaries.",
    pretty_exceptions_enable=False,
)
_state = {"debug": False}
register(app)  # db upgrade, incidents list|show|search (bot/app/cli_store.py)
register_digest(app)  # digest preview|send (bot/app/cli_digest.py)
register_corrections(app)  # corrections export, stats (bot/app/cli_corrections.py)
register_feeds(app)  # feeds add|list|remove|poll (bot/app/cli_feeds.py)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"incident-bot {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    _state["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr)


def _is_link(source: str) -> bool:
    """A link, or something written as one ("ftp://…", "<https://…|…>"): read as a URL, so that
    one the bot may not fetch is refused as such rather than looked for as a file."""
    return "://" in source[:20] or source.startswith("<http")


def _load(source: str, published: dt.date | None) -> Article:
    if source == "-":
        return read_stream(sys.stdin.buffer, published=published)
    if _is_link(source):
        article = _read_url(source)
        return article.model_copy(update={"published": published}) if published else article
    return read_path(Path(source), published=published)


@functools.cache
def _settings() -> Settings:
    """The one Settings object of this process, built on first use by a command."""
    return Settings()


def _read_url(url: str) -> Article:
    # Imported on use: httpx and trafilatura add ~0.3 s to start-up that text-only commands never need.
    from bot.sources.web import read_url

    return read_url(url, settings=_settings())


@app.command()
def summarize(
    sources: Annotated[
        list[str], typer.Argument(help="Files (.txt/.md/.html), http(s) links to read, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print IncidentSummary JSON, one per line.")] = False,
    no_store: Annotated[
        bool,
        typer.Option("--no-store", help="Do not keep the result in the database (DATABASE_URL)."),
    ] = False,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for resolving 'last Friday'.")
    ] = None,
) -> None:
    """Summarize articles — files, links or stdin — print a card (or JSON) for each, and store
    each incident found (not-incidents are never stored)."""
    out = Console()
    failures: list[IncidentBotError] = []
    try:
        pub = parse_published(published)
    except BadInputError as exc:
        raise fail(exc) from None
    for source in sources:
        try:
            article = _load(source, pub)
            summary = summarize_article(article)
            # Only incidents are kept: text about something else stays out of lists and digests,
            # as it does when it comes from Slack.
            stored = store_summary(article, summary) if summary.is_incident and not no_store else None
        except IncidentBotError as exc:
            if len(sources) == 1:
                raise fail(exc) from None
            report_source_error(source, exc)
            failures.append(exc)
            continue
        if as_json:
            sys.stdout.write(summary.model_dump_json() + "\n")
            continue
        out.print(card(summary))
        if stored is not None:
            out.print(stored_line(stored), highlight=False)
        elif not summary.is_incident and not no_store:
            out.print("Not stored: no security incident found.", highlight=False)
    if failures:
        raise typer.Exit(max(f.exit_code for f in failures))


@app.command()
def extract(
    input_path: Annotated[Path, typer.Option("--input", help="JSONL: {id, text?, title?, published?, url?}.")],
    output_path: Annotated[Path, typer.Option("--output", help="JSONL: {id, incident} or {id, error}.")],
) -> None:
    """Batch-extract a JSONL file (no storage). One bad record never stops the batch."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not input_path.is_file():
        raise fail(BadInputError(f"{input_path}: no such file"))
    try:
        # Opened before the work starts: a path that cannot be written is bad input, said at once.
        dst = output_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise fail(BadInputError(f"{output_path}: cannot write here ({exc.strerror or exc})")) from None
    with input_path.open("rb") as fh:
        total = sum(1 for line in fh if line.strip())
    ok = failed = 0
    progress = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal and not _state["debug"],
    )
    with progress, dst, input_path.open(encoding="utf-8", errors="replace") as src:
        task = progress.add_task("extract", total=total)
        for lineno, line in enumerate(src, 1):
            if not line.strip():
                continue
            result = process_line(line, lineno, _read_url)
            failed += "error" in result
            ok += "incident" in result
            dst.write(json.dumps(result, ensure_ascii=False) + "\n")
            progress.advance(task)
    err.print(f"{ok} extracted, {failed} failed → {output_path}", highlight=False)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="http(s) links (Slack-wrapped <…|…> links too).")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help='One JSON line per link: {"url","title","published","site","text"} or {"url","error"}.'
        ),
    ] = False,
) -> None:
    """Show what the bot reads from a link: title, published date, site and article text."""
    out = Console(highlight=False)
    failures: list[IncidentBotError] = []
    for url in urls:
        try:
            art = _read_url(url)
        except IncidentBotError as exc:
            failures.append(exc)
            if as_json:
                sys.stdout.write(json.dumps({"url": url, "error": str(exc)}, ensure_ascii=False) + "\n")
            report_source_error(url, exc)
            continue
        if as_json:
            published = art.published.isoformat() if art.published else None
            row = {
                "url": art.url or url,
                "title": art.title,
                "published": published,
                "site": art.site,
                "text": art.text,
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            out.print(f"[bold]{art.title or '(no title)'}[/]", markup=True)
            out.print(f"{art.site or ''} · {art.published or 'date unknown'} · {art.url or url}", markup=False)
            out.print()
            out.print(art.text, markup=False)
    if failures:
        raise typer.Exit(max(f.exit_code for f in failures))


@app.command()
def run(
    mode: Annotated[
        str, typer.Option("--mode", help="socket: Socket Mode (no public URL); http: serve POST /slack/events.")
    ] = "socket",
    port: Annotated[int | None, typer.Option(help="HTTP mode port (default INCIDENT_BOT_PORT, 3000).")] = None,
) -> None:
    """Run the Slack bot (and its digest scheduler) until interrupted."""
    if mode not in ("socket", "http"):
        raise fail(BadInputError(f"--mode must be socket or http, not {mode!r}"))
    from bot.app.run import run as run_bot

    try:
        run_bot(settings=_settings(), mode="http" if mode == "http" else "socket", port=port)
    except IncidentBotError as exc:
        raise fail(exc) from None


def main() -> None:
    """Console-script entry point: known errors are one line on stderr; bugs exit 1."""
    try:
        app()
    except IncidentBotError as exc:  # raised outside a command's own handling
        err.print(f"error: {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _state["debug"]:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)
