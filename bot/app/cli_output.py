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
