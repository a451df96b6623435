"""Issue 30, second pass: misreads NewsQuant showed in the draft's grammar, each held by phrases written for these
tests around a real news phrase ("rose 6.5%" is a fact, the sentences are ours), and the quick paths of the draft
(a pattern searched only where it can match) giving the same reading as the slow ones."""
from __future__ import annotations

import pytest

from kzfigures.figures.draft import NotCounts, _draft_tables

# a text for each not-a-count pattern that declares "needs": the quick path must find what the full search finds
NEEDS_EXAMPLES = [
    "In the first half of the year sales fell by 3.",
    "There were too many to count, perhaps 40.",
    "The one that got away weighed 5 kg.",
    "Over the past two years 40 shops closed.",
    "The file is stamped 2019-09-01T10:38Z and the talk began at 9:35.",
    "The hunt runs Sept. 20-24 this year.",
    "The match ended 2-2 after extra time.",
    "Chelsea won 3-1 at home, a 2-0 win the week before.",
    "In the first quarter 12 shops opened.",
    "How many people came? About 40.",
    "Never forget 9/11; the shop is open 24/7.",
]


def _full_search(text: str) -> list[tuple[int, int, int, str]]:
    """Every not-a-count pattern searched over the whole text, needs ignored."""
    return sorted((m.start(), m.end(), rank, str(reason).replace("{match}", m.group()))
                  for rank, (pattern, reason) in enumerate(_draft_tables()["not_counts"])
                  for m in pattern.finditer(text))


@pytest.mark.parametrize("text", NEEDS_EXAMPLES)
def test_a_pattern_skipped_for_its_needs_would_have_found_nothing(text):
    found = NotCounts.of(text).spans
    assert found and found == _full_search(text)


def test_every_declared_need_is_in_lower_case():
    for needs in _draft_tables()["not_count_needs"]:
        assert all(n == n.lower() for n in needs)
