"""STIX 2.1 bundles, built with the `stix2` library (OASIS's own Python implementation).

Per incident: a ``report`` (title, summary, the article links, its type as a label) that refers to
everything below; an ``identity`` per victim, a ``threat-actor`` per attacker, a ``malware`` per
named tool, a ``vulnerability`` per CVE, an ``attack-pattern`` per ATT&CK technique, a
``location`` per country, an ``indicator`` (a STIX pattern on the live value) with its observable
per indicator of compromise, and the relationships between them: the actor ``targets`` the victims
and CVEs and ``uses`` the malware and techniques, an indicator ``indicates`` the actor (else the
malware) and is ``based-on`` its observable, a victim is ``located-at`` the country.

Ids are derived (uuid5), never random: an incident's report and relationships from the incident,
and what incidents share (a victim, an actor, a CVE, a technique) from its name alone, so the same
victim in two reports is one identity, and re-importing a bundle updates instead of duplicating.
Shared objects carry a fixed timestamp for the same reason; a report is dated by the incident.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import stix2

from bot.exports.item import NAMESPACE, ExportItem, shared_uid, utc
from bot.extraction.benign import refang
from bot.extraction.schema import Indicator

# Objects several incidents share are one version of themselves in every export.
SHARED_TIMESTAMP = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
PRODUCER_ID = "identity--" + shared_uid("producer", "incident-bot")
_HASH_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}


def _quoted(value: str) -> str:
    """A STIX pattern string literal: backslashes and quotes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def indicator_pattern(indicator: Indicator) -> tuple[str, Any]:
    """The STIX pattern of an indicator (on its live value) and the observable it is based on."""
    kind, live = indicator.kind, refang(indicator.value)
    if kind in _HASH_NAMES:
        name = _HASH_NAMES[kind]
        return f"[file:hashes.{_quoted(name)} = {_quoted(live.lower())}]", stix2.File(hashes={name: live.lower()})
    if kind == "ipv4":
        return f"[ipv4-addr:value = {_quoted(live)}]", stix2.IPv4Address(value=live)
    if kind == "ipv6":
        return f"[ipv6-addr:value = {_quoted(live)}]", stix2.IPv6Address(value=live)
    if kind == "domain":
        return f"[domain-name:value = {_quoted(live.lower())}]", stix2.DomainName(value=live.lower())
    if kind == "email":
        return f"[email-addr:value = {_quoted(live)}]", stix2.EmailAddress(value=live)
    return f"[url:value = {_quoted(live)}]", stix2.URL(value=live)


def _shared(kind: str, name: str) -> dict[str, Any]:
    return {"id": f"{kind}--{shared_uid(kind, name)}", "created": SHARED_TIMESTAMP, "modified": SHARED_TIMESTAMP}


def _country(place: str) -> str | None:
    import pycountry

    try:
        return str(pycountry.countries.lookup(place).alpha_2)
    except LookupError:
        return None


def _incident_objects(item: ExportItem) -> Iterator[Any]:
    s = item.summary
    created, modified = utc(item.first_seen), utc(max(item.first_seen, item.last_seen))
    who = {"created_by_ref": PRODUCER_ID}
    victims = [
        stix2.Identity(name=m.text, identity_class="organization", **_shared("identity", m.text), **who)
        for m in s.victims
    ]
    actors = [stix2.ThreatActor(name=m.text, **_shared("threat-actor", m.text), **who) for m in s.attackers]
    malware = [stix2.Malware(name=m.text, is_family=True, **_shared("malware", m.text), **who) for m in s.tools]
    cves = [
        stix2.Vulnerability(
            name=m.text.upper(),
            external_references=[{"source_name": "cve", "external_id": m.text.upper()}],
            **_shared("vulnerability", m.text.upper()),
            **who,
        )
        for m in s.cves
    ]
    techniques = [
        stix2.AttackPattern(
            name=t.name,
            external_references=[
                {
                    "source_name": "mitre-attack",
                    "external_id": t.id,
                    "url": f"https://attack.mitre.org/techniques/{t.id.replace('.', '/')}/",
                }
            ],
            kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": t.tactic}],
            **_shared("attack-pattern", t.id),
            **who,
        )
        for t in s.attack_techniques
    ]
    countries = {code: m.text for m in s.locations if (code := _country(m.text))}
    places = [
        stix2.Location(name=name, country=code, **_shared("location", code), **who) for code, name in countries.items()
    ]
    indicators, observables = [], []
    for ioc in s.indicators:
        pattern, observable = indicator_pattern(ioc)
        indicators.append(
            stix2.Indicator(
                id="indicator--" + shared_uid("indicator", pattern),
                created=SHARED_TIMESTAMP,
                modified=SHARED_TIMESTAMP,
                name=ioc.value,  # defanged: safe to show in any interface
                description=ioc.evidence.sentence[:500],
                pattern=pattern,
                pattern_type="stix",
                valid_from=SHARED_TIMESTAMP,
                **who,
            )
        )
        observables.append(observable)

    def rel(kind: str, source: Any, target: Any) -> Any:
        return stix2.Relationship(
            id="relationship--" + item.uid("rel", kind, source.id, target.id),
            relationship_type=kind,
            source_ref=source.id,
            target_ref=target.id,
            created=created,
            modified=modified,
            **who,
        )

    links = [
        *(rel("targets", a, t) for a in actors for t in [*victims, *cves]),
        *(rel("uses", a, u) for a in actors for u in [*malware, *techniques]),
        *(rel("indicates", i, t) for i in indicators for t in (actors or malware)),
        *(rel("based-on", i, o) for i, o in zip(indicators, observables, strict=True)),
        *(rel("located-at", v, p) for v in victims for p in places),
    ]
    parts = [*victims, *actors, *malware, *cves, *techniques, *places, *indicators, *observables, *links]
    yield stix2.Report(
        id="report--" + item.uid("report"),
        created=created,
        modified=modified,
        published=created,
        name=s.title,
        description=s.summary,
        report_types=["threat-report"],
        labels=[t.value for t in s.incident_types] or [s.incident_type.value],
        object_refs=[PRODUCER_ID, *(p.id for p in parts)],
        external_references=[{"source_name": "article", "url": url} for url in item.sources]
        or [{"source_name": "incident-bot", "external_id": f"#{item.incident_id}"}],
        **who,
    )
    yield from parts


def stix_bundle(items: Sequence[ExportItem]) -> str:
    producer = stix2.Identity(
        id=PRODUCER_ID,
        name="incident-bot",
        identity_class="system",
        created=SHARED_TIMESTAMP,
        modified=SHARED_TIMESTAMP,
    )
    objects: dict[str, Any] = {PRODUCER_ID: producer}
    for item in items:
        for obj in _incident_objects(item):
            objects.setdefault(obj.id, obj)
    ids = sorted(objects)
    bundle = stix2.Bundle(objects=[objects[i] for i in ids], id="bundle--" + str(uuid.uuid5(NAMESPACE, "\n".join(ids))))
    return str(bundle.serialize(pretty=True)) + "\n"
