"""Block actions: the buttons on the bot's cards."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import card_buttons
from handlers.deps import Deps


def register(app: App, deps: Deps) -> None:
    card_buttons.register(app, deps)
