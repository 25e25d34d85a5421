"""What a recorded job does when a worker claims it: the job handlers, by kind, for the runner
(bot/usecases/jobs.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.runtime.installations import TeamClients
from bot.usecases.jobs import GiveUp, Handler
from handlers.deps import Deps
from handlers.jobs import feeds, submissions, unfurls
from storage.records import JobRecord

log = logging.getLogger(__name__)

# The outcome of a job whose workspace the bot no longer serves (uninstalled, token revoked).
NOT_SERVED = "team_not_served"


def job_handlers(clients: TeamClients, deps: Deps) -> tuple[dict[str, Handler], GiveUp]:
    """The handler of each job kind, and what tells a user their job was given up. Each runs
    with the client of its job's workspace."""
    handlers: dict[str, Handler] = {kind: _with_client(submissions.run, clients, deps) for kind in submissions.KINDS}
    handlers[unfurls.UNFURL] = _with_client(unfurls.run, clients, deps)
    handlers[feeds.FEED_ENTRY] = _with_client(feeds.run, clients, deps)

    def give_up(job: JobRecord, exc: BaseException) -> None:
        client = clients.client_for(job.team_id)
        if client is not None:
            submissions.give_up(job, exc, client=client)

    return handlers, give_up


def _with_client(run: Callable[..., str], clients: TeamClients, deps: Deps) -> Handler:
    def handle(job: JobRecord) -> str:
        client: WebClient | None = clients.client_for(job.team_id)
        if client is None:
            log.info("job %s of team %s dropped: the bot no longer serves that workspace", job.id, job.team_id)
            return NOT_SERVED
        return run(job, client=client, deps=deps)

    return handle
