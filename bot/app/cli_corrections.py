"""``incident-bot corrections export`` and ``incident-bot stats``: what people corrected on the
cards, as training material, and how they judged them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.app.cli_output import err, fail
from bot.app.cli_store import TeamOpt, resolve_team, with_store
from bot.errors import BadInputError

corrections_app = typer.Typer(no_args_is_help=True, help="What people corrected on the cards.")


def register(app: typer.Typer) -> None:
    app.add_typer(corrections_app, name="corrections")
    app.command("stats")(stats)


@corrections_app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the JSON lines to this file instead of stdout.")
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's corrections (default: every team's).")
    ] = None,
) -> None:
    """Every correction as a JSON line: incident, field, before, after, who, when, and the articles
    it corrects (link, title, content hash), for training the extraction."""
    from bot.usecases import corrections

    rows = with_store(lambda store: corrections.export(store=store, team_id=team))
    lines = "".join(r.model_dump_json() + "\n" for r in rows)
    if output is None:
        sys.stdout.write(lines)
    else:
        try:
            output.write_text(lines, encoding="utf-8")
        except OSError as exc:
            raise fail(BadInputError(f"{output}: cannot write here ({exc.strerror or exc})")) from None
    err.print(f"{len(rows)} correction(s)" + (f" → {output}" if output else ""), highlight=False)


def stats(team: TeamOpt = None) -> None:
    """How people judged the cards: the share marked accurate, and what they corrected, by field."""
    from bot.usecases import corrections

    got = with_store(lambda store: corrections.stats(store=store, team_id=resolve_team(store, team)))
    out = Console(highlight=False)

    def share(n: int, of: int) -> str:
        return f"{n} of {of} ({n / of:.0%})" if of else "0"

    out.print(f"cards stored       {got.cards}")
    out.print(f"rated              {share(got.rated, got.cards)}")
    out.print(f"  accurate         {share(got.accurate, got.rated)}")
    out.print(f"  something wrong  {share(got.wrong, got.rated)}")
    out.print(f"corrected          {share(got.corrected, got.cards)}")
    if got.corrections_per_field:
        table = Table("field", "corrected on", show_edge=False, pad_edge=False)
        for field, n in got.corrections_per_field.items():
            table.add_row(field, share(n, got.cards))
        out.print(table)
