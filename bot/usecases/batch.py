"""Batch extraction: one JSONL input record in, one JSONL output record out, never raising."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from bot.errors import BadInputError, IncidentBotError
from bot.extraction import Article, summarize_article
from bot.extraction.schema import IncidentSummary

log = logging.getLogger(__name__)

# Fetches a URL into an Article; None when link reading is not wired in.
UrlReader = Callable[[str], Article]


def parse_published(value: object) -> dt.date | None:
    """Accept an ISO date or datetime string (the form news feeds and CASIE use)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadInputError("'published' must be an ISO date string like 2024-05-01")
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)  # feeds often drop the zero padding
    try:
        if m is None:
            raise ValueError(value)
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise BadInputError(f"'published' is not an ISO date (YYYY-MM-DD): {value[:40]!r}") from exc


def _article(record: dict[str, Any], read_url: UrlReader | None) -> Article:
    text, url, title = record.get("text"), record.get("url"), record.get("title")
    published = parse_published(record.get("published", record.get("date")))
    if title is not None and not isinstance(title, str):
        raise BadInputError("'title' must be a string")
    if isinstance(text, str) and text.strip():
        return Article(text=text, title=title, published=published, url=url if isinstance(url, str) else None)
    if isinstance(url, str) and url.strip():
        if read_url is None:
            raise BadInputError("this record has only a url and link reading is not available")
        art = read_url(url)
        return art.model_copy(update={"published": published or art.published, "title": title or art.title})
    raise BadInputError("record needs a non-empty 'text' or a 'url'")


def summarize_record(record: dict[str, Any], read_url: UrlReader | None = None) -> IncidentSummary:
    return summarize_article(_article(record, read_url))


def process_line(line: str, lineno: int, read_url: UrlReader | None = None) -> dict[str, Any]:
    """One input line -> ``{"id", "incident"}`` or ``{"id", "error": {"code", "message"}}``."""
    rid: Any = f"line-{lineno}"
    try:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"line {lineno} is not valid JSON: {exc.msg}") from exc
        if not isinstance(record, dict):
            raise BadInputError(f"line {lineno} is not a JSON object")
        rid = record.get("id", rid)
        summary = summarize_record(record, read_url)
        return {"id": rid, "incident": summary.model_dump(mode="json")}
    except IncidentBotError as exc:
        return {"id": rid, "error": {"code": exc.code, "message": str(exc)}}
    except Exception as exc:  # one bad record must never stop the batch
        error_id = uuid.uuid4().hex[:8]
        log.exception("record %s failed (error id %s)", rid, error_id)
        return {
            "id": rid,
            "error": {"code": "internal", "message": f"{type(exc).__name__} (error id {error_id})"},
        }
