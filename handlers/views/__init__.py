"""View submissions: the saved correction form."""

from __future__ import annotations

from slack_bolt import App

from handlers.deps import Deps
from handlers.views import correct_incident


def register(app: App, deps: Deps) -> None:
    correct_incident.register(app, deps)
