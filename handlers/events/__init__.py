"""Event listeners: mentions of the bot, the App Home tab, and links posted (previews)."""

from __future__ import annotations

from slack_bolt import App

from handlers.deps import Deps
from handlers.events import app_home, link_shared, mentions


def register(app: App, deps: Deps) -> None:
    mentions.register(app, deps)
    app_home.register(app, deps)
    link_shared.register(app, deps)
