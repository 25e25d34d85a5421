"""Block actions: the buttons on the bot's cards ("Show evidence"; "Edit", "Accurate",
"Something's wrong"; the overflow menu's exports)."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import card_buttons, card_edits, card_exports
from handlers.deps import Deps


def register(app: App, deps: Deps) -> None:
    card_buttons.register(app, deps)
    card_edits.register(app, deps)
    card_exports.register(app, deps)
