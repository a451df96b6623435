"""Issue 30: the rules of docs/conventions.md, each held by phrases written for these tests in news style (other
nouns, positions and spellings than the page's own example), so that the draft follows the page as written, not the
texts it was developed on. A row names a phrase of its text and either the start of the reason it is no figure (no
proposal covers it) or the bounds of the one proposal that covers it."""
from __future__ import annotations

import math

import pytest

from kzfigures import draft_text

# rule of the page, text (ours), phrase in it, expected: a reason's start (no figure) or (lower, upper)
RULES: list[tuple[str, str, str, str | tuple[float, float]]] = [
    # a date, a day range: the days before their month, "from"/"between" … a month
    ("day range", "Results are due 20-22 March.", "20-22", "dates"),
    ("day range", "The festival ran from 3 to 7 June.", "3 to 7", "dates"),
    ("day range", "Between 3 and 7 June, 40 flights were cancelled.", "3 and 7", "dates"),
    ("day range", "Between 3 and 7 June, 40 flights were cancelled.", "40", (40, 40)),
    ("day range", "The fair runs between May 3 and 7.", "3 and 7", "dates"),
    ("day range", "Sales rose from 3 to 7 percent.", "7 percent", (7, 7)),
    # a time
    ("time", "He spoke to reporters at 10 o'clock.", "10", "time of day"),
    ("time", "Voting began at eight o’clock and 900 came.", "900", (900, 900)),
    ("time", "The index closed at 4 EST, flat.", "4", "time of day"),
    # an address (a house number with its letter; a French street), a kind of machine, a bond's maturity in words
    ("address", "Fans still write to 221B Baker Street.", "221B", "part of a name"),
    ("address", "He lived at 7 Rue de Rivoli for years.", "7", "part of a name"),
    ("address", "The 5m Main Street scheme was shelved.", "5m", (5e6, 5e6)),
    ("kind of machine", "The four-wheel-drive model sold out.", "four", "part of a name"),
    ("kind of machine", "Four-wheel-drive sales rose 8% in May.", "Four", "part of a name"),
    ("kind of machine", "Four-wheel-drive sales rose 8% in May.", "8%", (8, 8)),
    ("bond", "Ten-year bond yields rose 5 basis points.", "Ten", "part of a name"),
    ("bond", "Ten-year bond yields rose 5 basis points.", "5 basis points", (5, 5)),
    ("bond", "Yields on two-year gilts fell.", "two", "part of a name"),
    ("bond", "He served a two-year term.", "two", (2, 2)),
    # a sports score, three digits too; a range of a counted noun after "won" is no score
    ("score", "The Lakers won 110-102 in overtime.", "110", "a score"),
    ("score", "Boston beat Miami 101-99 on Friday.", "101", "a score"),
    ("score", "They beat Leeds 3-1 at home.", "3", "a score"),
    ("score", "Labour won 10-20 seats, polls suggest.", "10-20", (10, 20)),
    ("score", "Rebels led 40-60 raids a month.", "40-60", (40, 60)),
    # "one of" before a number, a determiner between too (the number after it counts)
    ("one of", "One of the five judges dissented.", "One", "a set expression"),
    ("one of", "One of the five judges dissented.", "five", (5, 5)),
    ("one of", "Only one of its 12 stores closed.", "one", "a set expression"),
    # "one" standing for a thing named before, after any adjective
    ("one for a thing", "He chose the red one.", "one", "a set expression"),
    ("one for a thing", "Rivals made a better one last year.", "one", "a set expression"),
    ("one for a thing", "The twenty one members voted.", "twenty one", (21, 21)),
    ("one for a thing", "It rose by a further one percent.", "one percent", (1, 1)),
    # "one" naming an unnamed source counts nothing (the keys' rule: "said one analyst", "one official said")
    ("one source", "Prices will fall, said one trader.", "one", "a set expression"),
    ("one source", "One senior official said talks failed.", "One", "a set expression"),
    ("one source", "“It will fall,” one economist said.", "one", "a set expression"),
    ("one source", "According to one diplomat, talks failed.", "one", "a set expression"),
    ("one source", "One resident, who asked not to be named, said 12 homes burned.", "One", "a set expression"),
    ("one source", "One official from the ministry said 30 died.", "One", "a set expression"),
    ("one source", "One official was killed in the attack.", "One", (1, 1)),
    ("one source", "One man was arrested, police said.", "One", (1, 1)),
    # "within the past 12 months" is after a word of order
    ("within", "Within the past 12 months 40 shops closed.", "12", "after a word of order"),
    # a label that is never a verb or a count, in lower case too; "would table 14 amendments" stays a figure
    ("label", "He wrote on page 12 of the report that 40% agree.", "12", "part of a name or label"),
    ("label", "He wrote on page 12 of the report that 40% agree.", "40%", (40, 40)),
    ("label", "Under section 21 of the act, landlords can evict.", "21", "part of a name or label"),
    ("label", "Under article 50 the UK left the bloc.", "50", "part of a name or label"),
    ("label", "Episode 4 drew 5 million viewers.", "4", "part of a name or label"),
    ("label", "In season 2 of the show, ratings fell.", "2", "part of a name or label"),
    ("label", "The 300-page report landed on Monday.", "300", (300, 300)),
    ("label", "MPs would table 14 amendments.", "14", (14, 14)),
    # an aircraft model with its series
    ("aircraft", "The Boeing 737-800 landed safely.", "800", "part of a name"),
    # set expressions with "one"
    ("set expression", "The guests left one by one.", "one", "a set expression"),
    ("set expression", "Tutors meet pupils one-to-one.", "one", "a set expression"),
    ("set expression", "One way or another, rents will rise.", "One", "a set expression"),
    ("set expression", "The board is at one with its staff.", "one", "a set expression"),
    # a run of tennis sets is a score; a run of ranges before a unit is not
    ("score", "Federer won in straight sets, 6-3, 6-4, 6-2.", "6-3", "a score"),
    ("score", "She beat Li 6-4 7-5 in the final.", "7-5", "a score"),
    ("score", "The survey polled 18-24, 25-34 and 35-44 year olds.", "25-34", (25, 34)),
    # a time of day before "local time"; a distance run in an article about races, a pronoun after it
    ("time", "By 0900 local time, 300 people had fled.", "0900", "time of day"),
    ("time", "By 0900 local time, 300 people had fled.", "300", (300, 300)),
    ("distance run", "Over the last 100m she faded, the athletics coach said.", "100m", (100, 100)),
    ("distance run", "The sprinter was clear at 60m they said.", "60m", (60, 60)),
    # a capitalised word before a bare number names it, a word capitalised inside too ("iOS 17"); a word that opens a
    # sentence ("Overall", "Altogether") or a month before a number no day can be names nothing
    ("name", "He upgraded to iOS 17 on Monday.", "17", "part of a name"),
    ("name", "Overall 12 firms bid for the line.", "12", (12, 12)),
    ("name", "Altogether 30 people died.", "30", (30, 30)),
    ("name", "Since March 200 jobs have gone.", "200", (200, 200)),
    ("name", "The Hague 44 scheme was shelved.", "44", "part of a name"),
    # a rank in the world, "number" between
    ("rank", "Ranked number 64 in the world, he lost.", "64", "a rank"),
    ("rank", "She slipped to No 12 in the world.", "12", "a rank"),
    # a seeding is a rank; a minute of stoppage time labels a goal, as "(Quinn 97)" labels a substitution
    ("rank", "She is seeded 3 at the Open.", "3", "a rank"),
    ("rank", "He was seeded No 5 at Wimbledon.", "5", "a rank"),
    ("minute label", "Goals: Lee 45+2, Kane 90+4.", "+2", "part of a name"),
    ("minute label", "Kane (90+4) sealed it for the 40,000 fans.", "+4", "part of a name"),
    ("minute label", "Kane (90+4) sealed it for the 40,000 fans.", "40,000", (40000, 40000)),
]


#: The keys' rule "'within' a time is at most that time" ("within 14 days": [0, 14] days), which the draft breaks: it
#: proposes "30 days" exact. Reading it in the draft (lexicon qualifiers "within": "at_most") was tried and undone: the
#: harbour article's "within five years" is the curation's teaching example of a reading a person corrects
#: (docs/teachers.md, tests/test_curation*.py, tests/test_articles.py), so the lead decides. Strict: passes once fixed.
WITHIN = [
    ("within", "Refunds are paid within 30 days.", "within 30 days", (0, 30)),
    ("within", "The loan must be repaid within two years.", "within two years", (0, 2)),
    ("within", "Within 24 hours, 500 people had signed.", "Within 24 hours", (0, 24)),
]


def _proposals_over(text: str, start: int, end: int) -> list[tuple[str, float, float]]:
    """The proposals (read, or unread with a reason) of the draft of ``text`` whose phrase overlaps start..end."""
    table = draft_text(text)
    return [(r.number_text, r.lower, r.upper) for r in table.itertuples()
            if (not math.isnan(r.lower) or r.reason.startswith("unread"))
            and r.number_start < end and r.number_end > start]


@pytest.mark.parametrize("rule, text, phrase, expected", RULES, ids=[f"{r}|{t[:30]}|{p}" for r, t, p, _ in RULES])
def test_the_draft_follows_each_rule_of_the_conventions_page(rule, text, phrase, expected):
    start = text.index(phrase)
    end = start + len(phrase)
    found = _proposals_over(text, start, end)
    if isinstance(expected, str):
        assert not found, (rule, found)
        reasons = [r.reason for r in draft_text(text).itertuples() if start <= r.number_start < end]
        assert reasons and all(r.startswith(expected) for r in reasons), (rule, reasons)
    else:
        assert [(lo, hi) for _, lo, hi in found] == [pytest.approx(expected)], (rule, found)


@pytest.mark.xfail(strict=True, reason="the draft reads 'within 30 days' as 30 days exact; the lead decides (see WITHIN)")
@pytest.mark.parametrize("rule, text, phrase, expected", WITHIN, ids=[f"{t[:30]}|{p}" for _, t, p, _ in WITHIN])
def test_within_a_time_is_at_most_that_time(rule, text, phrase, expected):
    test_the_draft_follows_each_rule_of_the_conventions_page(rule, text, phrase, expected)
