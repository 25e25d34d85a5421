"""Slack adapters, laid out by what Slack sends (as in Bolt's starter template):

- ``events/``, ``commands/``, ``actions/``, ``shortcuts/``, ``views/``: the listeners, one package per kind, each with
  ``register(app, deps)``. A listener acks fast; what takes time is recorded as a job.
- ``jobs/``: what a recorded job does once a worker claims it (``job_handlers``).
- ``slack_io/``: the Slack I/O they share: posting (and the outbox), reply messages, interaction
  claims, error reports.
- ``guards.py`` (middleware), ``http_endpoint.py`` and ``payloads.py`` (HTTP mode's endpoint),
  ``deps.py`` (what listeners are handed).
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, shortcuts, views
from handlers.deps import Deps
from handlers.jobs import job_handlers
from handlers.slack_io import error_reports


def register_handlers(app: App, deps: Deps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    shortcuts.register(app, deps)
    views.register(app, deps)
    error_reports.register(app)


__all__ = ["Deps", "job_handlers", "register_handlers"]
