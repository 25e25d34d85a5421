"""The app removed from a workspace (``app_uninstalled``) or its bot token revoked
(``tokens_revoked``): the workspace's install is forgotten, its queued work closed, and its data
kept or purged as INCIDENT_BOT_UNINSTALL_DATA says (bot/usecases/teams.py).

A revoked token purges nothing: the app is still in the workspace, and installing again brings
the bot back with everything it knew. Both run before the ack and are idempotent, so Slack
delivering the event again (a slow purge, a retry) does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.usecases import teams
from handlers.deps import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def stop(team: str, *, purge: bool, why: str) -> None:
        done = teams.stop_serving(store=deps.store, team_id=team, purge=purge, now=dt.datetime.now(dt.UTC))
        kept = "its data purged" if done.purged is not None else "its data kept"
        log.info("team %s %s: %d queued jobs closed, %s", team, why, done.jobs_closed, kept)

    def on_uninstalled(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        team = context.team_id or str(body.get("team_id") or "")
        if deps.installation_store is not None:
            deps.installation_store.delete_all(enterprise_id=context.enterprise_id, team_id=team)
        if team:
            stop(team, purge=deps.settings.uninstall_data == "purge", why="uninstalled the app")
        ack()

    def on_tokens_revoked(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        team = context.team_id or str(body.get("team_id") or "")
        # User tokens are never asked for (the bot acts as itself): only a revoked bot token matters.
        if (event.get("tokens") or {}).get("bot"):
            if deps.installation_store is not None:
                deps.installation_store.delete_bot(enterprise_id=context.enterprise_id, team_id=team)
            if team:
                stop(team, purge=False, why="revoked the bot's token")
        ack()

    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
