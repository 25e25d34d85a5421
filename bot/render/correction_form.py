"""The card's "Edit" form (a Slack modal) and how its submission reads back. Pure: dicts in, dicts out.

Every fact a person may correct (bot/domain/corrections.py) is one input block whose block id is
the field's key; lists are one multi-line text box ("one per line, or separated by commas").
Everything shown is escaped like the card; plain_text inputs cannot carry markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.domain.corrections import FIELDS, MAX_ITEM_CHARS, MAX_ITEMS
from bot.extraction.schema import IncidentType, Severity, Status

CALLBACK_ID = "correct_incident"
NOT_AN_INCIDENT = "not_an_incident"
_ACTION = "value"  # the one element of each input block
_TEXT_BOX_CHARS = 3000  # Block Kit's limit for a plain_text_input's value
_OPTION_CHARS = 75


@dataclass(frozen=True)
class FormTarget:
    """What the form corrects and where its card is (to update it in place after saving)."""

    incident_id: int
    channel_id: str
    message_ts: str | None  # None: the card cannot be updated (it was shown only to its reader)

    def dump(self) -> str:
        return json.dumps({"i": self.incident_id, "c": self.channel_id, "m": self.message_ts})

    @staticmethod
    def load(raw: str) -> FormTarget | None:
        """The target written by ``dump``; None for anything else (the metadata came back from Slack
        as we sent it, inside a signed request, but is still read defensively)."""
        try:
            data = json.loads(raw)
            incident, channel, ts = data["i"], data["c"], data["m"]
        except (ValueError, KeyError, TypeError):
            return None
        if not (isinstance(incident, int) and isinstance(channel, str) and (ts is None or isinstance(ts, str))):
            return None
        return FormTarget(incident, channel, ts)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:_OPTION_CHARS]}


def _option(value: str) -> dict[str, Any]:
    return {"text": _plain(value.replace("_", " ")), "value": value}


def _select(key: str, label: str, values: list[str], current: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": key,
        "label": _plain(label),
        "element": {
            "type": "static_select",
            "action_id": _ACTION,
            "options": [_option(v) for v in values],
            "initial_option": _option(current),
        },
    }


def _names(key: str, label: str, names: list[str]) -> dict[str, Any]:
    initial = "\n".join(names)[:_TEXT_BOX_CHARS]
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": _ACTION, "multiline": True}
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": key,
        "optional": True,
        "label": _plain(label),
        "hint": _plain(
            f"One per line, or separated by commas (at most {MAX_ITEMS}, {MAX_ITEM_CHARS} characters each)."
        ),
        "element": element,
    }


def edit_modal(target: FormTarget, values: dict[str, Any]) -> dict[str, Any]:
    """The modal that edits an incident's facts, filled with ``values`` (corrections.current)."""
    blocks: list[dict[str, Any]] = []
    choices = {
        "type": [t.value for t in IncidentType],
        "severity": [s.value for s in Severity],
        "status": [s.value for s in Status],
    }
    for f in FIELDS:
        if f.kind in choices:
            blocks.append(_select(f.key, f.label, choices[f.kind], str(values[f.key])))
        elif f.kind == "flag":
            not_one = {"text": _plain("Not an incident (hide it from digests)"), "value": NOT_AN_INCIDENT}
            element: dict[str, Any] = {"type": "checkboxes", "action_id": _ACTION, "options": [not_one]}
            if not values[f.key]:
                element["initial_options"] = [not_one]
            blocks.append(
                {
                    "type": "input",
                    "block_id": f.key,
                    "optional": True,
                    "label": _plain("Is it an incident?"),
                    "element": element,
                }
            )
        else:
            blocks.append(_names(f.key, f.label, list(values[f.key])))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": target.dump(),
        "title": _plain(f"Correct incident #{target.incident_id}"[:24]),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def submitted_values(view: dict[str, Any]) -> dict[str, Any]:
    """The form's inputs as (field key → raw value), ready for ``corrections.read_form``."""
    state = (view.get("state") or {}).get("values") or {}
    out: dict[str, Any] = {}
    for f in FIELDS:
        element = (state.get(f.key) or {}).get(_ACTION)
        if not isinstance(element, dict):
            continue
        if element.get("type") == "static_select":
            out[f.key] = ((element.get("selected_option") or {}).get("value")) or ""
        elif element.get("type") == "checkboxes":
            picked = {o.get("value") for o in element.get("selected_options") or [] if isinstance(o, dict)}
            out[f.key] = NOT_AN_INCIDENT not in picked
        else:
            value = element.get("value")
            out[f.key] = value if isinstance(value, str) else ""
    return out
