"""What a figure counts (its `measure`), in the article's words, read from its sentence when the words after the
number name only its unit: "60% of its total annual budget" (total annual budget), "a 3% increase in volume
sales" (volume sales), "a growth target of 5%" (growth target), "world music sales declined by 1.3%" (world music
sales), "cut its rates by half a point" (rates). The word tables are lexicon.json's draft.measure_context."""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import lexicon

#: A word as written ("U.S.", "Tokyo's", "8.30", "non-OPEC"), or one other character (punctuation ends a phrase).
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_][\w’'&-]*(?:\.\d+)?|\S")
#: A plural noun's ending ("sales", "offences"; not "gas", "bonus", "process").
_PLURAL = re.compile(r"[^\W\d_]{2}[^su'’]s$")
#: A list that leaves out its verb after the first change: ", B by" before the figure.
_GAPPED = re.compile(r"(?:^|, )((?:[A-Z][\w’'&.-]* ?){1,4}) by$")
#: The longest measure read forward or back, in words.
_MOST = 6


@lru_cache(maxsize=1)
def _tables() -> dict[str, frozenset[str]]:
    """The word tables, lower case: units of measure, verbs of change and level, stops."""
    lex = lexicon()
    d = lex["draft"]
    m = d["measure_context"]
    t = {k: frozenset(v) for k, v in m.items() if not k.startswith("_")}
    named = [v for k, v in (*lex["attached_units"].items(), *lex["currency_symbols"].items()) if not k.startswith("_")]
    t["units"] = frozenset(w.lower() for w in (*d["written_units"], *d["conversion_units"], *lex["unit_words"],
                                              *m["units"], *named)) - t["not_units"]
    t["verbs"] = frozenset(w for w in (*d["change_up"], *d["change_down"]) if " " not in w) | t["level_verbs"]
    t["change_nouns"] = frozenset(d["change_nouns"])
    t["links"] = frozenset(d["change_links"]) | t["determiners"]
    t["not_measures"] = t["not_measures"] | frozenset(w.lower() for w in d["months"])
    t["openers"] = t["determiners"] | t["joiners"]
    t["stops_or_prepositions"] = t["stops"] | t["prepositions"]
    return t


def _words(text: str, lo: int, hi: int) -> list[str]:
    """The words (and punctuation marks) of text[lo:hi]."""
    return [m.group() for m in _WORD.finditer(text, lo, hi)]


def _is_word(word: str) -> bool:
    """True for a word or a number, False for a punctuation mark ("%", ",", "(")."""
    return word[0].isalnum()


def _adverb(word: str) -> bool:
    """A lower-case adverb in -ly ("sharply", "tentatively"; not "supply", "daily", "family")."""
    return word.islower() and word.endswith("ly") and word not in _tables()["not_adverbs"]


def _verb_like(word: str) -> bool:
    """A lower-case word that reads as a verb form here ("expected", "expecting", "said")."""
    t = _tables()
    return word.islower() and (word.endswith(("ed", "ing")) or word in t["stops"] or word in t["verbs"])


def _trimmed(words: list[str]) -> str:
    """A measure from its words: no determiner before it, no verb form after it, as written; "" for a month or
    a word of time ("January", "year")."""
    t = _tables()
    while words and words[0].lower() in t["openers"]:
        words = words[1:]
    while words and words[-1].islower() and (words[-1].endswith("ed") or _adverb(words[-1])):
        words = words[:-1]
    return "" if not words or words[-1].lower().rstrip(".") in t["not_measures"] else " ".join(words)


def _forward(words: list[str]) -> str:
    """The noun phrase that opens ``words`` ("its total annual budget. The" -> "total annual budget"); a
    clause with "what" runs to its punctuation ("what the US can owe")."""
    if words and words[0].lower() == "what":
        clause = words[:next((i for i, w in enumerate(words) if not _is_word(w)), len(words))]
        return " ".join(clause[:8])
    taken: list[str] = []
    for w in words:
        if _ends_forward(w, taken):
            break
        taken.append(w)
    plural = [i for i, w in enumerate(taken) if _PLURAL.search(w.lower())]
    if plural and not _PLURAL.search(taken[-1].lower()):
        taken = taken[: plural[-1] + 1]  # "muggings and theft offences involve": the phrase ends with its plural
    return _trimmed(taken)


def _ends_forward(word: str, taken: list[str]) -> bool:
    """True when ``word`` ends a noun phrase read forward after ``taken``: a mark, a stop word, a preposition, a
    number, a determiner after its first word, or the longest phrase read."""
    t = _tables()
    low = word.lower()
    return not _is_word(word) or low in t["stops"] or low in t["prepositions"] or low in t["boundaries"] or \
        any(c.isdigit() for c in word) or len(taken) == _MOST or bool(taken and low in t["determiners"])


def _backward(words: list[str]) -> list[str]:
    """The noun phrase that ends ``words``, back to a determiner, a verb form, a preposition or a mark."""
    t = _tables()
    taken: list[str] = []
    for w in reversed(words):
        low = w.lower()
        if not _is_word(w) or low in t["determiners"] or low in t["prepositions"] or len(taken) == _MOST:
            return taken
        if low in t["boundaries"] or low in t["pronouns"] or _verb_like(w):
            # "would impose curtailments of", "which includes long-term incentives of": a verb may open it
            return taken[1:] if len(taken) > 1 and taken[0].islower() else taken
        taken.insert(0, w)
    return taken


def _unit_words(words: list[str], unit: str) -> int:
    """How many of ``words`` (at most two) are the figure's unit written after it ("mln tonnes", "-week")."""
    t = _tables()
    n = 0
    unit = unit.lower()
    while n < min(2, len(words)) and (words[n] == "-" or words[n].lower() in t["units"] or words[n].lower() == unit):
        n += 1
    return n


def _named_after(text: str, end: int, hi: int, unit: str, opened: bool) -> str:
    """ "a 3% increase in volume sales": what a noun of change after the figure changes; "a quarter-point prime
    rate rise": the words between; "60% of its budget": what the figure is part of; "a $500bn trade gap", "a
    three-week period": the noun phrase after the unit."""
    t = _tables()
    after = _words(text, end, hi)[:14]
    after = after[_unit_words(after, unit):]
    if after[:1] == ["of"]:
        after = after[1:]
        units = _unit_words(after, "")
        if units and after[units:units + 1] == ["of"]:
            after = after[units + 1:]  # "billions of barrels of oil and gas"
        return _forward(after)
    for i, w in enumerate(after[:5]):
        if w.lower() in t["change_nouns"]:
            tail = after[i + 1:]
            if tail[:1] and tail[0].lower() in ("in", "of"):
                return _forward(tail[1:])
            between = [x for x in after[:i] if x != "-"]
            return _trimmed(between) if all(x.isalpha() or "-" in x for x in between) else ""
        if not (w.isalpha() or w == "-") or w.lower() in t["stops_or_prepositions"]:
            break
    return _forward(after) if opened and after and after[0].lower() not in t["determiners"] else ""


def _named_before(words: list[str]) -> str:
    """ "a growth target of 5%", "a price of about 300 pence": the noun phrase before "of"."""
    t = _tables()
    if len(words) < 2 or words[-1].lower() != "of" or words[-2].lower() in t["of_skips"]:
        return ""
    found = _backward(words[:-1])
    return "" if not found or found[-1].lower() in t["change_nouns"] else _trimmed(found)


def _object(words: list[str]) -> str:
    """The object of a verb, ``words`` the words after it up to the figure ("its own rates by", "the company
    at"): the words before the first preposition, qualifiers and determiners left out."""
    t = _tables()
    between: list[str] = []
    for w in words:
        low = w.lower()
        if low in t["prepositions"] or not _is_word(w) or any(c.isdigit() for c in w) or \
                (between and low in ("a", "an")):
            break
        if low not in t["links"] and not _adverb(w):
            between.append(w)
    return _trimmed(between) if len(between) <= 5 else ""


def _adjective(words: list[str], i: int) -> bool:
    """True when the -ed or -ing word words[i] describes a noun ("the Western industrialized countries", "IE
    using population") rather than saying what someone did ("the government expected imports")."""
    before = words[i - 1] if i > 0 else ""
    return bool(before) and (before[0].isupper() or before.lower() in _tables()["determiners"] or _adverb(before)
                             or before.lower() == "of")  # "the numbers of lost laptops"


def _drop_openers(subject: list[str]) -> list[str]:
    """A subject without the adverbial phrases that open it ("in 1986", "In July", "in real terms", "by the end of
    October")."""
    t = _tables()
    while subject and subject[0].lower() in t["prepositions"]:
        rest = subject[1:]
        run = 0
        while run < len(rest) and rest[run].islower() and rest[run] not in t["prepositions"]:
            run += 1
        if all(w in t["determiners"] for w in rest[:run]):
            run += 1  # "in 1986", "In July", "in the OECD": the one name after it
        subject = rest[run:]
    while subject and subject[0].lower() in t["openers"]:
        subject = subject[1:]
    return subject


def _ends_subject(words: list[str], i: int) -> bool:
    """True when words[i] is no part of the subject read back from a verb: a mark, a clause word, a verb form."""
    t = _tables()
    w = words[i]
    low = w.lower()
    if (not _is_word(w) and w != "&") or low in t["boundaries"]:
        return True
    return w.islower() and (low in t["stops"] or
                            ((low in t["verbs"] or low.endswith(("ed", "ing"))) and not _adjective(words, i)))


def _subject(words: list[str], v: int) -> str:
    """The subject of the verb words[v]: the words before it back to a clause mark or a verb form, cut at their
    first preposition but "of" ("Oil stocks on land in Canada were put at" -> "Oil stocks"); "" when it is a
    pronoun or the end of another figure ("206.6 mln tonnes down from")."""
    t = _tables()
    i = v - 1
    while i >= 0 and (words[i].lower() in t["skips"] or _adverb(words[i])):
        i -= 1
    subject: list[str] = []
    while i >= 0 and len(subject) < 14:
        w = words[i]
        if w == ")" and "(" in words[max(0, i - 4):i] and not any(c.isdigit() for c in "".join(words[i - 4:i])):
            i = len(words[:i]) - 1 - words[:i][::-1].index("(") - 1  # "(OECD)": a name's abbreviation, left out
            continue
        if _ends_subject(words, i):
            break
        if w[0].isdigit() and subject and (subject[0].lower() in t["units"] or _PLURAL.search(subject[0])):
            return ""  # "put at 206.6 mln tonnes down from", "deemed 15 groups to be": another figure's words
        subject.insert(0, w)
        i -= 1
    subject = _drop_openers(subject)
    if not subject or subject[0].lower() in t["pronouns"]:
        return ""
    cut = next((k for k, w in enumerate(subject) if w.lower() in t["prepositions"] and w.lower() != "of"),
               len(subject))
    return _trimmed(subject[:cut])


def _verb_before(words: list[str]) -> int:
    """Where the verb of change or level nearest the end of ``words`` is, in its clause; -1 when there is none."""
    t = _tables()
    v = len(words) - 1
    while v >= 0 and words[v].lower() not in t["verbs"]:
        if len(words) - v > 16 or (not _is_word(words[v]) and words[v] not in ("%", "$", "£", "€", "-", "/")) or \
                words[v].lower() in t["boundaries"]:
            return -1  # a clause mark or word between: the verb is another clause's
        v -= 1
    return v


def _subject_or_object(words: list[str]) -> str:
    """What a verb of change or level before the figure is about: a noun of change's "in" phrase ("a decline in
    OPEC output to"), the object of a verb before "by", "to", "at" ("cut its own rates by half a point", "value
    the company at"), else its subject ("world music sales declined by 1.3%")."""
    t = _tables()
    gapped = _GAPPED.search(" ".join(words[-6:]))
    if gapped:
        return gapped.group(1)  # "A was down 2.3%, B by 2.6%": B
    v = _verb_before(words)
    if v < 0:
        return ""
    verb = words[v].lower()
    noun = v > 0 and (words[v - 1].lower() in t["determiners"] or  # "a decline", "a small rise"
                      (v > 1 and verb in t["change_nouns"] and words[v - 2].lower() in t["determiners"]))
    if noun:  # "a decline in OPEC crude production to around 15.5 bpd"
        return _forward(words[v + 2:]) if words[v + 1:v + 2] and words[v + 1].lower() in ("in", "of") else ""
    if verb not in t["copulas"]:
        found = _object(words[v + 1:])
        if found:
            return found
    passive = v > 0 and words[v - 1].lower() in t["copulas"]
    return "" if verb in t["object_verbs"] and not passive else _subject(words, v)


def needs_context(measure: str, unit: str) -> bool:
    """True when the words after a figure named only its unit, a noun of change, nothing, or one word after a unit
    ("5 pct", "600 tonnes", "an $800bn rise", "a $500bn trade gap"); False for a counted noun ("15,000 foreign
    fighters")."""
    t = _tables()
    low = measure.lower()
    if not low or measure.startswith("("):
        return True
    if low in t["units"] or low.split()[0] in t["change_nouns"]:
        return True
    return unit.lower() in t["units"] and low != unit.lower() and " " not in low and not _PLURAL.search(low)


def measure_in_context(text: str, sentence: tuple[int, int], start: int, end: int, unit: str) -> str:
    """What the figure text[start:end] of the sentence counts, in the article's words; "" when its sentence does
    not say in a way these rules read."""
    lo, hi = sentence
    before = _words(text, lo, start)
    if unit.lower() in _tables()["time_units"]:  # "for two weeks", "after 62 minutes": no subject counts them
        return _named_after(text, end, hi, unit, bool(before) and before[-1].lower() in _tables()["determiners"])
    opened = bool(before) and before[-1].lower() in _tables()["determiners"]  # "a $500bn trade gap"
    return _named_after(text, end, hi, unit, opened) or _named_before(before) or _subject_or_object(before)
