"""Slash commands: ``/incident`` and its subcommands (``digest`` has a module of its own)."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import incident
from handlers.deps import Deps


def register(app: App, deps: Deps) -> None:
    incident.register(app, deps)
