"""A lesson from any curated article (``kzfigures lesson``): exercises chosen from what the article's table offers.

Each template of exercises.json teaches one skill (read a bound from the words, tell the kinds of number apart, who
is credited and how, what a derived figure comes from, an honest share, two figures that do not compare, the
draft's wrong reading). A template is used where the article's curated table gives it something to work on, and
left out (the lesson says so) where it does not. No answer is written in the notebook: a check cell names the
article and the question (``lessons.check("<article>", "bounds-foreign-fighters", answer_1)``), and ``lessons``
asks ``answer_key`` here for the article's checks, which chooses the same exercises from the same table and
computes each expected answer from it (kept apart from the hand-written lessons' ANSWER_KEY). The check is data,
not code; the student edition gives nothing away. The notebook itself is written by ``lesson_notebook`` in the
form of the hand-written lessons (nbgrader's markers, a ``show_solutions`` parameter), so edition.py and
printables.py make its student edition and worksheets.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..figures.bounds import Bounds
from ..figures.formatting import number
from . import lessons as L

if TYPE_CHECKING:
    import pandas as pd

WORDS: dict[str, Any] = json.loads((Path(__file__).with_name("exercises.json")).read_text(encoding="utf-8"))
TEMPLATE_WORDS: dict[str, dict[str, Any]] = WORDS["templates"]
#: The bounds that give one end only.
OPEN = ("more_than", "at_least", "fewer_than", "at_most")


class NoLesson(ValueError):
    """An article a lesson cannot be made from (unknown, or nothing curated yet); the message says what to do."""


@dataclass
class Exercise:
    """One question of a generated lesson: its words, the right answer as code and as data, and its check."""

    template: str
    figures: tuple[str, ...]
    question: str  # Markdown
    solution: str  # Python source of a right answer
    why: str  # the answer key's one line
    expected: Any  # what the check compares with, from the table
    extra: dict[str, Any] = field(default_factory=dict)
    shows: str = ""  # the code of a table the question shows, if any

    @property
    def name(self) -> str:
        """The question's name in the check cell: the template and its figures ("compare-a--b")."""
        return f"{self.template}-" + "--".join(f.replace("_", "-") for f in self.figures)

    @property
    def form(self) -> str:
        """The form of the answer, as the answer cell's comment says it."""
        return str(TEMPLATE_WORDS[self.template]["form"])


# -- the article's data ----------------------------------------------------------------------------------------
@dataclass
class Article:
    """What the templates read: the curated figures (derived ones too), the people, the derived inputs, the text."""

    seed_id: str
    figures: pd.DataFrame
    people: pd.DataFrame
    derived: list[dict[str, str]]
    text: str
    meta: dict[str, Any]


def article(seed_id: str, root: str | Path | None = None) -> Article:
    """The curated data of one article; NoLesson in one line for an unknown article or one with nothing curated."""
    from ..figures.companions import people
    from ..figures.problems import article_line, by_article
    from ..figures.seeds import load_seed
    from ..figures.store import checked_package
    from ..figures.table import curated_rows
    from ..figures.validation import validate_package

    package = checked_package(root)
    if seed_id in package.set_apart:  # there, but with broken rows of its own: say which, not "no article", and
        found = by_article(validate_package(root))[1].get(seed_id)  # as many as validate lists (its audit's too)
        raise NoLesson(f"no lesson yet: {article_line(seed_id, found or package.set_apart[seed_id])}")
    if seed_id not in package.seeds:
        raise NoLesson(f"no article {seed_id!r} in the collection; articles: {', '.join(sorted(package.seeds))}")
    figures = curated_rows(root, include_derived=True)
    figures = figures.loc[figures["seed_id"] == seed_id].reset_index(drop=True)
    if not (~figures["derived"]).any():
        raise NoLesson(f"{seed_id} has no curated figures yet: draft it (kzfigures draft {seed_id}) and curate the "
                       "proposals, then make its lesson")
    ids = set(figures["figure_id"])
    derived = [dict(r) for r in package.tables["derived"].rows if r["figure_id"] in ids]
    seed = load_seed(seed_id, root)
    found = people(root)
    return Article(seed_id, figures, found.loc[found["seed_id"] == seed_id], derived, seed.text, dict(seed.meta))


def _stated(a: Article) -> pd.DataFrame:
    """The figures the article states itself, once each (no derived rows, no restatements, words given)."""
    f = a.figures
    keep = ~f["derived"] & f["same_as"].isna() & f["number_text"].fillna("").astype(str).str.strip().ne("")
    return f.loc[keep]


def _levels(a: Article) -> pd.DataFrame:
    """The stated figures that are levels: a change ("fell 0.8%", the size of a fall) is left out of the questions
    that read a figure as a level (its bounds, its kind, a comparison of scopes, a share)."""
    stated = _stated(a)
    if "change" not in stated:
        return stated
    return stated.loc[~stated["change"].isin(("up", "down"))]


def _kind(bound: str) -> str:
    """The kind a bound belongs to (exact, range, open, vague), or "" for one the lesson does not ask about."""
    return str(WORDS["kind_words"].get(bound, ""))


#: The characters Markdown (and the notebook's MathJax) would act on in text from the data.
_ACTIVE = set("\\`*_[]<>#|~$&")


def _md(text: Any) -> str:
    """Text from the data, shown exactly as written in Markdown: its active characters escaped, the rest as written
    (so the notebook's source and the printed title read as the article does)."""
    return "".join("\\" + ch if ch in _ACTIVE else ch for ch in str(text)).replace("\n", " ")


def _fields(row: pd.Series) -> dict[str, str]:
    """A figure's words for the templates, escaped for Markdown."""
    return {"words": _md(row["number_text"]), "measure": _md(row["measure"]), "unit": _md(row["unit"]),
            "quote": _md(row["quote"])}


def _plain_fields(row: pd.Series) -> dict[str, str]:
    """A figure's words for the answer key's why (plain text: the key's page escapes it)."""
    return {"words": str(row["number_text"]), "measure": str(row["measure"]), "unit": str(row["unit"])}


def _literal(x: float | Fraction) -> str:
    """A bound as Python source: math.inf, an int when whole, else the float."""
    if x == math.inf:
        return "math.inf"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _interval(b: Bounds) -> str:
    """An interval as people read it."""
    return b.notation(lambda x: number(x, 4))


# -- the templates: each returns the exercises an article offers (none: left out) ------------------------------
def _kind_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """Up to two figures of different kinds (exact first), not already asked about."""
    t, kinds = TEMPLATE_WORDS["kind"], set()
    out: list[Exercise] = []
    for wanted in ("exact", "vague", "range", "open"):
        for _, row in _levels(a).iterrows():
            kind = _kind(row["bound"])
            if kind == wanted and kind not in kinds and row["figure_id"] not in used and len(out) < 2:
                kinds.add(kind)
                used.add(row["figure_id"])
                article_word = "an" if kind[0] in "aeiou" else "a"
                out.append(Exercise("kind", (row["figure_id"],), t["question"].format(**_fields(row)), repr(kind),
                                    t["why"].format(**_plain_fields(row), article=article_word, kind=kind,
                                                    reason=t["reasons"][kind]), kind))
                break
    return out


def _bounds_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """An open bound and a range (or a vague word): the bounds of their words; in an article of exact figures
    only, one exact figure (its two bounds are the same)."""
    t = TEMPLATE_WORDS["bounds"]
    out: list[Exercise] = []
    for kinds in (OPEN, ("range",), ("vague",), ("exact",)):
        if len(out) == 2 or (kinds == ("exact",) and out):
            break
        stated = _levels(a)
        read_by_words = (stated["override_reason"].fillna("").astype(str).str.strip() == ""
                         if "override_reason" in stated else stated["bound"].map(lambda _: True))
        rows = stated.loc[stated["bound"].isin(kinds) & read_by_words]  # a curator's reading is not "the words'"
        if len(rows) and not (kinds == ("vague",) and any(e.extra["bound"] == "range" for e in out)):
            row = rows.iloc[0]
            b: Bounds = row["bounds"]
            solution = f"({_literal(b.lower)}, {_literal(b.upper)})"
            ranged = row["bound"] == "range" and (b.lower_open or b.upper_open)
            reason = t["reasons"].get("range_open" if ranged else row["bound"], "")
            out.append(Exercise("bounds", (row["figure_id"],), t["question"].format(**_fields(row)), solution,
                                t["why"].format(**_plain_fields(row), notation=_interval(b), reason=reason), b,
                                {"bound": row["bound"], "words": str(row["number_text"]), "unit": str(row["unit"])}))
            used.add(row["figure_id"])
    return out


def _names(a: Article, name: str) -> set[str]:
    """Every right way to write a credited name: the name, the surname, a title and the surname, the role (its
    first clause), and the role with the name."""
    words = name.split()
    names = {name, words[-1]} | {f"{title} {words[-1]}" for title in WORDS["titles"]}
    found = a.people.loc[a.people["name"] == name, "role"] if len(a.people) else []
    roles = {r for role in found if isinstance(role, str) and role for r in (role, role.split(";")[0].strip())}
    return names | roles | {f"{r} {n}" for r in roles for n in (name, words[-1])} | {
        f"{n} ({r})" for r in roles for n in (name, words[-1])} | {f"{n}, {r}" for r in roles for n in (name,)}


def _credit_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """Who is credited with a figure (a person or body the people table names, explicitly), and whether a credit
    is explicit or inferred (an inferred one where the article has one)."""
    out: list[Exercise] = []
    stated = _stated(a)
    persons = set(a.people.loc[a.people["kind"] == "person", "name"]) if len(a.people) else set()
    bodies = set(a.people["name"]) - persons if len(a.people) else set()
    explicit = stated.loc[(stated["attribution"] == "explicit") & ~stated["figure_id"].isin(used)]
    explicit = next((rows for names in (persons, bodies)
                     if len(rows := explicit.loc[explicit["attributed_to"].isin(names)])), explicit.iloc[:0])
    if len(explicit):
        row = explicit.iloc[0]
        t, name = TEMPLATE_WORDS["credit"], str(row["attributed_to"])
        others = sorted(set(stated["attributed_to"]) - {name, "unattributed"})
        out.append(Exercise("credit", (row["figure_id"],), t["question"].format(**_fields(row)), repr(name),
                            t["why"].format(**_plain_fields(row), credit=name), name,
                            {"right": sorted(_names(a, name)), "others": others, "words": str(row["number_text"])}))
    credited = stated.loc[stated["attribution"].isin(("explicit", "inferred"))
                          & (stated["attributed_to"] != "unattributed")]
    if len(credited):
        inferred = credited.loc[credited["attribution"] == "inferred"]
        row = (inferred if len(inferred) else credited).iloc[0]
        t, how = TEMPLATE_WORDS["credit-how"], str(row["attribution"])
        fields = {**_fields(row), "name": _md(row["attributed_to"])}
        out.append(Exercise("credit-how", (row["figure_id"],), t["question"].format(**fields), repr(how),
                            t["why"].format(**_plain_fields(row), name=row["attributed_to"], how=how,
                                            reason=t["reasons"][how]), how,
                            {"words": str(row["number_text"]), "name": str(row["attributed_to"])}))
    return out


def _table_code(ids: list[str]) -> str:
    """The code of a cell that shows these figures' ids, words and what they count."""
    return (f"figures.loc[figures['figure_id'].isin({sorted(ids)!r}), "
            "['figure_id', 'number_text', 'unit', 'measure']].set_index('figure_id')")


def _derived_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """The inputs of the first derived figure."""
    if not a.derived:
        return []
    raw, t = a.derived[0], TEMPLATE_WORDS["derived"]
    inputs = {raw["left"], raw["right"]}
    unit = next((r["unit"] for _, r in a.figures.iterrows() if r["figure_id"] == raw["figure_id"]), "")
    stated = sorted(_stated(a).loc[_stated(a)["unit"] == unit, "figure_id"])  # the candidates: the same unit
    return [Exercise("derived", (raw["figure_id"],), t["question"].format(measure=_md(raw["measure"])),
                     repr(inputs), t["why"].format(measure=raw["measure"].capitalize(),
                                                   inputs=" and ".join(sorted(inputs))),
                     inputs, shows=_table_code(stated))]


def _share_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """A share where the table divides a part by a whole given in the same unit."""
    by_id = a.figures.set_index("figure_id")
    for raw in a.derived:
        left, right = raw["left"], raw["right"]
        if raw["op"] != "divide" or left not in by_id.index or right not in by_id.index:
            continue
        part, whole = by_id.loc[left], by_id.loc[right]
        if part["unit"] != whole["unit"] or by_id.loc[left, "derived"] or by_id.loc[right, "derived"] or any(
                by_id.loc[i].get("change") in ("up", "down") for i in (left, right)):  # a change is not a part
            continue
        t = TEMPLATE_WORDS["share"]
        result: Bounds = part["bounds"] / whole["bounds"]
        question = t["question"].format(part=_md(part["number_text"]), part_measure=_md(part["measure"]),
                                        whole=_md(whole["number_text"]), whole_measure=_md(whole["measure"]),
                                        unit=_md(part["unit"]), part_id=left, whole_id=right)
        return [Exercise("share", (left, right), question, f'bounds["{left}"] / bounds["{right}"]',
                         t["why"].format(notation=_interval(result)), result,
                         {"reversed": whole["bounds"] / part["bounds"]})]
    return []


def _scope(row: pd.Series, what: str) -> str:
    """A figure's unit, place or period as written ("" when the table gives none)."""
    column = {"unit": "unit", "place": "place", "period": "period_text"}[what]
    from ..figures.draft import TO_DESCRIBE

    value = row[column]
    return value.strip() if isinstance(value, str) and value.strip() != TO_DESCRIBE else ""


def _compare_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """The first pair of figures that differ in exactly one of unit, place and period (place and period first)."""
    rows = [row for _, row in _levels(a).iterrows()]
    for wanted in ("place", "period", "unit"):
        for i, first in enumerate(rows):
            for second in rows[i + 1:]:
                scopes = {w: (_scope(first, w), _scope(second, w)) for w in ("unit", "place", "period")}
                if any(bool(x) != bool(y) for x, y in scopes.values()):
                    continue  # one says and the other does not: not for sure a difference
                differs = [w for w, (x, y) in scopes.items() if x.lower() != y.lower()]
                if differs == [wanted]:
                    t = TEMPLATE_WORDS["compare"]
                    x, y = scopes[wanted]
                    question = t["question"].format(a=_md(first["number_text"]), a_measure=_md(first["measure"]),
                                                    b=_md(second["number_text"]), b_measure=_md(second["measure"]))
                    return [Exercise("compare", (first["figure_id"], second["figure_id"]), question, repr(wanted),
                                     t["why"].format(what=wanted, a_value=x, b_value=y), wanted)]
    return []


def _override_reason(row: pd.Series) -> str:
    """The curator's reason for the bounds they gave a figure (overrides.csv, as load_figures reads it); "" when the
    bounds are the words' own."""
    reason = row.get("override_reason")
    return reason.strip() if isinstance(reason, str) else ""


def _draft_readings(a: Article) -> list[tuple[pd.Series, Any, bool]]:
    """Each stated figure with the draft's proposal for its words and whether the curator corrected it (its bounds,
    or a credit the draft proposed). A figure whose bounds the curator gave (a row of overrides.csv, which
    load_figures applies and names in ``override_reason``) was corrected by definition."""
    from ..figures.draft import propose

    proposals = {p.start: p for p in propose(a.text) if p.is_figure}
    out = []
    for _, row in _stated(a).iterrows():
        start = row.get("number_start")
        proposal = proposals.get(int(start)) if start == start and start is not None else None
        if proposal is None or proposal.phrase != row["number_text"]:
            continue
        b: Bounds = row["bounds"]
        pb = proposal.bounds
        same_bounds = pb is not None and (pb.lower, pb.upper, pb.lower_open, pb.upper_open) == (
            b.lower, b.upper, b.lower_open, b.upper_open)
        credit = proposal.credit.strip()
        curated = str(row["attributed_to"])
        same_credit = not credit or curated == credit or curated.endswith(" " + credit)
        out.append((row, proposal, not (same_bounds and same_credit) or bool(_override_reason(row))))
    return out


def _draft_exercises(a: Article, used: set[str]) -> list[Exercise]:
    """Three of the draft's proposals, one of them corrected by the curator: which?"""
    readings = _draft_readings(a)
    wrong = [r for r in readings if r[2]]
    right = sorted((r for r in readings if not r[2]), key=lambda r: not r[1].credit)  # credited ones first
    if not wrong or len(right) < 2:
        return []
    chosen = sorted([wrong[0], *right[:2]], key=lambda r: int(r[0]["number_start"]))
    t, lines, answer = TEMPLATE_WORDS["draft"], [], ""
    for letter, (row, proposal, corrected) in zip("ABC", chosen, strict=True):
        credit = proposal.credit or t["no_credit"]
        lines.append("- " + t["line"].format(letter=letter, words=_md(proposal.phrase),
                                             notation=_md(_interval(proposal.bounds)), credit=_md(credit)))
        if corrected:
            answer, fixed = letter, row
            draft = f"{_interval(proposal.bounds)}, credited to {credit}"
            curated = f"{_interval(row['bounds'])}, credited to {row['attributed_to']}"
    reason = _override_reason(fixed)
    why = t["why"].format(words=fixed["number_text"], draft=draft, curated=curated) + (
        " " + t["why_reason"].format(reason=reason.rstrip(".")) if reason else "")
    return [Exercise("draft", (fixed["figure_id"],), t["question"].format(proposals="\n".join(lines)),
                     repr(answer), why, answer, {"figure_id": str(fixed["figure_id"])})]


#: The templates in the order a lesson asks them.
MAKERS: dict[str, Callable[[Article, set[str]], list[Exercise]]] = {
    "kind": _kind_exercises, "bounds": _bounds_exercises, "credit": _credit_exercises,
    "derived": _derived_exercises, "share": _share_exercises, "compare": _compare_exercises,
    "draft": _draft_exercises}


def exercises(a: Article) -> list[Exercise]:
    """The exercises an article offers, in the lesson's order (bounds are chosen before kinds, so the two ask
    about different figures)."""
    used: set[str] = set()
    made: dict[str, list[Exercise]] = {name: [] for name in MAKERS}
    for name in ("bounds", *[n for n in MAKERS if n != "bounds"]):
        made[name] = MAKERS[name](a, used)
    return [e for name in MAKERS for e in made[name]]


def offered(a: Article) -> list[Exercise]:
    """Every exercise the article's table offers, not only the ones its lesson asks: each template asked again with
    the figures it chose set aside, until it offers none it has not (so a question of a lesson handed out before the
    curation changed is still checked by its name while its figures are curated)."""
    found: dict[str, Exercise] = {}
    for maker in MAKERS.values():
        used: set[str] = set()
        for _ in range(len(a.figures) + 1):  # a template that sets nothing aside offers the same again: done
            new = [e for e in maker(a, used) if e.name not in found]
            if not new:
                break
            for e in new:
                found[e.name] = e
                used.update(e.figures)
    return list(found.values())


def skills(made: list[Exercise]) -> tuple[list[str], list[str]]:
    """The skills a lesson practises and the ones it leaves out (the article gives nothing to work on)."""
    present = {e.template for e in made}
    return ([t["skill"] for n, t in TEMPLATE_WORDS.items() if n in present],
            [t["skill"] for n, t in TEMPLATE_WORDS.items() if n not in present])


# -- the checks: each compares an answer with the table's value --------------------------------------------------
def _whole(unit: str) -> bool:
    """True for a unit counted in whole things (lexicon.json's whole_units)."""
    from ..figures.lexicon import lexicon

    return unit in lexicon()["whole_units"]["units"]


#: A bound's end as Bounds keeps it: a whole number, a float or an exact fraction.
Number = int | float | Fraction


def _allowed_ends(b: Bounds, unit: str) -> tuple[list[Number], list[Number]]:
    """The lower and upper ends a student may write: the table's, and for whole things an open end as the next whole
    number inside it (more than 15,000 people: 15,001)."""
    whole = _whole(unit)
    lowers = [b.lower] + ([b.lower + 1] if b.lower_open and whole and float(b.lower).is_integer() else [])
    uppers = [b.upper] + ([b.upper - 1] if b.upper_open and whole and math.isfinite(b.upper)
                          and float(b.upper).is_integer() else [])
    return lowers, uppers


def _matching(given: Number, allowed: list[Number]) -> Number | None:
    """The allowed end ``given`` is, each allowed its rounding; None when it is none of them."""
    return next((x for x in allowed if L._close(L._rounded(given, float(x)), float(x))), None)


def _check_bounds(answer: Any, name: str, e: Exercise) -> str:
    """Bounds of the words: the table's interval, its open end written as the next whole number for whole things,
    each end allowed its rounding; as Bounds, the open ends must match too."""
    t, b, words = TEMPLATE_WORDS["bounds"], e.expected, e.extra["words"]
    L._missing(answer, name, f"write the lowest and highest values that “{words}” allows, as (lower, upper)")
    given = L._as_bounds(answer, name)
    lowers, uppers = _allowed_ends(b, e.extra["unit"])
    lower = _matching(given.lower, lowers)
    if lower is None:
        more = "too high" if given.lower > b.lower else "too low"
        hint = t["lower_hint"].get(e.extra["bound"], t["lower_hint"]["other"])
        raise L.NotYet(f"your lower bound {given.lower:,g} is {more}: " + hint.format(words=words, lower=number(b.lower)))
    upper = _matching(given.upper, uppers)
    if upper is None:
        if b.upper == math.inf:
            raise L.NotYet(f"your upper bound {given.upper:,g} is too low: " + t["upper_open_hint"].format(words=words))
        more = "too high" if given.upper > b.upper else "too low"
        raise L.NotYet(f"your upper bound {given.upper:,g} is {more}: " + t["upper_hint"].format(words=words))
    if isinstance(answer, Bounds):
        wanted = (b.lower_open and lower == b.lower, b.upper_open and upper == b.upper)
        if (answer.lower_open, answer.upper_open) != wanted:
            raise L.NotYet("the numbers are right, but not which ends are included: decide for each end whether the "
                           "value itself is allowed")
    return "your bounds match the words."


def _one_word(answer: Any) -> str:
    """A one-word answer made comparable (quotes, case, spaces and a final stop do not matter)."""
    return L._plain(answer.strip().strip("'\"")) if isinstance(answer, str) else ""


def _check_kind(answer: Any, name: str, e: Exercise) -> str:
    """One of exact, range, open or vague."""
    L._missing(answer, name, TEMPLATE_WORDS["kind"]["missing"])
    also = WORDS["kind_also"][e.expected]
    every = {*WORDS["kind_words"].values(), *(w for words in WORDS["kind_also"].values() for w in words)}
    if isinstance(answer, str) and _one_word(answer) in every:
        if _one_word(answer) in {e.expected, *also}:
            return "that is its kind."
        raise L.NotYet(f"{name} = {answer!r} is not its kind. {TEMPLATE_WORDS['kind']['hint']}")
    return L.check_choice(answer.strip("'\" .") if isinstance(answer, str) else answer, e.expected, name,
                          "Answer with one word: exact, range, open or vague.", also=also)


def _check_credit(answer: Any, name: str, e: Exercise) -> str:
    """A name, a surname (with or without a title), or a role the people table gives."""
    t, words = TEMPLATE_WORDS["credit"], e.extra["words"]
    L._missing(answer, name, "write the name, in quotes")
    if isinstance(answer, str):
        given = _one_word(answer)
        if given in {L._plain(w) for w in e.extra["right"]}:
            return "that is the one."
        other = next((o for o in e.extra["others"] if given in {L._plain(o), L._plain(o.split()[-1])}), None)
        if other:
            raise L.NotYet(f"{name} = {answer!r} is not it: " + t["other_hint"].format(name=other, words=words) + ".")
        if given in {L._plain(w) for w in WORDS["unattributed_also"]}:
            raise L.NotYet(f"{name} = {answer!r} is not it: " + t["unattributed_hint"].format(words=words) + ".")
    return L.check_choice(answer, e.expected, name, t["hint"].format(words=words).capitalize() + ".",
                          also=e.extra["right"])


def _check_credit_how(answer: Any, name: str, e: Exercise) -> str:
    """Explicit or inferred."""
    L._missing(answer, name, TEMPLATE_WORDS["credit-how"]["missing"])
    if isinstance(answer, str) and _one_word(answer) in ("explicit", "inferred") and _one_word(answer) != e.expected:
        hint = TEMPLATE_WORDS["credit-how"]["hint"].format(words=e.extra["words"], name=e.extra["name"])
        raise L.NotYet(f"{name} = {answer!r} is not it: {hint}.")
    return L.check_choice(answer.strip("'\" .") if isinstance(answer, str) else answer, e.expected, name,
                          "Answer with one word: explicit or inferred.")


def _check_compare(answer: Any, name: str, e: Exercise) -> str:
    """The one of unit, place and period in which the two figures differ."""
    L._missing(answer, name, TEMPLATE_WORDS["compare"]["missing"])
    also = WORDS["compare_also"]
    for what, words in also.items():
        if isinstance(answer, str) and _one_word(answer) in {what, *words} and what != e.expected:
            raise L.NotYet(f"{name} = {answer!r} is not it: "
                           + TEMPLATE_WORDS["compare"]["same_hint"].format(what=what) + ".")
    return L.check_choice(answer.strip("'\" .") if isinstance(answer, str) else answer, e.expected, name,
                          TEMPLATE_WORDS["compare"]["hint"].capitalize() + ".", also=also[e.expected])


def _check_share(answer: Any, name: str, e: Exercise) -> str:
    """The interval of the part over the whole; the whole over the part gets its own hint."""
    flipped: Bounds = e.extra["reversed"]
    if isinstance(answer, Bounds) and (answer.lower, answer.upper) == (flipped.lower, flipped.upper):
        raise L.NotYet(f"{name} is the whole divided by the part: " + TEMPLATE_WORDS["share"]["reversed_hint"])
    return L.check_interval(answer, e.expected, name, "the share")


def _check_draft(answer: Any, name: str, e: Exercise) -> str:
    """The letter of the corrected proposal (or its figure id)."""
    L._missing(answer, name, TEMPLATE_WORDS["draft"]["missing"])
    return L.check_choice(answer.strip("'\" .") if isinstance(answer, str) else answer, e.expected, name,
                          TEMPLATE_WORDS["draft"]["hint"].capitalize() + ".", also=(e.extra["figure_id"],))


CHECKS: dict[str, Callable[[Any, str, Exercise], str]] = {
    "kind": _check_kind, "bounds": _check_bounds, "credit": _check_credit, "credit-how": _check_credit_how,
    "derived": lambda a, n, e: L.check_set(a, e.expected, n),
    "share": lambda a, n, e: _check_share(a, n, e),
    "compare": _check_compare, "draft": _check_draft}


def question_kind(name: str) -> str:
    """The template a question's name starts with ("credit-how" for "credit-how-a-at-3"), or "" for no question's."""
    return max((t for t in CHECKS if name.startswith(f"{t}-")), key=len, default="")


def _check_of(e: Exercise) -> L.Key:
    """The answer key's check of one exercise."""
    return lambda answer, name: CHECKS[e.template](answer, name, e)


@cache
def _checks(seed_id: str, state: Any) -> dict[str, L.Key]:
    """An article's checks by question name, chosen and computed from its table once per data state."""
    return {e.name: _check_of(e) for e in exercises(article(seed_id))}


@cache
def _offered_checks(seed_id: str, state: Any) -> dict[str, L.Key]:
    """The checks of every exercise an article's table offers (``offered``), once per data state."""
    return {e.name: _check_of(e) for e in offered(article(seed_id))}


def check_named(lesson: str, question: str) -> L.Key | None:
    """The check of a question of an article's lesson by its name: one the lesson asks, or one its table still
    offers (a lesson handed out before the curation changed asked it); None when neither (its figures are gone)."""
    from ..figures.paths import file_state

    found = answer_key(lesson).get(question)
    if found is not None or not answer_key(lesson):
        return found
    try:
        return _offered_checks(lesson, file_state()).get(question)
    except (NoLesson, FileNotFoundError):
        return None


def is_article(lesson: str) -> bool:
    """True when ``lesson`` names an article of the collection (a lesson ``kzfigures lesson`` makes or made)."""
    from ..figures.store import checked_package

    try:
        return lesson in checked_package().seeds
    except (OSError, ValueError):
        return False


def answer_key(lesson: str) -> dict[str, L.Key]:
    """The checks of the lesson of an article by question name; {} when ``lesson`` names no curated article."""
    from ..figures.paths import file_state
    from ..figures.store import checked_package

    try:
        if lesson not in checked_package().seeds:
            return {}
        return _checks(lesson, file_state())
    except (NoLesson, FileNotFoundError):
        return {}


# -- the notebook ------------------------------------------------------------------------------------------------
def _cell(kind: str, source: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """A notebook cell."""
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _source_line(a: Article) -> str:
    """The article as a reader cites it: publisher, “title” (date)."""
    return f"{a.meta.get('publisher', '')}, “{a.meta.get('title', a.seed_id)}” ({a.meta.get('published', '')})"


def lesson_notebook(seed_id: str, root: str | Path | None = None) -> dict[str, Any]:
    """The instructor lesson of an article, unexecuted, with nbgrader's metadata (``edition.graded``)."""
    from .edition import graded

    a = article(seed_id, root)
    made = exercises(a)
    practised, left_out = skills(made)
    intro = "\n".join([
        "# " + WORDS["title"].format(title=_md(a.meta.get("title", seed_id))), "",
        f"**Question:** {WORDS['question']}", "",
        WORDS["intro"].format(minutes=5 * len(made) + 5, source=_md(_source_line(a))), "",
        WORDS["skills_line"], *[f"- {s}" for s in practised]]
        + (["", WORDS["left_out_line"], *[f"- {s}" for s in left_out]] if left_out else []))
    setup = ("import math\n\nimport kzfigures\nfrom kzfigures import lessons, views\n\n"
             f"ARTICLE = {seed_id!r}  # the article this lesson reads\n"
             "figures = kzfigures.load_figures(seed=ARTICLE, include_derived=True)\n"
             "bounds = dict(zip(figures['figure_id'], figures['bounds']))  # each figure's interval, by id\n"
             "views.show_full_text()\nkzfigures.check_parameters(show_solutions=show_solutions)")
    cells = [_cell("markdown", intro),
             _cell("markdown", "## Parameters\n\n`show_solutions` only matters in the HTML report: `False` hides "
                               "the worked answers, as in the student edition."),
             _cell("code", "show_solutions: bool = True  # the report shows worked answers (False: hidden, as for "
                           "students)", ("parameters",)),
             _cell("code", setup), _cell("markdown", WORDS["kinds_intro"]),
             _cell("markdown", WORDS["how_to"], ("how-to-answer",))]
    for number_, e in enumerate(made, 1):
        answer = f"answer_{number_}"
        cells.append(_cell("markdown", f"### Question {number_}\n\n{e.question}"))
        if e.shows:
            cells.append(_cell("code", e.shows))
        cells.append(_cell("code", f"{answer} = None  # {e.form}\n### BEGIN SOLUTION\n{answer} = {e.solution}\n"
                                   "### END SOLUTION"))
        cells.append(_cell("code", f'lessons.check("{seed_id}", "{e.name}", {answer})'))
    points = [TEMPLATE_WORDS[t]["point"] for t in dict.fromkeys(e.template for e in made)]
    cells += [_cell("markdown", "## Key points\n\n" + "\n".join(f"- {p}" for p in points)),
              _cell("markdown", "## How far you got\n\nThis cell counts the questions you have answered correctly so "
                                "far. Run it again after changing an answer."),
              _cell("code", f'lessons.summary("{seed_id}")')]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
                "kzfigures": {"solutions_shown_by": "show_solutions",
                              "printables": {"seed": seed_id, "article": sorted({f for e in made for f in e.figures
                                                                                 if f in set(_stated(a)["figure_id"])}),
                                             "why": {e.name: e.why for e in made}}}}
    return graded({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})


def lesson_name(seed_id: str) -> str:
    """The lesson's file name, in the collection's NN-topic form."""
    return f"01-{seed_id}.ipynb"
