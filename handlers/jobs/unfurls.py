"""The unfurl job: a compact card for each incident link of a message, given to ``chat.unfurl``.

``chat.unfurl`` replaces what it set before, so a job run again after a crash only sets the same
previews again; a rate limit puts the job back in the queue like any other."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import RateLimited
from bot.render.unfurl import unfurl_blocks
from bot.runtime.slack_api import failure_of
from bot.usecases import unfurls
from bot.usecases.jobs import Requeue
from handlers.deps import Deps
from storage.records import JobRecord

log = logging.getLogger(__name__)

UNFURL = "unfurl"


def unfurl_payload(event: dict[str, Any]) -> dict[str, Any]:
    links = [str(link.get("url")) for link in event.get("links") or [] if isinstance(link, dict) and link.get("url")]
    return {
        "channel": str(event.get("channel") or ""),
        "ts": str(event.get("message_ts") or ""),
        "unfurl_id": str(event.get("unfurl_id") or ""),
        "source": str(event.get("source") or ""),
        "links": links[: unfurls.MAX_LINKS],
    }


def run(job: JobRecord, *, client: WebClient, deps: Deps) -> str:
    p = job.payload
    previews = [
        found
        for url in p["links"]
        if (
            found := unfurls.preview(
                store=deps.store, team_id=job.team_id, channel_id=p["channel"], url=url, summarize=deps.summarize_link
            )
        )
        is not None
    ]
    if not previews:
        return "nothing_to_unfurl"
    cards = {pv.url: {"blocks": unfurl_blocks(pv.summary, incident_id=pv.incident_id)} for pv in previews}
    # Composer previews (a link being typed) are addressed by unfurl id and source; posted
    # messages by channel and ts.
    where: dict[str, Any] = (
        {"unfurl_id": p["unfurl_id"], "source": p["source"]}
        if p.get("unfurl_id") and p.get("source")
        else {"channel": p["channel"], "ts": p["ts"]}
    )
    try:
        client.chat_unfurl(unfurls=cards, **where)
    except SlackApiError as exc:
        failure = failure_of(exc)
        if isinstance(failure, RateLimited):
            raise Requeue(failure.retry_after, "Slack rate limit") from exc
        log.warning("chat.unfurl refused: %s", failure)
        return "unfurl_refused"
    return "unfurled"
