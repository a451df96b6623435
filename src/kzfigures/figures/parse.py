"""Turn a number phrase as written ("more than 15,000", "three to seven years", "thousands") into Bounds."""
from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

from .bounds import INF, Bounds, BoundsOrderError
from .lexicon import lexicon

#: A number written in digits: 21, 15,000 (separators only in groups of three), 1.5. The coverage audit uses it too.
#: Groups of three may also be set apart by a space, plain, thin or no-break ("15 000"), never followed by a digit.
#: A decimal may start with its point (".500", ".001 per cent").
DIGITS = r"(?:(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d,])|\d+)(?:\.\d+)?|(?<![\w.])\.\d+)"
#: Digits grouped in a way the grammar does not read for sure: Indian grouping ("1,50,000"), a decimal comma before a
#: scale ("2,5 million"), dots between groups of three ("2.500.000", "1.250,50"), an apostrophe ("5'000"), a middle
#: dot ("1·5"), an Arabic or full-width separator ("3٬400", "3，400"), an invisible space ("1\u200b200"). One token,
#: proposed unread with its reason (never two figures).
_SCALE_AFTER = r"\s?(?:million|billion|trillion|thousand|bn|mn|m|tn)\b"
#: A percent after a number: "52,1%" is a decimal comma as surely as "2,5 million" is.
_PERCENT_AFTER = r"\s?(?:%|per\s?cent\b|percent\b|pc\b)"
ODD_DIGITS = (rf"(?<![\d,.])(?:\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?![\d,])|"
              rf"\d{{1,3}}(?:\.\d{{3}})+,\d+(?![\d,])|\d{{1,3}}(?:\.\d{{3}}){{2,}}(?![\d.])|"
              rf"\d{{1,3}},\d{{1,2}}(?:{_SCALE_AFTER}|{_PERCENT_AFTER})|"
              rf"\d{{1,3}}(?:['’٬，]\d{{3}})+(?!\d)|\d+(?:[·\u200b\u200c\u200d\u2060\ufeff]\d+)+(?:{_SCALE_AFTER})?)")
_DIGITS_ONLY = re.compile(rf"^{DIGITS}$")
#: A dot followed by exactly three digits ("15.000") is a thousands separator in much European news text and a
#: decimal point in English: which one cannot be told, so it is refused.
_AMBIGUOUS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_DASHES = {"\u2013": "–", "\u2014": "—", "\u2212": "-", "\u2044": "/"}

#: The patterns the grammar tries on every phrase, compiled once (a draft reads thousands of phrases).
_SPACES = re.compile(r"\s+")
_MINUS_GLUED = re.compile(r"\bminus-(?=\d)")
_SUB_GLUED = re.compile(r"\bsub-(?=\d)")
_TILDE = re.compile(r"^~\s?(?=\d)")
_ATTACHED = re.compile(r"(.*\d)([a-z]+)")
_NEGATIVE = re.compile(r"minus |-(?=\d)")
_PLUS = re.compile(r"\+(?=\d)")
_MINUS = re.compile(r"-(?=\d)")
_WORD_SPLIT = re.compile(r"[ ]+|(?<=[a-z])-(?=[a-z])")
_FOLD = re.compile(r"(.+?)-?fold")
_ABBREVIATED = re.compile(rf"({DIGITS}) ?([a-z]+)")
_DECIMAL_BEFORE_SCALE = re.compile(r"\d{1,3}\.\d{3}")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,3})")
_POWER = re.compile(rf"(?:({DIGITS}) ?[x×*] ?)?10(?:\^|\*\*)? ?(-?\d{{1,3}})")
_CARET = re.compile(r"\^|\*\*")
_E_NOTATION = re.compile(r"(\d+(?:\.\d+)?)e(-?\d{1,3})")
_PART_OF_SCALE = re.compile(r"(.+?) (?:of )?an? (\S+)")
_SMALL_DIGITS = re.compile(r"\d{1,3}")
_PERCENT_END = re.compile(r"%$|per ?cent$|\bpc$|\bpct$")
_LETTERS_END = re.compile(r"[a-z]+$")
_ATTACHED_SCALE = re.compile(rf"{DIGITS} ?([a-z]+)")
_DIGITS_WHOLE = re.compile(DIGITS)
#: A number in plain digits ("40", "1,250.5"): read straight, the quick path of _read_number.
_PLAIN_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_SPACE_OR_HYPHEN = re.compile(r"[ -]+")
_NOT_DIGIT = re.compile(r"[^\d]")
_NUMBER_RUN = re.compile(r"\d[\d,]*(?:\.\d+)?")

#: How each qualifier kind turns a number x into an interval (lower, upper, lower_open, upper_open).
_QUALIFIED = {
    "more_than": lambda x: (x, INF, True, True),
    "at_least": lambda x: (x, INF, False, True),
    "at_most": lambda x: (0, x, False, False),
    "fewer_than": lambda x: (0, x, False, True),
    "approximate": lambda x: (x, x, False, False),
    "exact": lambda x: (x, x, False, False),
}


def by_first_letter(words: list[str], ignore_case: bool = False) -> str:
    """The words as one alternation, longest first, grouped by their first letter ("t(?:wenty|hree|en)|f(?:…)"):
    the same matches as the flat list (two words with other first letters never match at one place), found quicker,
    since a place is tried against one group instead of every word. ``ignore_case``: for a pattern compiled with
    re.IGNORECASE ("T" and "t" one group, so the longest word still comes first)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0].lower() if ignore_case else word[0], []).append(word)
    return "|".join(re.escape(first) + "(?:" + "|".join(re.escape(w[1:]) for w in group) + ")"
                    for first, group in groups.items())


@cache
def _longest_first(table: str, key: str = "") -> tuple[str, ...]:
    """The words of a lexicon table (or of its ``key`` list), longest first, sorted once."""
    words = lexicon()[table][key] if key else lexicon()[table]
    return tuple(sorted(words, key=len, reverse=True))


def _normalise(phrase: str) -> str:
    """Lower-case, fold white space and non-breaking spaces, drop soft hyphens (U+00AD, an invisible break point; one
    between digits and a word stands for a space: "15\u00admillion"), join digit groups set apart by a space
    ("15 000"), keep dashes as they are."""
    text = _SPACES.sub(" ", SOFT_HYPHEN_GAP.sub(" ", phrase).replace("\u00ad", "").replace("\u00a0", " ")
                  .strip().lower())
    text = _MINUS_GLUED.sub("minus ", _SUB_GLUED.sub("under ", text))  # "sub-300", "minus-5"
    text = _TILDE.sub("about ", text)  # "~1.2mm": a tilde says about
    text = _GLUED_TO.sub(" to ", text)  # "200,000 to-260,000": the "to" of a range, glued to its second end
    return _SPACED.sub(lambda m: m.group().replace(" ", ""), text)


#: A soft hyphen (U+00AD) between digits and a word: where the text may break, so a space ("15\u00admillion").
SOFT_HYPHEN_GAP = re.compile(r"(?<=\d)\u00ad(?=[^\W\d_])")
#: The "to" of a range glued by a hyphen to the number after it ("200,000 to-260,000 year-old").
_GLUED_TO = re.compile(r"(?<=\d) to-(?=\d)")
#: Digit groups of three set apart by single spaces, as DIGITS reads them.
_SPACED = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d,])")


#: An age: "15-year-old", "15 years old", "a 40-year-old": the number is read, the words are its unit.
_AGE = re.compile(r"(.*?)[- ](?:years?|months?|weeks?)[- ]old")


def _strip_unit(text: str) -> str:
    """Drop one trailing unit word listed in the lexicon ("three to seven years" -> "three to seven"), or unit
    letters written straight after digits ("1.5c" -> "1.5")."""
    age = _AGE.fullmatch(text)
    if age:
        return age.group(1)
    attached = _ATTACHED.fullmatch(text)
    if attached and attached.group(2) in lexicon()["attached_units"]:
        return attached.group(1)
    m = _unit_tail().fullmatch(text)
    return m.group(1).strip() if m else text


@cache
def _unit_tail() -> re.Pattern[str]:
    """A text ending with one unit word of the lexicon: after a space, or (a unit that is not all letters, "%") glued
    on; the lazy head makes the longest unit win, as "percentage points" over "points"."""
    units = _longest_first("unit_words")
    spaced = by_first_letter(list(units))
    glued = by_first_letter([u for u in units if not u.isalpha()])
    return re.compile(rf"(.+?)(?: (?:{spaced})|(?:{glued}))", re.DOTALL)


def _number_from_words(words: list[str]) -> float:
    """Read number words ("one hundred and thirty", "twenty-one", "15 thousand") as one value.

    Only well-formed sequences pass: a units word may follow a tens word ("twenty one"), anything may
    follow "hundred" or a scale word, and nothing but a multiplier or scale word may follow digits or a
    units word, so "five three" or "15 two" raise instead of being added up.
    """
    lex = lexicon()
    if len(words) == 2 and _decimal_before_scale(words[0]) and words[1] in lex["scale_words"]:
        return float(Fraction(words[0]) * lex["scale_words"][words[1]])  # "1.356 billion": a decimal point
    total, current, last = Fraction(0), Fraction(0), "start"
    for word in words:
        if word == "and" and last == "multiplier":
            continue
        total, current, last = _next_word(word, (total, current, last), lex)
    if last in ("start", "article"):
        raise ValueError("no number")
    try:
        return float(total + current)
    except OverflowError:
        raise _TooLarge(" ".join(words)) from None


def _next_word(word: str, state: tuple[Fraction, Fraction, str], lex: dict) -> tuple[Fraction, Fraction, str]:
    """One step of _number_from_words: (total, current, kind of the last word) after ``word``; ValueError if it
    cannot follow."""
    total, current, last = state
    value = lex["number_words"].get(word)
    if word in lex["article_words"] and last == "start":
        return total, Fraction(lex["article_words"][word]), "article"
    if _AMBIGUOUS.match(word):
        raise ValueError(word)
    if _DIGITS_ONLY.match(word) and last == "start":
        return total, Fraction(word.replace(",", "")), "closed"
    if value is not None and (last in ("start", "multiplier", "scale") or (last == "tens" and value < 10)):
        return total, current + value, "tens" if value >= 20 and value % 10 == 0 else "closed"
    if word in lex["multiplier_words"] and last in ("tens", "closed", "article"):
        return total, current * lex["multiplier_words"][word], "multiplier"
    if word in lex["scale_words"] and last in ("tens", "closed", "multiplier", "article"):
        return total + current * lex["scale_words"][word], Fraction(0), "scale"
    raise ValueError(word)


class _TooLarge(ValueError):
    """A number too large for a float (10**400): refused, with that reason."""


def _read_number(text: str) -> float:
    """Parse one number written in digits or words, with an optional scale word, currency sign or scale abbreviation
    ("$21bn"), or a fraction ("two-thirds", "1/2"), ratio ("one in five"), multiple ("double", "12-fold"), a minus
    sign ("-0.6", "minus 233") or a power of ten ("1.5 x 10^6", "2e9")."""
    if _PLAIN_NUMBER.fullmatch(text) and not _AMBIGUOUS.match(text):
        plain = float(text.replace(",", ""))  # "1,250.5": as the exact reading below gives it (both round once)
        if plain != INF:
            return plain
    lex = lexicon()
    negative = _NEGATIVE.match(text)
    if negative:
        return -_read_number(text[negative.end():])
    if _PLUS.match(text):
        return _read_number(text[1:])
    ratio = _ratio(text, lex)
    if ratio is not None:
        return ratio
    text = _unsigned(text, lex)
    if _MINUS.match(text):
        return -_read_number(text[1:])  # "$-50.8bn": the sign after the currency
    for reader in (_times, _abbreviated, _slash_fraction, _power_of_ten, _part_of_scale):
        value = reader(text, lex)
        if value is not None:
            return value
    words = [w for w in _WORD_SPLIT.split(text) if w]
    if words and words[-1] in lex["fraction_words"]:
        return _fraction(words, lex)
    return _number_from_words(words)


def _times(text: str, lex: dict) -> float | None:
    """A multiple: "double" 2, "halved" 0.5, "12-fold" 12; None for anything else."""
    if text in lex["times_words"]:
        return float(lex["times_words"][text])
    fold = _FOLD.fullmatch(text)
    return _read_number(fold.group(1)) if fold else None


def _abbreviated(text: str, lex: dict) -> float | None:
    """Digits with a scale abbreviation: "21bn", "35m", "1.2tn"; None for anything else."""
    abbreviated = _ABBREVIATED.fullmatch(text)
    if not abbreviated or abbreviated.group(2) not in lex["scale_abbreviations"]:
        return None
    if _AMBIGUOUS.match(abbreviated.group(1)) and not _decimal_before_scale(abbreviated.group(1)):
        raise ValueError(abbreviated.group(1))
    return float(Fraction(abbreviated.group(1).replace(",", "")) * lex["scale_abbreviations"][abbreviated.group(2)])


def _decimal_before_scale(digits: str) -> bool:
    """True for "1.356" before a scale ("1.356 billion"): a dot before three digits is a decimal point there, unless
    the digits are zeros ("15.000bn" may be fifteen thousand billion written the European way: refused)."""
    return bool(_DECIMAL_BEFORE_SCALE.fullmatch(digits)) and not digits.endswith("000")


def _slash_fraction(text: str, lex: dict) -> float | None:
    """A fraction written with a slash, "1/2" or "3/4" (numerator below the denominator, at most 1000); else None."""
    m = _SLASH.fullmatch(text)
    if not m:
        return None
    top, bottom = int(m.group(1)), int(m.group(2))
    if not 0 < top < bottom <= 1000:
        raise ValueError(f"{text!r} is no fraction of a whole")
    return float(Fraction(top, bottom))


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _power_of_ten(text: str, lex: dict) -> float | None:
    """Scientific notation: "1.5 x 10^6", "1.99×10-30", "3×10⁸", "2e9", "10^6"; None for anything else."""
    if "10" not in text and "e" not in text:
        return None
    text = text.translate(_SUPERSCRIPTS)
    m = _POWER.fullmatch(text) if "10" in text else None
    if m and (m.group(1) or _CARET.search(text)):
        return float(Fraction(m.group(1) or "1") * Fraction(10) ** int(m.group(2)))
    e = _E_NOTATION.fullmatch(text)
    return float(Fraction(e.group(1)) * Fraction(10) ** int(e.group(2))) if e else None


def _part_of_scale(text: str, lex: dict) -> float | None:
    """ "a quarter of a million": the fraction times the scale; None for anything else."""
    part = _PART_OF_SCALE.fullmatch(text)
    if part and part.group(2) in lex["scale_words"]:
        share = [w for w in _WORD_SPLIT.split(part.group(1)) if w]
        if share and share[-1] in lex["fraction_words"]:
            return float(Fraction(str(_fraction(share, lex))) * lex["scale_words"][part.group(2)])
    return None


def _small_whole(word: str, lex: dict) -> int | None:
    """A small whole number as a ratio writes it ("one", "twenty-one", "20"), or None."""
    if _SMALL_DIGITS.fullmatch(word):
        return int(word)
    parts = word.split("-")
    if all(p in lex["number_words"] for p in parts):
        return int(_number_from_words(parts))
    return None


def _ratio(text: str, lex: dict) -> float | None:
    """ "one in five", "3 out of 10" as a share of 1; None when the text is no ratio. Only small whole numbers
    (lexicon.json ratio_joiners): "£5bn in 2020" is an amount and a year, never a ratio; "one in zero" is refused."""
    joiners = lex["ratio_joiners"]
    if " " not in text:
        return None
    for pattern in _ratio_patterns():
        m = pattern.fullmatch(text)
        if not m:
            continue
        top, bottom = _small_whole(m.group(1), lex), _small_whole(m.group(2), lex)
        if top is None or bottom is None or bottom > joiners["largest"]:
            raise ValueError(f"{text!r} is no ratio of small whole numbers")
        if top != 1 and bottom > 10 and bottom not in joiners["round"]:
            raise ValueError(f"{text!r} counts a part and a whole (two figures), not a share")
        if bottom == 0 or top > bottom:
            raise ValueError(f"{text!r}: a ratio needs 0 < its second number and the first no larger")
        return float(Fraction(top, bottom))
    return None


@cache
def _ratio_patterns() -> tuple[re.Pattern[str], ...]:
    """ "X in Y", "X out of Y", … as patterns, the longest joiner first (compiled once)."""
    return tuple(re.compile(rf"(\S+) {re.escape(j)} (\S+)") for j in _longest_first("ratio_joiners", "joiners"))


@cache
def _range_patterns() -> tuple[re.Pattern[str], ...]:
    """The range shapes ("between X and Y", "from X to Y", "X to Y", "X–Y") as patterns, in the order tried."""
    lex = lexicon()
    closers = {o: [c] if isinstance(c, str) else c for o, c in lex["range_openers"].items() if not o.startswith("_")}
    openers = [rf"{re.escape(o)} (.+?) {re.escape(c)} (.+)" for o in _longest_first("range_openers") for c in closers[o]]
    separators = [rf"(.+?) {re.escape(s)} (.+)" if s.isalpha() else rf"(.+?)\s*{re.escape(s)}\s*(.+)"
                  for s in lex["range_separators"]]
    return tuple(re.compile(p) for p in (*openers, *separators))


def _fraction(words: list[str], lex: dict) -> float:
    """ "half", "a third", "two-thirds", "three quarters" as a share of 1; a bare "third" is an ordinal: refused."""
    denominator = lex["fraction_words"][words[-1]]
    head = words[:-1]
    if not head:
        if words[-1] != "half":
            raise ValueError(f"{words[-1]!r} alone is an ordinal, not a fraction")
        return 0.5
    numerator = 1 if head in (["a"], ["an"], ["one"]) else _number_from_words(head)
    if numerator > 1 and not words[-1].endswith("s") and words[-1] != "half":
        raise ValueError("a plural numerator needs a plural fraction word")
    return float(Fraction(str(numerator)) / denominator)


def _range(text: str) -> tuple[str, str] | None:
    """Split "between X and Y", "from X to Y", "X to Y" or "X–Y" into its two ends, or None."""
    for pattern in _range_patterns():
        m = pattern.fullmatch(text)
        if m:
            return m.group(1), m.group(2)
    return None


def _unit_written(end: str, lex: dict) -> str:
    """The unit a range end writes ("%", a currency sign, a trailing unit word), or "" when it writes none."""
    if _PERCENT_END.search(end):
        return "%"
    for sign in lex["currency_symbols"]:
        if end.startswith(sign):
            return sign
    tail = _LETTERS_END.search(end)
    return tail.group() if tail and tail.group() in lex["unit_words"] else ""


def _unsigned(text: str, lex: dict) -> str:
    """The text without a leading currency sign."""
    sign = _leading("currency_symbols", "").match(text)
    return text[sign.end():].lstrip() if sign else text


@cache
def _leading(table: str, after: str) -> re.Pattern[str]:
    """The words of a lexicon table at the start of a text (then ``after``), tried longest first as a loop would."""
    return re.compile("(?:" + by_first_letter(list(_longest_first(table))) + ")" + re.escape(after))


def _scale_of(text: str, lex: dict) -> int | None:
    """The scale a range end writes ("7 million" 1e6, "3bn" 1e9), or None."""
    text = _unsigned(text, lex)
    attached = _ATTACHED_SCALE.fullmatch(text)
    if attached and attached.group(1) in lex["scale_abbreviations"]:
        return int(lex["scale_abbreviations"][attached.group(1)])
    last = text.split(" ")[-1]
    return int(lex["scale_words"][last]) if last in lex["scale_words"] else None


def _bare(text: str, lex: dict) -> str | None:
    """The number of a range end written with no scale ("5", "£2", "five"), or None."""
    text = _unsigned(text, lex)
    if _DIGITS_WHOLE.fullmatch(text):
        return text
    words = [w for w in _SPACE_OR_HYPHEN.split(text) if w]
    return text if words and all(w in lex["number_words"] for w in words) else None


def _read_times(text: str, lex: dict) -> bool:
    """True for a multiple ("doubled", "12-fold")."""
    return text in lex["times_words"] or bool(_FOLD.fullmatch(text))


def parse_quantity(phrase: str) -> Bounds:
    """Return the Bounds a number phrase states, or raise ValueError quoting the phrase; never a guess.

    Bounds and conventions (the ``bound`` column of the figures table):

    - exact: "21", "nine", "five years", "15 thousand", "1.5 million" -> [x, x].
    - range: "between 180 and 250", "three to seven years", "180–250" -> [a, b].
    - more_than ("more than", "over", "above") -> (x, inf); at_least -> [x, inf);
      at_most ("up to", "at most") -> [0, x]; fewer_than ("fewer than", "less than", "under") -> [0, x).
    - approximate ("about", "around", "some") -> [x, x]: the tolerance is not known, so none is invented; the
      bound says the value is not exact. "nearly" and "almost" say less than x: [0, x), like "fewer than".
    - vague plurals and quantifiers -> [least the word allows, inf): "a number of" >= 2, "several" >= 3,
      "dozens" >= 24, "hundreds" >= 200, "thousands" >= 2,000, "millions" >= 2,000,000 (lexicon.json).

    - news shapes (lexicon.json): percentages "0.4%", "60 per cent" -> the number in percent; money "$21bn",
      "£10.8bn", "5bn euros", "$35m" -> the amount (the sign or word is the unit, "bn" 1e9, "m" 1e6, "tn" 1e12);
      fractions and ratios "half", "a third", "two-thirds", "one in five" -> a share of 1 (a bare "third" is an
      ordinal: refused), "a quarter of a million" 250,000; multiples "double", "twice", "triple", "12-fold" ->
      times; "a dozen" 12, "a million" 1e6.
    - more qualifiers: "just over", "exceed" -> more_than; "as many as" -> at_most [0, x]; "just under" ->
      fewer_than; suffixes "14 or less" -> at_most, "18 or more" -> at_least, "or so" -> approximate.
    - "90-odd" -> (90, 100): more than the number, less than the next step of its last non-zero digit
      ("300-odd" -> (300, 400)), bound "range".
    - a range with a scale on its upper end only ("between 5 and 7 million", "£2-3bn", "5-10m"): the bare lower end
      takes the upper end's scale, as news text means it -> [5e6, 7e6], when it is smaller than the upper end's number
      ("between 500,000 and 2 million" stays [5e5, 2e6]); the currency sign of either end is the unit.
    - "one in five", "3 out of 10" only between small whole numbers: "£5bn in 2020" is refused, never divided.

    One trailing unit word from the lexicon ("years", "months", "people", "%", "euros") is allowed and ignored.
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise ValueError(f"cannot parse an empty number phrase: {phrase!r}")
    text = _normalise(phrase)
    for dash, plain in _DASHES.items():
        text = text.replace(dash, plain)
    lex = lexicon()
    shown = repr(phrase if len(phrase) <= 60 else phrase[:57] + "…")
    try:
        kept_exactly(text)
    except ValueError as err:
        raise ValueError(f"cannot parse {shown}: {err}") from None
    try:
        return _parse(text, lex)
    except BoundsOrderError as err:
        raise BoundsOrderError(f"cannot parse {shown}: {err}") from None
    except _TooLarge:
        raise ValueError(f"cannot parse {shown}: the number is too large to compute with "
                         f"({len(re.sub(r'[^0-9]', '', phrase))} digits)") from None
    except ValueError:
        if re.search(r"\d\.\d{3}\b", text):
            raise ValueError(f"cannot parse {shown}: a dot before three digits may be a thousands separator or a "
                             "decimal point; write 15,000 or 15.0") from None
        raise ValueError(f"cannot parse {shown} as a quantity") from None


#: The most significant digits a number may have: bounds are floats, which keep 15 decimal digits exactly (a longer
#: number would be shown rounded: 12345678901234567890 as 12,345,678,901,234,567,168).
FLOAT_DIGITS = 15


def _most_significant_digits(text: str) -> int:
    """The most significant digits of a number written in digits in ``text`` (zeros leading or trailing not counted:
    "1,000,000" has one, "0.0015" two)."""
    runs = (_NOT_DIGIT.sub("", m.group()).strip("0") for m in _NUMBER_RUN.finditer(text))
    return max((len(run) for run in runs), default=0)


def kept_exactly(written: str) -> str:
    """``written`` when every number in it keeps its digits as a bound; ValueError (one line) when one has more than
    FLOAT_DIGITS significant digits and would be shown rounded."""
    significant = _most_significant_digits(written)
    if significant > FLOAT_DIGITS:
        raise ValueError(f"the number has {significant} significant digits, more than are kept exactly (at most "
                         f"{FLOAT_DIGITS}); it would be shown rounded")
    return written


def _odd(text: str, lex: dict) -> Bounds | None:
    """ "90-odd" -> (90, 100): more than the number, less than the next step of its last non-zero digit."""
    suffix = lex["odd_suffix"]["suffix"]
    if not text.endswith(suffix):
        return None
    value = Fraction(str(_read_number(text[: -len(suffix)])))
    if value <= 0 or value.denominator != 1:
        raise ValueError("'-odd' needs a whole number")
    step = 1
    while value % (step * 10) == 0:
        step *= 10
    return Bounds(float(value), float(value + step), True, True, "range")


def _parse(text: str, lex: dict) -> Bounds:
    """Parse a normalised phrase; raise ValueError on anything not in the grammar."""
    body = _strip_unit(text)
    if body in lex["vague_quantities"]:
        return Bounds(lex["vague_quantities"][body], INF, False, True, "vague")
    qualifier = _leading("qualifiers", " ").match(body)
    if qualifier:
        return _qualified(body[qualifier.end():], lex["qualifiers"][qualifier.group()[:-1]], lex)
    for words in _longest_first("suffix_qualifiers"):
        kind = lex["suffix_qualifiers"][words]
        if body.endswith(" " + words):
            lower, upper, lo_open, up_open = _QUALIFIED[kind](_read_number(_strip_unit(body[: -len(words) - 1])))
            return Bounds(lower, upper, lo_open, up_open, kind)
    odd = _odd(body, lex)
    if odd is not None:
        return odd
    try:
        value = _read_number(body)
    except ValueError:
        ends = _range(body)
        if ends is None:
            raise
        written = [_unit_written(end, lex) for end in _range(text) or ends]  # before the unit word was dropped
        if all(written) and written[0] != written[1]:
            raise ValueError("the two ends write different units (\"10 per cent to 18.97 yuan\")") from None
        return _range_bounds(ends, lex)
    return Bounds.exact(value)


def _qualified(rest: str, kind: str, lex: dict) -> Bounds:
    """The Bounds of a number after a qualifier of ``kind``; after "about", "around" … a range stays a range ("about
    14-18 mpg" [14, 18]: the words soften both ends, and no tolerance is invented), and so does an "-odd" figure
    ("some 300-odd" (300, 400))."""
    odd = _odd(rest, lex) if kind == "approximate" else None
    if odd is not None:
        return odd
    try:
        value = _read_number(rest)
    except ValueError:
        ends = _range(rest)
        if kind != "approximate" or ends is None:
            raise
        return _range_bounds(ends, lex)
    return qualified(value, kind)


def qualified(value: float, kind: str) -> Bounds:
    """The Bounds a qualifier of ``kind`` ("more_than", "approximate" …) gives a number: "more than 5" (5, inf)."""
    lower, upper, lo_open, up_open = _QUALIFIED[kind](value)
    return Bounds(lower, upper, lo_open, up_open, kind)


def _range_bounds(ends: tuple[str, str], lex: dict) -> Bounds:
    """The Bounds of a range's two ends; ValueError when they do not make one."""
    written = [_unit_written(end, lex) for end in ends]
    if all(written) and written[0] != written[1]:
        raise ValueError("the two ends write different units (\"6.1% to $2.18 trillion\" is a change and a level)")
    low_text, high_text = _strip_unit(ends[0]), _strip_unit(ends[1])
    if low_text == high_text:
        raise ValueError("a range needs two different ends (\"fifty-fifty\" is an even split, not a range)")
    if any(_bare(end, lex) is None and _read_times(end, lex) for end in (low_text, high_text)):
        raise ValueError("a multiple is no end of a range (\"doubled to £5.5m\" is a change)")
    lower, upper = _read_number(low_text), _read_number(high_text)
    scale, bare = _scale_of(high_text, lex), _bare(low_text, lex)
    if scale is not None and bare is not None and Fraction(str(lower)) < Fraction(str(upper)) / scale:
        lower = float(Fraction(str(lower)) * scale)  # "5 to 7 million": the lower end takes the upper's scale
    return Bounds(lower, upper, False, False, "range")
