"""Event listeners: mentions of the bot, and the App Home tab."""

from __future__ import annotations

from slack_bolt import App

from handlers.deps import Deps
from handlers.events import app_home, mentions


def register(app: App, deps: Deps) -> None:
    mentions.register(app, deps)
    app_home.register(app, deps)
