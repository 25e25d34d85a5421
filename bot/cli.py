"""The ``incident-bot`` command line. Wires settings and sources to the core; holds no logic of its own."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot import __version__
from bot.batch import parse_published, process_line
from bot.cli_store import register, store_summary, stored_line
from bot.errors import BadInputError, IncidentBotError, UnsupportedInputError
from bot.extraction import Article, summarize_article
from bot.render.terminal import card
from bot.sources.local import read_path, read_stream

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn news articles about security incidents into evidence-backed incident summaries.",
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True)
_state = {"debug": False}
register(app)  # db upgrade, incidents list|show|search (bot/cli_store.py)


def _fail(exc: IncidentBotError) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(exc.exit_code)


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


def _load(source: str, published: dt.date | None) -> Article:
    if source == "-":
        return read_stream(sys.stdin.buffer, published=published)
    if source.lower().startswith(("http://", "https://")):
        raise UnsupportedInputError(
            f"{source}: reading links is not available in this version; save the page or paste the text"
        )
    return read_path(Path(source), published=published)


@app.command()
def summarize(
    sources: Annotated[list[str], typer.Argument(help="Files (.txt/.md/.html), or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print IncidentSummary JSON, one per line.")] = False,
    no_store: Annotated[
        bool,
        typer.Option("--no-store", help="Do not keep the result in the database (DATABASE_URL)."),
    ] = False,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for resolving 'last Friday'.")
    ] = None,
) -> None:
    """Summarize one or more articles and print a card (or JSON)."""
    out = Console()
    failures: list[IncidentBotError] = []
    try:
        pub = parse_published(published)
    except BadInputError as exc:
        raise _fail(exc) from None
    for source in sources:
        try:
            article = _load(source, pub)
            summary = summarize_article(article)
            stored = None if no_store else store_summary(article, summary, source=source)
        except IncidentBotError as exc:
            if len(sources) == 1:
                raise _fail(exc) from None
            _err.print(f"[bold red]error:[/] {source}: {exc}", highlight=False)
            failures.append(exc)
            continue
        if as_json:
            sys.stdout.write(summary.model_dump_json() + "\n")
        else:
            out.print(card(summary))
            if stored is not None:
                out.print(stored_line(stored), highlight=False)
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
        raise _fail(BadInputError(f"{input_path}: no such file"))
    with input_path.open("rb") as fh:
        total = sum(1 for line in fh if line.strip())
    ok = failed = 0
    progress = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_err,
        disable=not _err.is_terminal and not _state["debug"],
    )
    with (
        progress,
        input_path.open(encoding="utf-8", errors="replace") as src,
        output_path.open("w", encoding="utf-8") as dst,
    ):
        task = progress.add_task("extract", total=total)
        for lineno, line in enumerate(src, 1):
            if not line.strip():
                continue
            result = process_line(line, lineno)
            failed += "error" in result
            ok += "incident" in result
            dst.write(json.dumps(result, ensure_ascii=False) + "\n")
            progress.advance(task)
    _err.print(f"{ok} extracted, {failed} failed → {output_path}", highlight=False)


def main() -> None:
    """Console-script entry point: known errors are one line on stderr; bugs exit 1."""
    try:
        app()
    except IncidentBotError as exc:  # raised outside a command's own handling
        _err.print(f"error: {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _state["debug"]:
            raise
        _err.print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)
