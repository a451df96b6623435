"""Text from the data (or from a user) kept as text wherever it goes: Markdown pages and spreadsheets.

(Charts draw every string as written through the style: plotting.STYLE turns matplotlib's mathtext off.)
"""
from __future__ import annotations

import string

#: Every ASCII punctuation character, each of which CommonMark lets a backslash make literal.
_MARKDOWN_SPECIALS = frozenset(string.punctuation)
#: A cell beginning with one of these is run as a formula by spreadsheets (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(text: str) -> str:
    """Text that Markdown (and the HTML it may hold) shows exactly as written: every punctuation mark escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text).replace("\n", " ")


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

