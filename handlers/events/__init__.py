"""Event listeners: mentions of the bot, the App Home tab, links posted (previews), and the app
leaving a workspace."""

from __future__ import annotations

from slack_bolt import App

from handlers.deps import Deps
from handlers.events import app_home, installs, link_shared, mentions


def register(app: App, deps: Deps) -> None:
    mentions.register(app, deps)
    app_home.register(app, deps)
    link_shared.register(app, deps)
    installs.register(app, deps)
