"""Slack adapters: ack fast, parse the payload, call one service, render.

Each module has ``register(app, deps)``; ``register_handlers`` wires them all.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, error_reports, home, mentions
from handlers.deps import Deps


def register_handlers(app: App, deps: Deps) -> None:
    mentions.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    home.register(app, deps)
    error_reports.register(app)


__all__ = ["Deps", "register_handlers"]
