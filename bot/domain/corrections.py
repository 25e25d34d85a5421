"""Human corrections of a card: which facts can be corrected, how a person's input is read, what
changed, and how corrections sit on top of what the articles say.

A correction replaces a whole field ("Victims" becomes the names the person typed). The
incident keeps its corrections as overrides, applied after every merge of its reports, so a
later article never undoes what a person fixed. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from bot.extraction.schema import (
    Evidence,
    IncidentSummary,
    IncidentType,
    Mention,
    Severity,
    SeverityAssessment,
    Status,
)

Kind = Literal["type", "severity", "status", "flag", "names"]


@dataclass(frozen=True)
class Field:
    key: str  # the IncidentSummary field (and the key of the override)
    label: str  # as the card and the edit form name it
    kind: Kind


# The facts a person can correct, in the order of the card.
FIELDS: tuple[Field, ...] = (
    Field("incident_type", "Type", "type"),
    Field("severity", "Severity", "severity"),
    Field("status", "Status", "status"),
    Field("is_incident", "Is an incident", "flag"),
    Field("victims", "Victims", "names"),
    Field("attackers", "Attackers", "names"),
    Field("attack_vector", "Vector", "names"),
    Field("compromised_data", "Data", "names"),
    Field("affected_counts", "Affected", "names"),
    Field("dates", "When", "names"),
    Field("locations", "Where", "names"),
    Field("affected_products", "Products", "names"),
    Field("cves", "CVEs", "names"),
)
BY_KEY = {f.key: f for f in FIELDS}

MAX_ITEMS = 20  # names in one field
MAX_ITEM_CHARS = 200
_SPLIT = re.compile(r"[\n,;]+")
_CVE = re.compile(r"CVE-\d{4}-\d{4,7}", re.IGNORECASE)


class CorrectionError(ValueError):
    """Input a person must fix before it is saved: which field, and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_names(field: str, typed: str | None) -> list[str]:
    """What a person typed in a list field: one per line or comma-separated; blanks and repeats
    dropped. CVE ids must look like CVE ids (and are written upper-case)."""
    names: list[str] = []
    for part in _SPLIT.split(typed or ""):
        name = " ".join(part.split())
        if not name or name.casefold() in {n.casefold() for n in names}:
            continue
        if len(name) > MAX_ITEM_CHARS:
            raise CorrectionError(field, f"“{name[:40]}…” is longer than {MAX_ITEM_CHARS} characters")
        if field == "cves":
            if not _CVE.fullmatch(name):
                raise CorrectionError(field, f"“{name[:40]}” is not a CVE id (CVE-2024-12345)")
            name = name.upper()
        names.append(name)
    if len(names) > MAX_ITEMS:
        raise CorrectionError(field, f"at most {MAX_ITEMS} entries")
    return names


def current(summary: IncidentSummary) -> dict[str, Any]:
    """The correctable facts of a summary as a person sees and types them."""
    values: dict[str, Any] = {
        "incident_type": summary.incident_type.value,
        "severity": summary.severity.level.value,
        "status": summary.status.value,
        "is_incident": summary.is_incident,
    }
    for f in FIELDS:
        if f.kind == "names":
            values[f.key] = [m.text for m in getattr(summary, f.key)]
    return values


def read_form(values: dict[str, Any]) -> dict[str, Any]:
    """A submitted form (field key → raw value) as correction values; CorrectionError on bad input."""
    read: dict[str, Any] = {}
    for f in FIELDS:
        if f.key not in values:
            continue
        raw = values[f.key]
        if f.kind == "names":
            read[f.key] = parse_names(f.key, raw)
        elif f.kind == "flag":
            read[f.key] = bool(raw)
        else:
            allowed = {"type": IncidentType, "severity": Severity, "status": Status}[f.kind]
            if raw not in {v.value for v in allowed}:
                raise CorrectionError(f.key, f"choose one of the listed {f.label.lower()} values")
            read[f.key] = raw
    return read


def changes(summary: IncidentSummary, submitted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field → (before, after) for what the submission changes; unchanged fields are left out."""
    now = current(summary)
    return {key: (now[key], value) for key, value in submitted.items() if key in now and now[key] != value}


def _mention(text: str, field: str) -> Mention:
    # A person's fact has no sentence in the article: its evidence says it was corrected.
    value: str | None = text.upper() if field == "cves" else None
    return Mention(text=text, value=value, evidence=Evidence(source="correction", start=0, end=len(text), sentence=""))


def apply(summary: IncidentSummary, overrides: dict[str, Any]) -> IncidentSummary:
    """The summary with every override in place of what the articles said."""
    update: dict[str, Any] = {}
    for key, value in overrides.items():
        f = BY_KEY.get(key)
        if f is None:
            continue  # an override of a field this version no longer corrects
        if f.kind == "names":
            kept = {m.text: m for m in getattr(summary, key)}
            # A name the articles gave keeps its evidence; one the person added has none.
            update[key] = [kept.get(text) or _mention(text, key) for text in value]
        elif f.kind == "type":
            primary = IncidentType(value)
            others = [t for t in summary.incident_types if t is not primary]
            update["incident_type"], update["incident_types"] = primary, [primary, *others]
        elif f.kind == "severity":
            update["severity"] = SeverityAssessment(level=Severity(value), reason="set by a person")
        elif f.kind == "status":
            update["status"] = Status(value)
        elif f.kind == "flag":
            update["is_incident"] = bool(value)
    return summary.model_copy(update=update) if update else summary


def without_names(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """The overrides that name nothing (type, severity, status, "not an incident"): what may be
    applied to a view of an incident re-derived from only some of its reports. A name a person
    typed while seeing all of them could come from a report that view may not see."""
    return {k: v for k, v in (overrides or {}).items() if k in BY_KEY and BY_KEY[k].kind != "names"}
