"""What every command of the command line writes to standard error, and how it fails on a known
error: one red line with the message, and the error's exit code (README, "Exit codes")."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.errors import IncidentBotError

err = Console(stderr=True)


def fail(exc: IncidentBotError) -> typer.Exit:
    """Print ``exc`` as one line (never wrapped: messages name paths and URLs) and return the exit
    to raise."""
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(exc.exit_code)


def source_problem(source: str, exc: IncidentBotError) -> str:
    """The error of one of several inputs, naming it once: messages about a file or link already
    start with it."""
    message = str(exc)
    return message if message.startswith(source[:200]) else f"{source}: {message}"


def report_source_error(source: str, exc: IncidentBotError) -> None:
    err.print(f"[bold red]error:[/] {source_problem(source, exc)}", highlight=False, markup=True, soft_wrap=True)
