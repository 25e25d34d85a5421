"""The App Home tab: the team's latest public incidents and the public channels' digests."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render.slack import Judged, SubscriptionLine, home_view
from bot.usecases import corrections, feeds
from bot.usecases import incidents as services
from handlers.commands.feeds import as_line
from handlers.commands.incident import listed
from handlers.deps import Deps
from handlers.slack_io.claims import first_time
from handlers.slack_io.error_reports import reported
from storage.records import Audience

HOME_INCIDENTS = 15


def register(app: App, deps: Deps) -> None:
    @reported
    def on_home(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home" or not first_time(deps, body):
            return
        team = context.team_id or ""
        # The Home tab is seen by whoever opens it: only what anyone in the workspace may see.
        audience = Audience.team()
        records = services.list_incidents(store=deps.store, team_id=team, limit=HOME_INCIDENTS, audience=audience)

        def is_private(channel: str) -> bool:
            return deps.conversation_type(client, team_id=team, channel_id=channel) != "public_channel"

        subs = [
            SubscriptionLine(s.channel_id, s.cadence, s.local_time.strftime("%H:%M"), s.timezone, s.active)
            for s in services.list_subscriptions(
                store=deps.store, team_id=team, audience=audience, is_private=is_private
            )
        ]
        got = corrections.stats(store=deps.store, team_id=team, audience=audience)
        judged = Judged(got.cards, got.rated, got.accurate, got.corrected, got.corrections_per_field)
        # Feeds of public channels only: that a private channel follows a feed is its own business.
        followed = [
            as_line(f) for f in feeds.list_feeds(store=deps.store, team_id=team) if not is_private(f.channel_id)
        ]
        client.views_publish(user_id=event["user"], view=home_view(listed(records), subs, judged, followed))

    app.event("app_home_opened")(ack=_ack, lazy=[on_home])


def _ack(ack: Ack) -> None:
    ack()
