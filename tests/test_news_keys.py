"""The hand keys of benchmarks/news_keys.json are well formed, in every split the bench scores ("dev", "test",
"fresh"): fields and bounds always; with ../shared/bench/news present, each key's phrase inside its article's text, a
number phrase (a digit or a number word), the text the one keyed (sha256), and every article of the set keyed once."""
from __future__ import annotations

import hashlib
import json
import re
import sys
from itertools import pairwise
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import news

KEYS = json.loads(news.KEYS.read_text(encoding="utf-8"))
FIELDS = {"start": int, "end": int, "lower_open": bool, "upper_open": bool, "unit": str, "change": str, "credit": str}
#: Words that write a number, kept here apart from the draft's lexicon: the keys are checked, not the draft.
NUMBER_WORDS = re.compile(
    r"\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|tens|half|halving|thirds?|"
    r"quarters?|fifths?|double|twice|\w+fold)\b", re.IGNORECASE)
#: "a month", "a year": the article read as one (the key's bounds say one).
READ_AS_ONE = re.compile(r"^an? \w+$", re.IGNORECASE)
SHARED = pytest.mark.skipif(not news.NEWS.is_dir(), reason=f"{news.NEWS} is absent")


def _ids(entry: dict) -> str:
    """A test id: the article's name and split."""
    return f"{entry['split']}:{entry['article']}"


def _is_number_phrase(phrase: str, figure: dict) -> bool:
    """The phrase writes a number: a digit, a number word, or "a"/"an" before one word where the key reads one."""
    return (any(c.isdigit() for c in phrase) or bool(NUMBER_WORDS.search(phrase))
            or (bool(READ_AS_ONE.match(phrase)) and figure["upper"] == 1))


def _problems(entry: dict) -> list[str]:
    """What is wrong with one article's keys, without its text."""
    problems = []
    if entry["split"] not in news.SPLITS:
        problems.append(f"split {entry['split']!r} is none of {news.SPLITS}")
    if not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
        problems.append("sha256 is not 64 hex digits")
    for i, figure in enumerate(entry["figures"]):
        wrong = [name for name, kind in FIELDS.items() if type(figure.get(name)) is not kind]
        wrong += [name for name in ("lower", "upper") if type(figure.get(name)) not in (int, float)
                  and figure.get(name) != "inf"]
        if wrong:
            problems.append(f"figure {i}: {', '.join(wrong)} missing or of the wrong type")
            continue
        upper = float("inf") if figure["upper"] == "inf" else figure["upper"]
        if not 0 <= figure["start"] < figure["end"]:
            problems.append(f"figure {i}: start {figure['start']} is not before end {figure['end']}")
        if figure["lower"] == "inf" or not figure["lower"] <= upper:
            problems.append(f"figure {i}: lower {figure['lower']} above upper {figure['upper']}")
        if figure["upper"] == "inf" and not figure["upper_open"]:
            problems.append(f"figure {i}: an infinite upper end is open")
        if figure["change"] not in ("up", "down", ""):
            problems.append(f"figure {i}: change {figure['change']!r}")
    spans = sorted((f["start"], f["end"]) for f in entry["figures"])
    problems += [f"keys {a} and {b} overlap" for a, b in pairwise(spans) if b[0] < a[1]]
    return problems


def _text_problems(entry: dict, data: bytes) -> list[str]:
    """What is wrong with one article's keys against its text (as Python reads it, utf-8)."""
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return ["the text is not the one keyed (sha256 differs)"]
    text = data.decode("utf-8")
    problems = []
    for figure in entry["figures"]:
        phrase = text[figure["start"]:figure["end"]]
        if figure["end"] > len(text):
            problems.append(f"{figure['start']}-{figure['end']}: past the text's end ({len(text)})")
        elif phrase != phrase.strip() or not _is_number_phrase(phrase, figure):
            problems.append(f"{figure['start']}-{figure['end']}: {phrase!r} is no number phrase")
    return problems


@pytest.mark.parametrize("entry", KEYS, ids=_ids)
def test_each_article_s_keys_are_well_formed(entry):
    assert _problems(entry) == []


@SHARED
@pytest.mark.parametrize("entry", KEYS, ids=_ids)
def test_each_key_is_a_number_phrase_inside_its_article(entry):
    assert _text_problems(entry, (news.NEWS / f"{entry['article']}.txt").read_bytes()) == []


def test_every_split_is_scored_and_an_article_is_keyed_once():
    names = [entry["article"] for entry in KEYS]
    assert len(names) == len(set(names))
    assert {entry["split"] for entry in KEYS} == set(news.SPLITS)


@SHARED
def test_every_article_of_the_set_is_keyed():
    listed = [line.split("\t")[0] for line in (news.NEWS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert sorted(entry["article"] for entry in KEYS) == sorted(listed)


def _figure(start: int, end: int, lower: float, upper: float | str, **other: object) -> dict:
    """A well-formed key of a plain number, but for what ``other`` changes."""
    return {"start": start, "end": end, "lower": lower, "upper": upper, "lower_open": False, "upper_open": False,
            "unit": "", "change": "", "credit": "", **other}


@pytest.mark.parametrize("split, figures, problem", [
    ("fresh", [_figure(0, 3, 5, 5)], None),
    ("later", [_figure(0, 3, 5, 5)], "split 'later'"),
    ("fresh", [_figure(0, 3, 5, 2)], "above upper"),
    ("fresh", [_figure(0, 3, 5, "inf")], "is open"),
    ("fresh", [_figure(3, 3, 5, 5)], "is not before"),
    ("fresh", [_figure(0, 3, 5, 5, change="rose")], "change"),
    ("fresh", [_figure(0, 3, "5", 5)], "wrong type"),
    ("fresh", [_figure(0, 9, 2, 2), _figure(0, 3, 2, 2)], "overlap"),
])
def test_a_bad_key_is_named(split, figures, problem):
    found = _problems({"article": "x", "sha256": "0" * 64, "split": split, "figures": figures})
    assert (found == []) if problem is None else any(problem in p for p in found), found


@pytest.mark.parametrize("text, start, end, upper, bad", [
    ("sold 40 cars", 5, 7, 40, False), ("for two days", 4, 12, 2, False), ("for a week", 4, 10, 1, False),
    ("for a week", 4, 10, 7, True), ("sold 40 cars", 8, 12, 40, True), ("sold 40 cars", 4, 7, 40, True),
    ("sold 40 cars", 5, 20, 40, True),
])
def test_a_phrase_must_be_a_number_inside_the_text(text, start, end, upper, bad):
    data = text.encode("utf-8")
    entry = {"sha256": hashlib.sha256(data).hexdigest(),
             "figures": [{"start": start, "end": end, "lower": upper, "upper": upper}]}
    assert bool(_text_problems(entry, data)) is bad
