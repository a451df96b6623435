"""Coverage audit: every numeric word in the seed is a figure, a figure's period, or a reasoned non-figure."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .lexicon import lexicon
from .package import Package
from .parse import DIGITS, ODD_DIGITS, by_first_letter
from .problems import Problem
from .proposals import proposal_rows
from .store import check_article, checked_package


@lru_cache(maxsize=1)
def token_pattern() -> re.Pattern[str]:
    """The regex for numeric tokens: digits, number words, ordinals and vague quantities, from the lexicon."""
    lex = lexicon()
    words = {
        "number word": [*lex["number_words"], *lex["multiplier_words"], *lex["scale_words"], *lex["fraction_words"],
                        *lex["times_words"]],
        "ordinal": lex["ordinal_words"],
        "vague": list(lex["vague_quantities"]),
    }
    parts = [f"(?P<odd_digits>{ODD_DIGITS})", f"(?P<digits>{DIGITS})"]
    for kind, items in words.items():
        parts.append(rf"(?P<{kind.replace(' ', '_')}>\b(?:{by_first_letter(items, ignore_case=True)})\b)")
    return re.compile("|".join(parts), re.IGNORECASE)



def token_spans(text: str) -> list[tuple[int, int, str]]:
    """Every numeric token in a text as (start, end, kind), without building a table."""
    return [(m.start(), m.end(), (m.lastgroup or "").replace("_", " ")) for m in token_pattern().finditer(text)]


def find_tokens(text: str) -> pd.DataFrame:
    """Every numeric token in a text, with its offsets and kind."""
    rows = [{"token": m.group(), "start": m.start(), "end": m.end(), "kind": (m.lastgroup or "").replace("_", " ")}
            for m in token_pattern().finditer(text)]
    return pd.DataFrame(rows, columns=["token", "start", "end", "kind"])


def coverage_audit(root: str | Path | None = None, seed: str | None = None) -> pd.DataFrame:
    """Each numeric token in each seed and how it is accounted for: status is figure, period, non-figure or unaccounted.

    A token counts as a figure only inside a figure's number_text, and as a period only inside its
    period_text: standing somewhere in a long quote is not enough. An article's proposals (data/proposed/) account
    for tokens as decided rows do, and the ``proposed`` column says which did; ``seed`` audits one article.
    """
    package = checked_package(root)
    if seed is not None:
        check_article(package, seed)
    return audit(package, seed)


def _spans(package: Package) -> dict[str, list[Span]]:
    """What accounts for tokens, by article: decided rows (figures, their periods, non-figures) and proposals."""
    spans: dict[str, list[Span]] = {}
    figure_rows = [(r, r.get("figure_id", ""), False) for r in package.tables["figures"].rows] + \
        [(r, r.get("proposal_id", ""), True) for r in proposal_rows(package) if r.get("kind") == "figure"]
    for row, rid, proposed in figure_rows:
        start = _offset(row.get("start", ""))
        for column, status in (("number_text", "figure"), ("period_text", "period")):
            words = row.get(column, "")
            if words and start is not None and words in row.get("quote", ""):
                at = start + row["quote"].index(words)
                spans.setdefault(row["seed_id"], []).append((at, at + len(words), status, rid, "", proposed))
    non_rows = [(r, False) for r in package.tables["non_figures"].rows] + \
        [(r, True) for r in proposal_rows(package) if r.get("kind") == "non-figure"]
    for row, proposed in non_rows:
        start, end = _offset(row.get("start", "")), _offset(row.get("end", ""))
        if start is not None and end is not None:
            spans.setdefault(row["seed_id"], []).append((start, end, "non-figure", "", row["reason"], proposed))
    return spans


def _offset(value: str) -> int | None:
    """A cell as int, or None when it is not one (validation reports it)."""
    return int(value) if re.fullmatch(r"\d+", value or "") else None


def audit(package: Package, seed: str | None = None) -> pd.DataFrame:
    """The coverage audit of a package as read (coverage_audit() checks it first)."""
    spans = _spans(package)
    frames = [pd.DataFrame(columns=["seed_id", "token", "start", "end", "kind", "status", "figure_id", "reason",
                                    "proposed"])]
    for seed_id, article in sorted(package.seeds.items()):
        if seed is not None and seed_id != seed:
            continue
        tokens = find_tokens(article.text)
        found = [_account(t.start, t.end, spans.get(seed_id, [])) for t in tokens.itertuples()]
        tokens["status"] = [f[0] for f in found]
        tokens["figure_id"] = [f[1] for f in found]
        tokens["reason"] = [f[2] for f in found]
        tokens["proposed"] = [f[3] for f in found]
        tokens.insert(0, "seed_id", seed_id)
        frames.append(tokens)
    return pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)


def coverage_problems(package: Package) -> list[Problem]:
    """Each numeric word of an article with decided rows or proposals that nothing accounts for, as a problem in one
    line: where it stands, and what to do (notebook 00 asserts the same)."""
    spans = _spans(package)
    problems = []
    for seed_id, article in sorted(package.seeds.items()):
        if not spans.get(seed_id):
            continue  # not drafted yet: its page says so
        table = audit(package, seed_id)
        for row in table.loc[table["status"] == "unaccounted"].itertuples():
            problems.append(Problem(f"seeds/{article.meta.get('file', seed_id)}", f"{seed_id} at {row.start}",
                                    "-", f"the numeric word {row.token!r} is accounted for by no figure, period or "
                                         f"non-figure: decide it in notebooks/05-curate.ipynb (or "
                                         f"kzfigures.curation({seed_id!r}).add({row.start}, {row.end}, …)), or "
                                         "run kzfigures draft again", seed_id))
    return problems


#: A span that accounts for tokens: start, end, status, figure id, reason, and whether its row is proposed.
Span = tuple[int, int, str, str, str, bool]


def _account(start: int, end: int, spans: list[Span]) -> tuple[str, str, str, bool]:
    """The first span that holds [start, end): its status, figure ids, reason and whether proposed; else unaccounted."""
    holders = [s for s in spans if s[0] <= start and end <= s[1]]
    if not holders:
        return "unaccounted", "", "", False
    status = holders[0][2]
    ids = ", ".join(sorted({s[3] for s in holders if s[3]}))
    return status, ids, holders[0][4], all(s[5] for s in holders)
