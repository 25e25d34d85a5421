"""People correcting and judging cards: the use cases behind the card's "Edit", "Accurate" and
"Something's wrong" buttons, ``incident-bot corrections export`` and ``incident-bot stats``.

Every call takes the audience of the conversation it comes from: a person can correct or judge
only an incident that conversation may see (storage/privacy.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.domain import corrections as rules
from storage import Store
from storage import corrections as rows
from storage.privacy import AudienceView
from storage.records import Audience, CorrectionRecord, FeedbackStats, IncidentRecord
from storage.repository import IncidentRepository


@dataclass(frozen=True)
class Corrected:
    record: IncidentRecord  # the incident as the conversation sees it now
    changed: dict[str, tuple[Any, Any]]  # field -> (before, after); empty when nothing changed


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def form_values(*, store: Store, team_id: str, incident_id: int, audience: Audience) -> dict[str, Any] | None:
    """The facts the edit form starts from: what the conversation sees; None when it sees nothing."""
    record = store.read(lambda repo: AudienceView(repo, team_id=team_id, audience=audience).get(incident_id))
    return None if record is None else rules.current(record.summary)


def correct(
    *,
    store: Store,
    team_id: str,
    incident_id: int,
    user_id: str,
    audience: Audience,
    submitted: dict[str, Any],
    now: dt.datetime | None = None,
) -> Corrected | None:
    """Record what a person changed and put it on the incident; None when the conversation may
    not see the incident. ``submitted`` is ``rules.read_form``'s output (already validated)."""
    when = now or _now()

    def work(repo: IncidentRepository) -> Corrected | None:
        view = AudienceView(repo, team_id=team_id, audience=audience)
        seen = view.get(incident_id)  # first: it also refuses ids no row can have
        if seen is None:
            return None
        found = rows.stored(repo, team_id=team_id, incident_id=incident_id)
        if found is None:
            return None
        stored, in_force = found
        # The change is what the person changed on the card they saw; it is applied to the
        # incident as stored.
        changed = rules.changes(seen.summary, submitted)
        if changed:
            new = {field: after for field, (_, after) in changed.items()}
            corrected = rules.apply(stored, new)
            repo.set_summary(team_id, incident_id, corrected, overrides={**in_force, **new}, now=when)
            rows.record(repo, team_id=team_id, incident_id=incident_id, user_id=user_id, changed=changed, now=when)
        after = view.get(incident_id)
        assert after is not None  # it was visible a moment ago, in this transaction
        return Corrected(after, changed)

    return store.write(work)


def corrected_by(*, store: Store, team_id: str, incident_id: int) -> str | None:
    """Who corrected the incident last (a Slack user id), if anyone."""
    return store.read(lambda repo: rows.last_corrector(repo, team_id=team_id, incident_id=incident_id))


def feedback(*, store: Store, team_id: str, incident_id: int, user_id: str, verdict: str, audience: Audience) -> bool:
    """Record a verdict on a card; False when the conversation may not see the incident."""

    def work(repo: IncidentRepository) -> bool:
        if AudienceView(repo, team_id=team_id, audience=audience).get(incident_id) is None:
            return False
        rows.set_feedback(repo, team_id=team_id, incident_id=incident_id, user_id=user_id, verdict=verdict, now=_now())
        return True

    return store.write(work)


def stats(*, store: Store, team_id: str, audience: Audience | None = None) -> FeedbackStats:
    """The team's figures; for any audience but the operator, only of incidents the whole team may see."""
    public_only = audience is not None and audience.kind != "operator"
    return store.read(lambda repo: rows.stats(repo, team_id=team_id, public_only=public_only))


def export(*, store: Store, team_id: str | None) -> list[CorrectionRecord]:
    return store.read(lambda repo: rows.export(repo, team_id=team_id))
