"""Quoted statements and who made them ("...," said a spokesperson for X)."""

from __future__ import annotations

import re

from bot.extraction.mentions import Context, mention
from bot.extraction.schema import Statement
from bot.extraction.text import Sentence

# A quote of at least four words between straight quotes (curly ones are folded to straight).
_QUOTE = re.compile(r'"([^"\n]{20,600}?)"')
_VERB = r"(?:said|says|told|added|wrote|tweeted|asked|stated|explained|noted|warned|confirmed|commented)"
# Speaker after the quote: ', said John Smith' / ', a spokesperson said' / ', John Smith said'.
_NAME = r"(?:(?:Mr|Mrs|Ms|Dr|Prof)\.\s+)?(?:[A-Z][\w.'-]*(?:\s+(?:of|for|at|the|de|van|von|[A-Z][\w.'-]*)){0,6}|an? [a-z ]{2,40}(?:spokes\w+|officials?|representatives?|statements?)(?: (?:for|of|at) [A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4})?|(?:the )?(?:company|firm|agency|police|bank|hospital|statement|spokes\w+))"
_AFTER = re.compile(r"^[,\s]*(?:" + _VERB + r"\s+(" + _NAME + r")|(" + _NAME + r")\s+" + _VERB + r")")
# Speaker before the quote: 'John Smith said: "..."'.
_BEFORE = re.compile(r"(" + _NAME + r")\s+" + _VERB + r"(?: in a statement| that)?[,:]?\s*$")
_MAX_STATEMENTS = 10
# The speaker before a quote is looked for in this many characters before it: a name of up to
# seven words and its verb fit many times over. Searching the whole sentence start, _BEFORE
# (anchored at the end but tried from every capital) was quadratic in a long capitalised run:
# 5.7 s for 16,000 characters before one quote.
_BEFORE_WINDOW = 300


def _speaker(ctx: Context, sent: Sentence, q_start: int, q_end: int) -> tuple[int, int] | None:
    norm = ctx.doc.norm if sent.source == "text" else ctx.doc.title_norm
    after = norm[q_end : sent.end]
    m = _AFTER.match(after)
    if m:
        g = 1 if m.group(1) else 2
        return q_end + m.start(g), q_end + m.end(g)
    lo = max(sent.start, q_start - _BEFORE_WINDOW)
    m = _BEFORE.search(norm[lo:q_start])
    if m:
        return lo + m.start(1), lo + m.end(1)
    return None


def extract_statements(ctx: Context) -> list[Statement]:
    """Quotes in the body with their speaker when the sentence names one."""
    out: list[Statement] = []
    doc = ctx.doc
    for sent in doc.sentences:
        for m in _QUOTE.finditer(sent.norm):
            if len(m.group(1).split()) < 4:
                continue
            qs, qe = sent.start + m.start(1), sent.start + m.end(1)
            span = _speaker(ctx, sent, sent.start + m.start(), sent.start + m.end())
            speaker = mention(doc, sent, *span) if span else None
            out.append(Statement(speaker=speaker, quote=mention(doc, sent, qs, qe)))
            if len(out) >= _MAX_STATEMENTS:
                return out
    return out
