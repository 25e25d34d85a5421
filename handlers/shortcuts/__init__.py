"""Shortcuts: "Summarize incident" on any message."""

from __future__ import annotations

from slack_bolt import App

from handlers.deps import Deps
from handlers.shortcuts import summarize_message


def register(app: App, deps: Deps) -> None:
    summarize_message.register(app, deps)
