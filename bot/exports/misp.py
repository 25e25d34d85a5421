"""MISP events in MISP's own JSON format (the one its API and "Import from JSON" read).

One event per incident: attributes with MISP's types and categories (indicators with ``to_ids``
on, on their live values; the victims as ``target-org``, the attackers as ``threat-actor``,
places as ``target-location``, the article links as ``link``, the summary as ``text``); MISP
objects where MISP has one for the thing (a ``file`` object per hash, a ``vulnerability`` object
per CVE); and tags: TLP:CLEAR (the source is public news), the incident type, and
each ATT&CK technique as MISP's ATT&CK galaxy tag. Written as plain JSON (the format is a few
fields; PyMISP, which tests load it with, would bring a web client along at run time). Uuids are
derived from the incident and the value, so an import again updates the same event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.exports.item import ExportItem, utc
from bot.extraction.benign import refang
from bot.extraction.schema import Severity

# MISP attribute (type, category) of each indicator kind.
_IOC_TYPES = {
    "ipv4": ("ip-dst", "Network activity"),
    "ipv6": ("ip-dst", "Network activity"),
    "domain": ("domain", "Network activity"),
    "url": ("url", "Network activity"),
    "email": ("email-src", "Payload delivery"),
    "md5": ("md5", "Payload delivery"),
    "sha1": ("sha1", "Payload delivery"),
    "sha256": ("sha256", "Payload delivery"),
}
# The MISP object templates used (uuid, version, meta-category), as MISP's own misp-objects
# repository defines them; tests hold them to the templates PyMISP ships.
TEMPLATES = {
    "file": ("688c46fb-5edb-40a3-8273-1af7923e2215", "25", "file"),
    "vulnerability": ("81650945-f186-437b-8945-9f31715d32da", "12", "vulnerability"),
}
_HASHES = ("md5", "sha1", "sha256")
# MISP's threat levels: 1 high, 2 medium, 3 low, 4 undefined.
_THREAT_LEVEL = {Severity.CRITICAL: "1", Severity.HIGH: "1", Severity.MEDIUM: "2", Severity.LOW: "3"}


def galaxy_tag(technique_id: str, name: str) -> str:
    """MISP's ATT&CK galaxy names a technique "<name> - <id>", a sub-technique by its own part."""
    return f'misp-galaxy:mitre-attack-pattern="{name.rpartition(": ")[2]} - {technique_id}"'


def _event(item: ExportItem) -> dict[str, Any]:
    s = item.summary
    seen = utc(item.first_seen)
    attributes: list[dict[str, Any]] = []

    def add(kind: str, category: str, value: str, *, to_ids: bool = False, comment: str = "") -> None:
        attributes.append(
            {
                "uuid": item.uid("misp-attribute", kind, value),
                "type": kind,
                "category": category,
                "value": value,
                "to_ids": to_ids,
                "comment": comment,
                "timestamp": str(int(seen.timestamp())),
            }
        )

    objects: list[dict[str, Any]] = []

    def add_object(name: str, relation: str, kind: str, category: str, value: str, *, to_ids: bool) -> None:
        template, version, meta = TEMPLATES[name]
        objects.append(
            {
                "uuid": item.uid("misp-object", name, value),
                "name": name,
                "meta-category": meta,
                "template_uuid": template,
                "template_version": version,
                "distribution": "5",  # as the event
                "timestamp": str(int(seen.timestamp())),
                "Attribute": [
                    {
                        "uuid": item.uid("misp-object-attribute", name, relation, value),
                        "object_relation": relation,
                        "type": kind,
                        "category": category,
                        "value": value,
                        "to_ids": to_ids,
                    }
                ],
            }
        )

    for ioc in s.indicators:
        kind, category = _IOC_TYPES[ioc.kind]
        if ioc.kind in _HASHES:
            add_object("file", kind, kind, category, ioc.value.lower(), to_ids=True)
        else:
            add(kind, category, refang(ioc.value), to_ids=True, comment=ioc.evidence.sentence[:200])
    for m in s.victims:
        add("target-org", "Targeting data", m.text)
    for m in s.attackers:
        add("threat-actor", "Attribution", m.text)
    for m in s.locations:
        add("target-location", "Targeting data", m.text)
    for m in s.cves:
        add_object("vulnerability", "id", "vulnerability", "External analysis", m.text.upper(), to_ids=False)
    for url in item.sources:
        add("link", "External analysis", url)
    add("text", "Other", s.summary, comment="summary")
    tags = [
        {"name": "tlp:clear"},
        {"name": f'incident-bot:type="{s.incident_type.value}"'},
        *({"name": galaxy_tag(t.id, t.name)} for t in s.attack_techniques),
    ]
    return {
        "Event": {
            "uuid": item.uid("misp-event"),
            "info": s.title,
            "date": seen.date().isoformat(),
            "timestamp": str(int(utc(item.last_seen).timestamp())),
            "threat_level_id": _THREAT_LEVEL.get(s.severity.level, "4"),
            "analysis": "0",  # initial: read from one or more news reports
            "distribution": "0",  # this organisation only, until someone shares it
            "published": False,
            "Attribute": attributes,
            "Object": objects,
            "Tag": tags,
        }
    }


def misp_events(items: Sequence[ExportItem]) -> str:
    """One event: that event's JSON object. Several: ``{"response": [event, …]}``, the shape
    MISP's own search API answers with and its import reads."""
    events = [_event(i) for i in items]
    document: Any = events[0] if len(events) == 1 else {"response": events}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
