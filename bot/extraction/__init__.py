"""The extraction core: Article -> IncidentSummary. Pure text processing: no network, no database.

Only pydantic and small parsing libraries are imported here; a test polices that rule.
"""

from bot.extraction.pipeline import summarize_article
from bot.extraction.schema import Article, IncidentSummary

__all__ = ["Article", "IncidentSummary", "summarize_article"]
