"""The data contract of the extraction core: Article in, IncidentSummary out (schema_version 1).

These models are the JSON contract documented in docs/schema.md; field names are stable.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1


class IncidentType(StrEnum):
    """The incident taxonomy (see docs/schema.md for what each covers)."""

    DATA_BREACH = "data_breach"
    RANSOMWARE = "ransomware"
    PHISHING = "phishing"
    ACCOUNT_COMPROMISE = "account_compromise"
    MALWARE = "malware"
    DDOS = "ddos"
    DEFACEMENT = "defacement"
    VULNERABILITY = "vulnerability"
    PATCH = "patch"
    INSIDER = "insider"
    SUPPLY_CHAIN = "supply_chain"
    ESPIONAGE = "espionage"
    FRAUD = "fraud"
    OUTAGE = "outage"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    UNKNOWN = "unknown"


class Status(StrEnum):
    INVESTIGATING = "investigating"
    CONTAINED = "contained"
    RESOLVED = "resolved"
    DISCLOSED = "disclosed"
    UNKNOWN = "unknown"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(_Frozen):
    """What the extraction core reads: the text of one article plus what is known about it."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    site: str | None = None
    # When the text was handed over (a Slack message's time): relative dates ("on Tuesday") are
    # resolved against it when the article has no publication date.
    posted: dt.date | None = None


class Evidence(_Frozen):
    """Where a mention came from: ``source[start:end]`` is the mention, inside ``sentence``."""

    source: Literal["text", "title", "correction"]  # "correction": a fact a person set (bot/domain/corrections.py)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class Money(_Frozen):
    amount: float
    currency: str  # ISO 4217 code, or "BTC" / "XMR" for the coins ransoms are asked in


MentionValue = int | float | str | Money | None


class Mention(_Frozen):
    """One fact as the article states it, with its normalized value and its evidence."""

    text: str
    value: MentionValue = None
    evidence: Evidence


class Statement(_Frozen):
    speaker: Mention | None
    quote: Mention


class Indicator(_Frozen):
    kind: Literal["ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256"]
    value: str  # defanged for display: 1.2.3[.]4, hxxp://, evil[.]com
    evidence: Evidence


class AttackTechnique(_Frozen):
    """A MITRE ATT&CK technique the article says was used (bot/extraction/attack.py)."""

    id: str  # "T1566.001"
    name: str  # "Phishing: Spearphishing Attachment"
    tactic: str  # ATT&CK's tactic short name: "initial-access", "impact", …
    mention: Mention  # the words that state it, with their sentence


class SeverityAssessment(_Frozen):
    level: Severity
    reason: str


class SourceInfo(_Frozen):
    url: str | None = None
    title: str | None = None
    site: str | None = None
    published: dt.date | None = None


Exploited = Literal["yes", "no", "unknown"]


class VulnerabilityInfo(_Frozen):
    """What a reader of a vulnerability or patch story needs, each with its evidence."""

    vendor: Mention | None = None
    products: list[Mention] = []
    affected_versions: list[Mention] = []
    fixed_versions: list[Mention] = []
    exploited: Exploited = "unknown"  # exploited in the wild, as the article says
    exploited_evidence: Mention | None = None
    cvss: list[Mention] = []  # value: the score, when stated


class RelatedIncident(_Frozen):
    """Another incident the article mentions for context (an earlier breach, a comparison): never
    part of the card's own facts."""

    name: str
    incident_type: IncidentType
    evidence: Evidence
    victims: list[Mention] = []
    attackers: list[Mention] = []
    tools: list[Mention] = []
    dates: list[Mention] = []
    locations: list[Mention] = []
    compromised_data: list[Mention] = []
    affected_counts: list[Mention] = []
    financial_losses: list[Mention] = []
    ransom_demands: list[Mention] = []
    cves: list[Mention] = []
    affected_products: list[Mention] = []


class IncidentSummary(_Frozen):
    """The structured, evidence-backed summary of one article."""

    schema_version: Literal[1] = SCHEMA_VERSION
    title: str
    summary: str = Field(max_length=600)
    incident_type: IncidentType
    incident_types: list[IncidentType]
    severity: SeverityAssessment
    status: Status
    is_incident: bool
    confidence: float = Field(ge=0.0, le=1.0)
    victims: list[Mention] = []
    attackers: list[Mention] = []
    dates: list[Mention] = []
    locations: list[Mention] = []
    compromised_data: list[Mention] = []
    affected_counts: list[Mention] = []
    financial_losses: list[Mention] = []
    ransom_demands: list[Mention] = []
    cves: list[Mention] = []
    affected_products: list[Mention] = []
    tools: list[Mention] = []
    attack_vector: list[Mention] = []
    statements: list[Statement] = []
    indicators: list[Indicator] = []
    source: SourceInfo = SourceInfo()
    # Added in schema version 1 without breaking stored summaries (both have defaults).
    vulnerability: VulnerabilityInfo | None = None
    related_incidents: list[RelatedIncident] = []
    attack_techniques: list[AttackTechnique] = []
