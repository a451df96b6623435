"""Text from the data (or from a user) kept as text wherever it goes: Markdown pages and spreadsheets.

(Charts draw every string as written through the style: plotting.STYLE turns matplotlib's mathtext off.)
"""
from __future__ import annotations

import html
import re
import string
import unicodedata

#: Every ASCII punctuation character, each of which CommonMark lets a backslash make literal.
_MARKDOWN_SPECIALS = frozenset(string.punctuation)
#: A cell beginning with one of these is run as a formula by spreadsheets (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(text: str) -> str:
    """Text that Markdown (and the HTML it may hold) shows exactly as written: every punctuation mark escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text).replace("\n", " ")


def plain_text(markdown: str) -> str:
    """The words Markdown shows, as plain text on one line: markdown_text undone ("Profits at \\$10" -> "Profits at
    $10", "\\<b\\>" -> "<b>"), emphasis and code marks dropped (mistune reads it, as the printables render it)."""
    import mistune

    tokens = mistune.create_markdown(renderer=None)(markdown)
    return " ".join(_words(tokens if isinstance(tokens, list) else []).split())


def _words(tokens: list[dict[str, object]]) -> str:
    """The text of mistune's tokens: each one's raw text or its children's, blocks and line breaks apart."""
    out = []
    for token in tokens:
        children = token.get("children")
        raw = token.get("raw")
        text = html.unescape(raw) if token.get("type") == "text" and isinstance(raw, str) else raw  # "&amp;": &
        out.append(_words(children) if isinstance(children, list) else text if isinstance(text, str) else " ")
        if token.get("type") not in {"text", "emphasis", "strong", "codespan", "link", "inline_html"}:
            out.append(" ")  # a block, or a line break: the words on either side stay apart
    return "".join(out)


def spreadsheet_cell(value: object) -> object:
    """A CSV field a spreadsheet shows as text, never runs: a string beginning = + - @ TAB or CR gets a leading '.

    A carriage return inside a string becomes a line feed: Python's csv writer (and pandas') quotes a field holding
    "\n" but not one holding a bare "\r", which every reader takes for the end of the row.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")



#: Characters that change how text around them shows (bidirectional overrides and isolates, U+202A-E, U+2066-9).
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Every character no reader sees as written: Unicode's controls (category Cc, U+0000-001F and U+007F-009F), its one
#: line separator and one paragraph separator (Zl U+2028, Zp U+2029; Unicode keeps these sets fixed) and the
#: bidirectional controls. One expression: a loop asking unicodedata of each character of every field took a fifth of
#: a package's validation (validate_package: 20.9 ms, now 16.7 ms).
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: What XML 1.0 forbids in a document (C0 controls but tab, line feed and return; surrogates; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def hidden_character(text: str, allow: str = "") -> str | None:
    """The first character in ``text`` no reader can see as written (a control such as NUL, ESC, backspace, CR or
    NEL, a line or paragraph separator, a bidirectional control), or None; ``allow`` names controls that may stand."""
    return next((found.group() for found in _HIDDEN.finditer(text) if found.group() not in allow), None)


def is_blank(text: str) -> bool:
    """True when nothing in ``text`` shows: only white space and invisible format characters (a zero-width space)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def printable(text: str) -> str:
    """Text from someone else (a student's file name, an error they raised) safe to print on a terminal or in a
    table: each character that is not printable (escape sequences, bell, new lines, bidirectional controls) is
    written as its Python escape, so it shows and does nothing."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def xml_text(text: str) -> str:
    """Text with what XML 1.0 forbids taken out (so an SVG built from data stays well-formed XML)."""
    return _NOT_XML.sub("", text)
