"""Reading local files and pasted text into Articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BadInputError, EmptyInputError, InputTooLargeError, UnsupportedInputError
from bot.sources import local
from bot.sources.local import article_from_text, decode, read_path, split_title


def test_title_line_is_split_off() -> None:
    title, body = split_title("Big breach at Acme\n\nAcme said hackers stole data.")
    assert title == "Big breach at Acme"
    assert body == "Acme said hackers stole data."


def test_first_sentence_is_not_mistaken_for_a_title() -> None:
    assert split_title("Acme said hackers stole data.\n\nMore text.")[0] is None


def test_decode_handles_bom_and_latin1() -> None:
    assert decode("\ufeffCaf\u00e9".encode()) == "Caf\u00e9"
    assert "Caf" in decode("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e au citron".encode("latin-1"))


def test_decode_refuses_binary() -> None:
    with pytest.raises(UnsupportedInputError):
        decode(b"\x00\x01\x02\x03" * 100)


def test_empty_text_refused() -> None:
    with pytest.raises(EmptyInputError):
        article_from_text(" \n\t")


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(BadInputError, match="not a file"):
        read_path(tmp_path)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    with pytest.raises(UnsupportedInputError):
        read_path(pdf)


def test_huge_file_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "MAX_INPUT_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(InputTooLargeError):
        read_path(big)


def test_html_file_becomes_article_text(tmp_path: Path) -> None:
    body = " ".join(["Hackers stole customer records from Acme Corp last week, the company said."] * 6)
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Acme breach</title></head><body><nav>Home | News</nav>"
        f"<article><h1>Acme breach</h1><p>{body}</p></article><script>track()</script></body></html>"
    )
    art = read_path(page)
    assert "Hackers stole customer records" in art.text
    assert "track()" not in art.text


def test_html_without_article_text_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "login.html"
    page.write_text("<html><body><form>Log in <input name=u></form></body></html>")
    with pytest.raises(UnsupportedInputError, match="no article text"):
        read_path(page)
