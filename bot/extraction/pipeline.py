"""Article -> IncidentSummary: classify, extract the fields the type can have, compose, assess."""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import EmptyInputError, InputTooLargeError
from bot.extraction import (
    assess,
    attack,
    benign,
    compose,
    cves,
    data_types,
    dates,
    entities,
    indicators,
    numbers,
    places,
    products,
    related,
    statements,
    vector,
    vulnerability,
)
from bot.extraction.classify import Classification, classify
from bot.extraction.learned import ModelSet, shipped
from bot.extraction.mentions import Context
from bot.extraction.mentions import key as mention_key
from bot.extraction.schema import Article, IncidentSummary, IncidentType, Mention, SourceInfo
from bot.extraction.text import Doc

T = IncidentType

# A long news feature is ~60 kB of text; 2 MB leaves room for pasted reports while keeping the
# worst case under a second (every rule is linear: tests/extraction/test_linear.py; figures in
# docs/performance.md).
MAX_TEXT_CHARS = 2_000_000
# Only the first 200,000 characters are analysed: ten times the longest article body in the
# evaluation data (about 20,000 characters), and the facts of a news story sit at its top. This bounds the worst case
# (bench/speed.py: pathological 2 MB inputs) to under a second; offsets stay valid because
# the window is a prefix.
ANALYSIS_CHARS = 200_000

# Which fields each primary type can have. A vulnerability disclosure or a patch has no victim,
# stolen data or affected count of its own; filling them anyway produces confident noise.
# (This mirrors the event arguments of the CASIE annotation scheme, which matches how security
# news describes these events.)
_VULN_TYPES = frozenset({T.VULNERABILITY, T.PATCH})


def prepare(article: Article, *, models: ModelSet | None = None) -> tuple[Context, Classification]:
    """The analysed document, its classification and the context every field extractor reads (the
    training harness builds its examples from the same context)."""
    doc = Doc(text=(article.text or "")[:ANALYSIS_CHARS], title=(article.title or "")[:ANALYSIS_CHARS])
    models = models or shipped()
    cls = classify(doc, models)
    ctx = Context(doc=doc, published=article.published, types=cls.types, models=models, posted=article.posted)
    return ctx, cls


def summarize_article(article: Article, *, models: ModelSet | None = None) -> IncidentSummary:
    """Extract the incident summary of one article. Pure: no I/O, deterministic. ``models`` are
    the learned scorers to use (default: the shipped ones; the training harness passes a fold's)."""
    text = article.text or ""
    title = article.title or ""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLargeError(
            f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} (is this one article?)"
        )
    if not text.strip() and not title.strip():
        raise EmptyInputError("the text is empty")
    ctx, cls = prepare(article, models=models)
    doc, types = ctx.doc, cls.types
    vuln_story = types[0] in _VULN_TYPES
    # A flaw story that also reports a breach has stolen data and counts of its own (e.g. a bug
    # that exposed records): those two fields stay open for it (+0.014 data F1, +0.011 counts F1
    # on the CASIE dev split).
    also_breach = T.DATA_BREACH in types

    def when(allowed: bool, fn: Callable[[Context], list[Mention]]) -> list[Mention]:
        return fn(ctx) if (allowed and cls.is_incident) else []

    # Named as IncidentSummary names them: the fields a related incident can take facts from.
    fields = {
        "victims": when(not vuln_story, entities.extract_victims),
        "attackers": when(not vuln_story, entities.extract_attackers),
        "dates": when(True, dates.extract_dates),
        "locations": when(not vuln_story, places.extract_locations),
        "compromised_data": when(not vuln_story or also_breach, data_types.extract_compromised_data),
        "affected_counts": when(not vuln_story or also_breach, numbers.extract_affected_counts),
        "financial_losses": when(True, numbers.extract_financial_losses),
        "ransom_demands": when(T.RANSOMWARE in types, numbers.extract_ransom_demands),
        "cves": cves.extract_cves(ctx),
        "affected_products": when(True, products.extract_products),
        "tools": when(True, products.extract_tools),
    }
    attack_vector = when(not vuln_story, vector.extract_attack_vector)
    quotes = statements.extract_statements(ctx) if cls.is_incident else []
    iocs = indicators.extract_indicators(ctx) if cls.is_incident else []
    techniques = attack.extract_techniques(ctx) if cls.is_incident else []

    # The main incident first: facts the article recalls about other incidents leave the card.
    kept, related_incidents, context = related.split_related(
        doc, fields, anchors=fields["victims"][:1], reference=ctx.reference_date
    )
    # Not indicators: the publisher's and the victim's own sites, top sites, reserved addresses.
    iocs = benign.drop_benign(iocs, source_url=article.url, site=article.site, victims=kept["victims"])
    # The victim is what was hit, not a product of the flaw ("X's servers were breached").
    hit = {mention_key(v.text) for v in kept["victims"]}
    kept["affected_products"] = [p for p in kept["affected_products"] if mention_key(p.text) not in hit]
    flaw = (
        vulnerability.extract_vulnerability(ctx, kept["affected_products"])
        if (vuln_story and cls.is_incident)
        else None
    )

    severity = assess.assess_severity(
        doc,
        is_incident=cls.is_incident,
        types=types,
        affected_counts=kept["affected_counts"],
        financial_losses=kept["financial_losses"],
        compromised_data=kept["compromised_data"],
    )
    status = assess.assess_status(doc, is_incident=cls.is_incident, types=types)
    facts = compose.Facts(
        types=types,
        is_incident=cls.is_incident,
        victims=kept["victims"],
        attackers=kept["attackers"],
        tools=kept["tools"],
        vector=attack_vector,
        data=kept["compromised_data"],
        counts=kept["affected_counts"],
        losses=kept["financial_losses"],
        ransoms=kept["ransom_demands"],
        cves=kept["cves"],
        products=kept["affected_products"],
        vulnerability=flaw,
        context=context,
    )
    return IncidentSummary(
        title=compose.make_title(doc, facts),
        summary=compose.make_summary(doc, facts),
        incident_type=types[0],
        incident_types=types,
        severity=severity,
        status=status,
        is_incident=cls.is_incident,
        confidence=cls.confidence,
        victims=kept["victims"],
        attackers=kept["attackers"],
        dates=kept["dates"],
        locations=kept["locations"],
        compromised_data=kept["compromised_data"],
        affected_counts=kept["affected_counts"],
        financial_losses=kept["financial_losses"],
        ransom_demands=kept["ransom_demands"],
        cves=kept["cves"],
        affected_products=kept["affected_products"],
        tools=kept["tools"],
        attack_vector=attack_vector,
        statements=quotes,
        indicators=iocs,
        source=SourceInfo(url=article.url, title=article.title, site=article.site, published=article.published),
        vulnerability=flaw,
        related_incidents=related_incidents,
        attack_techniques=techniques,
    )
