"""What a recorded job does when a worker claims it: the job handlers, by kind, for the runner
(bot/usecases/jobs.py)."""

from __future__ import annotations

import functools

from slack_sdk import WebClient

from bot.usecases.jobs import GiveUp, Handler
from handlers.deps import Deps
from handlers.jobs import submissions, unfurls


def job_handlers(client: WebClient, deps: Deps) -> tuple[dict[str, Handler], GiveUp]:
    """The handler of each job kind, and what tells a user their job was given up."""
    handlers: dict[str, Handler] = {
        kind: functools.partial(submissions.run, client=client, deps=deps) for kind in submissions.KINDS
    }
    handlers[unfurls.UNFURL] = functools.partial(unfurls.run, client=client, deps=deps)
    return handlers, functools.partial(submissions.give_up, client=client)
