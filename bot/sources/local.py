"""Articles from local files, pasted text and stdin."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import BinaryIO

from bot.errors import BadInputError, EmptyInputError, InputTooLargeError, UnsupportedInputError
from bot.extraction.schema import Article

# 5 MB is far beyond any single article (the longest news features are ~100 kB) but small enough
# that reading and analysing it stays within a second or two.
MAX_INPUT_BYTES = 5_000_000
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ""})
HTML_SUFFIXES = frozenset({".html", ".htm"})
# A share of NUL/control bytes this high means the bytes are not text at all.
_BINARY_CONTROL_SHARE = 0.05
_TITLE_MAX = 200
# A title line is what ``\s*([^\n]{3,200})\n[ \t]*\n`` matches at the start of a text. That regex
# is linear but re-reads up to 200 characters for every character of leading whitespace it gives
# back (3.7 s for 2 MB of spaces, as a text/plain link can be), so _title_line finds its match
# directly: the title line starts after the leading whitespace (or gives back what it needs to
# reach 3 characters), else it is a line of whitespace inside it, as the regex would take it.
_BLANK_LINE = re.compile(r"\n[ \t]*+\n")
_SHORT_LINE_END = re.compile(r"(?<=[^\n][^\n][^\n])\n(?=[ \t]*+\n)")


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) first, else the detected charset."""
    if not data:
        return ""
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls / len(sample) > _BINARY_CONTROL_SHARE:
        raise UnsupportedInputError("this looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _title_line(text: str) -> tuple[str, int] | None:
    r"""The title line at the start of ``text`` (up to _TITLE_MAX characters, then a blank line) and
    where the text after it starts: the match of ``\s*([^\n]{3,200})\n[ \t]*\n``, the regex this
    replaces, in time linear in the leading whitespace."""
    ws_end = len(text) - len(text.lstrip())  # str.isspace is what \s matches
    line_end = text.find("\n", ws_end)
    if line_end >= 0:
        # the longest \s* the line can follow: all the leading whitespace, less what a line of
        # fewer than 3 characters needs, never back past a newline or over 200 characters
        start = min(ws_end, line_end - 3)
        blank = _BLANK_LINE.match(text, line_end)
        if blank and start > text.rfind("\n", 0, ws_end) and line_end - start <= _TITLE_MAX:
            return text[start:line_end], blank.end()
    # else the regex's \s* gives back whole lines: the last line of at least 3 whitespace
    # characters inside the leading whitespace that a blank line follows (3 characters of it)
    last = None
    for m in _SHORT_LINE_END.finditer(text, 0, ws_end):
        last = m
    if last is None:
        return None
    blank = _BLANK_LINE.match(text, last.start())
    assert blank is not None  # the lookahead saw it
    return text[last.start() - 3 : last.start()], blank.end()


def split_title(text: str) -> tuple[str | None, str]:
    """A short first line followed by a blank line is the title (how people paste articles)."""
    found = _title_line(text)
    if found and not found[0].rstrip().endswith((".", ":", ",")):
        return found[0].strip(), text[found[1] :]
    return None, text


def article_from_text(
    text: str, *, title: str | None = None, published: dt.date | None = None, url: str | None = None
) -> Article:
    """An Article from pasted text; a title line is split off when the text starts with one."""
    if not text.strip():
        raise EmptyInputError("the text is empty")
    if title is None:
        title, text = split_title(text)
    return Article(text=text, title=title, published=published, url=url)


def _read_capped(stream: BinaryIO, what: str) -> bytes:
    data = stream.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(f"{what} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; is it one article?")
    return data


def read_path(path: Path, *, published: dt.date | None = None) -> Article:
    """Read a .txt/.md/.html file into an Article."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise BadInputError(f"{path}: no such file (give a file, an http(s) URL, or - for stdin)")
    if not path.is_file():
        raise BadInputError(f"{path}: not a file")
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise UnsupportedInputError(f"{path}: unsupported file type {suffix!r} (use .txt, .md or .html)")
    with path.open("rb") as fh:
        data = _read_capped(fh, str(path))
    if suffix in HTML_SUFFIXES:
        from bot.sources.html import article_from_html

        return article_from_html(decode(data), published=published)
    return article_from_text(decode(data), published=published)


def read_stream(stream: BinaryIO, *, published: dt.date | None = None) -> Article:
    """Read pasted text from a byte stream (stdin)."""
    return article_from_text(decode(_read_capped(stream, "the input")), published=published)
