"""Block actions: the buttons on the bot's cards ("Show evidence"; "Edit", "Accurate",
"Something's wrong")."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import card_buttons, card_edits
from handlers.deps import Deps


def register(app: App, deps: Deps) -> None:
    card_buttons.register(app, deps)
    card_edits.register(app, deps)
