"""Curating an article: every proposal of its draft decided by a person, one action each, nothing typed by hand.

>>> c = kzfigures.curation("bbc-2005-budget")
>>> c.proposals                                   # what the draft proposes, not yet decided
>>> c.accept(c.proposals.index[0])                # a right proposal: one action
>>> c.accept(pid, unit="dollars", lower=0, upper=5, override_reason="‘within five years’: up to five")
>>> c.reject(pid, "year: says when, not how many")  # becomes a non-figure with that reason
>>> c.add_words("A score of", lower=20, upper=20, override_reason="a score is twenty")  # one the draft missed
>>> c.undo(); c.save()                            # save checks everything, then writes atomically
>>> c.take_back(pid)                              # a saved decision taken back: its proposal is to decide again

Decisions are kept in memory until ``save()``, which re-reads the package, refuses (in one line, writing nothing)
a decision another save made meanwhile, checks the package with the new rows (the coverage audit included), and
appends them to figures.csv, non_figures.csv, overrides.csv and people.csv in each file's own style, every other
row's bytes unchanged. Ids (a figure's, a new person's) are made here, never typed. Each save records what it wrote
(on the article's proposal resource in data/datapackage.json, as ``saved_decisions``), so ``take_back()`` removes
exactly those lines, under the same lock and in one atomic replace, and refuses in one line a row changed since.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .bounds import Bounds
from .coverage import coverage_problems
from .draft import TO_DESCRIBE, credit_and_attribution_at, credit_kind, publisher_of
from .files import SAVE_JOURNAL, csv_lines, data_lock, has_bom, read_exactly, replace_all, whole_csv, with_column
from .literal import hidden_character, printable
from .package import DESCRIPTOR, Package, read_package, too_long
from .parse import kept_exactly, parse_quantity
from .paths import project_root
from .problems import DataPackageError
from .proposals import COLUMNS, bounds_of_row, changed_by_hand, declared, frame, proposal_rows, resource_path
from .validation import UNATTRIBUTED, validate

#: What a person may set on a figure (figures.csv's own columns).
FIGURE_FIELDS = ("topic", "unit", "measure", "period_start", "period_end", "period_text", "place", "attributed_to",
                 "source_type", "attribution", "same_as", "notes", "change")
#: What ``change`` may be: a rise, a fall, or empty for a level.
CHANGES = ("up", "down", "")
#: figures.csv's change field as data/datapackage.json describes it: added to a descriptor made before it, with the
#: column, by the first save of a change (tests/test_change.py holds it equal to the flagship's).
CHANGE_FIELD: dict[str, Any] = {
    "name": "change", "type": "string",
    "description": "'up' or 'down' when the number is a change, not a level: “fell 0.8%” is a fall of 0.8 (change "
                   "'down'), “closed at 4,736” is a level (empty). Empty for a level. A figures.csv made before this "
                   "column may lack it: every row is then a level.",
    "constraints": {"enum": ["up", "down"]}, "kzfigures:optional_column": True}
#: What overrides the bounds the words give; override_reason is required with any of them.
OVERRIDE_FIELDS = ("lower", "upper", "lower_open", "upper_open", "override_reason")
#: What describes a new person (or organisation) named as a credit (added to people.csv).
PERSON_FIELDS = ("role", "kind")


def reading_cells(words: str, shown: Any = lambda v: repr(float(v))) -> dict[str, str]:
    """The cells of a selection's reading by the grammar: its bounds (as ``shown`` writes them), their openness and
    bound, or empty bounds and the reason it cannot be read."""
    try:
        bounds = parse_quantity(words)
    except ValueError as err:
        return {"lower": "", "upper": "", "lower_open": "false", "upper_open": "false", "bound": "",
                "reason": f"unread: {err}"}
    return {"lower": shown(bounds.lower), "upper": shown(bounds.upper), "lower_open": str(bounds.lower_open).lower(),
            "upper_open": str(bounds.upper_open).lower(), "bound": bounds.bound or "", "reason": ""}

@dataclass
class Decision:
    """One decision not yet saved: the rows it adds, the span it decides, and the proposals it settles."""

    action: str
    span: tuple[int, int]
    words: str
    settles: list[str]
    figure: dict[str, str] | None = None
    non_figure: dict[str, str] | None = None
    override: dict[str, str] | None = None
    person: dict[str, str] | None = None
    said: str = ""
    #: a people row saved before, kept by a take-back because this decision credits it: its record takes it over
    owns: dict[str, str] | None = None


@dataclass
class Curation:
    """The curation of one article (see the module's docstring)."""

    article: str
    root: Path
    text: str
    _rows: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _decisions: list[Decision] = field(default_factory=list, repr=False)
    _people: set[str] = field(default_factory=set, repr=False)
    saved: int = 0
    #: the person_ids people.csv holds (a new one never repeats one: "Officials" and "officials" are two rows)
    _people_ids: set[str] = field(default_factory=set, repr=False)
    #: the article's publisher (its metadata), credited with what the article says in its own voice
    publisher: str = ""

    # -- what there is to decide -----------------------------------------------------------------------------
    @property
    def proposals(self) -> pd.DataFrame:
        """The proposals not yet decided (indexed by proposal id): the words, the grammar's bounds, the candidates."""
        settled = {pid for d in self._decisions for pid in d.settles}
        return frame([r for pid, r in self._rows.items() if pid not in settled])

    @property
    def decided(self) -> int:
        """How many decisions this curation made (saved or not)."""
        return self.saved + len(self._decisions)

    @property
    def total(self) -> int:
        """The decisions made and the proposals still to decide."""
        return self.decided + len(self.proposals)

    @property
    def unsaved(self) -> int:
        """How many decisions are not saved yet."""
        return len(self._decisions)

    def progress(self) -> str:
        """"12 of 26 decided", and how many are not saved yet."""
        tail = f"; {self.unsaved} not saved yet" if self.unsaved else ""
        return f"{self.decided} of {self.total} decided{tail}"

    def decisions(self) -> list[str]:
        """Each unsaved decision in one line, oldest first."""
        return [d.said for d in self._decisions]

    def decided_spans(self) -> list[tuple[int, int, str]]:
        """Every decided span of the article: the saved ones (as the data has them), then each unsaved decision's."""
        saved = _decided_spans(read_package(self.root), self.article)
        return saved + [(d.span[0], d.span[1], f"{d.said} (not saved yet)") for d in self._decisions]

    def saved_decisions(self) -> list[tuple[int, int, str, str]]:
        """Each saved decision take_back() can take back: its span in the article, its id and what it was."""
        package = read_package(self.root)
        found = []
        for record in _saved_list(package, self.article):
            if not _usable(record) or not record["ids"]:
                continue
            rows = record.get("rows", {})
            figures = [r for r in rows.get("figures", []) if str(r.get("start", "")).isdigit() and
                       str(r.get("number_text", "")) in str(r.get("quote", ""))]
            nons = [r for r in rows.get("non_figures", []) if str(r.get("start", "")).isdigit() and
                    str(r.get("end", "")).isdigit()]
            if figures:
                at = int(figures[0]["start"]) + figures[0]["quote"].index(figures[0]["number_text"])
                span = (at, at + len(figures[0]["number_text"]))
            elif nons:
                span = (int(nons[0]["start"]), int(nons[0]["end"]))
            else:
                continue
            found.append((*span, str(record["ids"][0]), str(record.get("said", ""))))
        return found

    # -- decisions -------------------------------------------------------------------------------------------
    def accept(self, pid: str, **changes: Any) -> str:
        """Accept a figure proposal, with any field changed (see FIGURE_FIELDS, OVERRIDE_FIELDS, PERSON_FIELDS);
        returns the new figure's id. A non-figure proposal is accepted as a non-figure with the draft's reason."""
        row = self._pending(pid)
        if row["kind"] == "non-figure":
            if changes:
                raise ValueError(f"{pid} is proposed as a non-figure: accept it as it is, or reject it with a reason")
            return self._decide_non_figure(row, row["reason"], "accepted as not a figure")
        return self._figure(row, [pid], int(row["number_start"]), int(row["number_end"]), changes, "accepted")

    def reject(self, pid: str, reason: str) -> None:
        """Reject a proposal: its words become a non-figure with ``reason`` (why they are no figure)."""
        row = self._pending(pid)
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"rejecting {pid} (“{row['number_text']}”) needs a reason: say why it is no figure "
                             "(such as “year: says when, not how many”)")
        self._decide_non_figure(row, reason.strip(), "rejected")

    def add(self, start: int, end: int, **fields: Any) -> str:
        """Add a figure the draft missed, from a selection's offsets: the words' bounds, their sentence as the quote;
        any field as in accept(). Returns the new figure's id."""
        start, end = self._selection(start, end)
        settles = [pid for pid, r in self.proposals.iterrows() if int(r["number_start"]) < end
                   and start < int(r["number_end"])]
        from .draft import credit_at, quote_for, sentences

        spans = sentences(self.text)
        first = min((a for a, b in spans if a <= start < b), default=start)
        last = max((b for a, b in spans if a < end <= b), default=end)
        q0, q1 = quote_for(self.text, (first, last), start, end)
        row = {"proposal_id": self._figure_id(start), "kind": "figure", "seed_id": self.article,
               "quote": self.text[q0:q1], "start": str(q0), "end": str(q1), "number_text": self.text[start:end],
               "number_start": str(start), "number_end": str(end), "unit": TO_DESCRIBE, "measure": TO_DESCRIBE,
               "period_text": "", "attributed_to": credit_at(self.text, start, self.publisher), "reason": ""}
        row.update(reading_cells(row["number_text"]))
        return self._figure(row, settles, start, end, fields, "added")

    def add_words(self, words: str, occurrence: int = 1, **fields: Any) -> str:
        """Add a figure the draft missed by its words as the article writes them (the ``occurrence``-th time they
        stand there), so no offset is typed; as add() otherwise."""
        if not isinstance(words, str) or not words.strip():
            raise ValueError("add_words: give the words as the article writes them, such as “a score of”")
        found = [m.start() for m in re.finditer(re.escape(words.strip()), self.text)]
        if not found:
            raise ValueError(f"“{printable(words.strip())}” does not stand in the text of {self.article} (as "
                             "written, case included)")
        if not isinstance(occurrence, int) or not 1 <= occurrence <= len(found):
            raise ValueError(f"“{printable(words.strip())}” stands {len(found)} time(s) in the text; occurrence must "
                             f"be 1 to {len(found)}, not {occurrence!r}")
        at = found[occurrence - 1]
        return self.add(at, at + len(words.strip()), **fields)

    def undo(self) -> str:
        """Take back the last decision not yet saved; returns what was undone."""
        if not self._decisions:
            raise ValueError("nothing to undo: every decision is saved (take_back(pid) takes back a saved one)"
                             if self.saved else "nothing to undo: no decision yet")
        decision = self._decisions.pop()
        if decision.owns is None:
            return f"undone: {decision.said}"
        name = decision.owns.get("name", "")
        heir = next((d for d in self._decisions if d.figure is not None and d.figure["attributed_to"] == name), None)
        if heir is not None:  # the people row a take-back kept for this decision goes with the next one crediting them
            heir.owns = decision.owns
            return f"undone: {decision.said}"
        return (f"undone: {decision.said}; {name} stays in people.csv (kept by a take-back for this decision), "
                "credited by no figure now: credit them again, or remove that row there")

    # -- saving ----------------------------------------------------------------------------------------------
    def save(self) -> str:
        """Check the decisions with the package as it is now, then write them; nothing is written if anything is
        wrong (DataPackageError, or ValueError in one line for a decision another save made meanwhile)."""
        if not self._decisions:
            return "nothing to save"
        with data_lock(self.root, "the save"):
            package = read_package(self.root)
            self._check_still_open(package)
            before = {str(p) for p in validate(package) + coverage_problems(package)}
            self._credit_anew(package)
            columns = len(package.tables["figures"].header)
            added = self._add_rows(package)
            self._check_sizes(package)
            after = validate(package) + coverage_problems(package)
            problems = [p for p in after if str(p) not in before]
            if problems:
                raise DataPackageError(problems)
            self._write(package, added)
        count, self.saved = len(self._decisions), self.saved + len(self._decisions)
        settled = {pid for d in self._decisions for pid in d.settles}
        self._rows = {pid: r for pid, r in self._rows.items() if pid not in settled}
        self._decisions.clear()
        grown = "; data/figures.csv got the column change (empty, a level, for the rows it had)" if \
            len(package.tables["figures"].header) > columns else ""
        return f"saved {count} decision(s) for {self.article}; {self.progress()}{grown}"

    # -- helpers ---------------------------------------------------------------------------------------------
    def _pending(self, pid: str) -> dict[str, str]:
        """The row of a proposal still to decide; one line naming what is wrong otherwise."""
        if not isinstance(pid, str) or pid not in self._rows:
            raise ValueError(f"{pid!r} is no proposal of {self.article} (see .proposals.index)")
        done = next((d for d in self._decisions if pid in d.settles), None)
        if done is not None:
            raise ValueError(f"{pid} (“{self._rows[pid]['number_text']}”) is already decided: {done.said}; undo "
                             "that first")
        return self._rows[pid]

    def _selection(self, start: int, end: int) -> tuple[int, int]:
        """A selection's offsets, trimmed of white space; one line if it is outside the text, empty, or overlaps a
        decided span."""
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or \
                not isinstance(end, int):
            raise ValueError(f"a selection is two whole offsets, not {start!r} and {end!r}")
        if 0 <= end < start <= len(self.text):
            raise ValueError(f"the selection {start}:{end} is reversed: give its start first ({end}:{start})")
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"the selection {start}:{end} is outside the text of {self.article} (0:{len(self.text)})")
        words = self.text[start:end]
        start, end = start + len(words) - len(words.lstrip()), end - len(words) + len(words.rstrip())
        if start >= end:
            raise ValueError(f"the selection {start}:{end} holds no words")
        clash = next((d for d in self._decisions if d.span[0] < end and start < d.span[1]), None)
        if clash is not None:
            raise ValueError(f"the selection “{self.text[start:end]}” overlaps “{clash.words}”, already decided "
                             f"({clash.said}); undo that first")
        package = read_package(self.root)
        for a, b, what in _decided_spans(package, self.article):
            if a < end and start < b:
                raise ValueError(f"the selection “{self.text[start:end]}” overlaps “{self.text[a:b]}”, already "
                                 f"decided ({what})")
        return start, end

    def _figure_id(self, start: int) -> str:
        """The id of the figure whose phrase starts at ``start`` (made here, never typed)."""
        slug = re.sub(r"[^a-z0-9]+", "_", self.article.lower()).strip("_") or "article"
        return f"{slug if slug[0].isalpha() else 'a_' + slug}_at_{start}"

    def _figure(self, row: dict[str, str], settles: list[str], start: int, end: int, changes: dict[str, Any],
                verb: str) -> str:
        """Record a figure decision from a proposal-like row and a person's changes."""
        known = (*FIGURE_FIELDS, *OVERRIDE_FIELDS, *PERSON_FIELDS)
        unknown = [k for k in changes if k not in known]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a field a person sets; fields: {', '.join(known)}")
        override = self._override(row, changes)
        self._check_same_as(changes.get("same_as"))
        change = _change(row, changes)
        figure_id = self._figure_id(start)
        credit, attribution, source_type = self._credit_cells(row, changes)
        notes = changes.get("notes") or "Curated with kzfigures.curation from the draft's proposal" + (
            "" if verb != "added" else " (a figure the draft missed, added by a person)")
        figure = {"figure_id": figure_id, "seed_id": self.article, "topic": changes.get("topic", "general"),
                  "quote": row["quote"], "start": row["start"], "end": row["end"], "number_text": row["number_text"],
                  "unit": changes.get("unit") or row.get("unit") or TO_DESCRIBE,
                  "measure": changes.get("measure") or row.get("measure") or TO_DESCRIBE,
                  "period_start": changes.get("period_start", ""), "period_end": changes.get("period_end", ""),
                  "period_text": changes.get("period_text", row.get("period_text", "")),
                  "place": changes.get("place", ""), "attributed_to": credit,
                  "source_type": source_type, "attribution": attribution,
                  "same_as": changes.get("same_as", ""), "notes": notes, "change": change}
        figure = {k: _cell(v) for k, v in figure.items()}
        person = self._person(credit, changes.get("role"), changes.get("kind"))
        said = f"{verb} “{row['number_text']}” as {figure_id}" + (f", a {CHANGE_WORDS[change]}" if change else "") + (
            f" ({override['reason']})" if override else "") + (_added(credit) if person else "")
        self._decisions.append(Decision(verb if verb != "added" else "add", (start, end), row["number_text"], settles,
                                        figure=figure, override=override and {"figure_id": figure_id, **override},
                                        person=person, said=said))
        return figure_id

    def _credit_cells(self, row: dict[str, str], changes: dict[str, Any]) -> tuple[str, str, str]:
        """A figure's attributed_to, attribution and source_type: the person's, else the proposal's credit (the
        publisher's own words explicit and "article narration", as the flagship's; the draft's credit explicit or
        inferred as its sentence gives it; another name a person gives explicit)."""
        credit = changes.get("attributed_to") or row.get("attributed_to") or UNATTRIBUTED
        narration = bool(self.publisher) and credit == self.publisher
        drafted, how = credit_and_attribution_at(self.text, int(row["number_start"]), self.publisher)
        attribution = changes.get("attribution") or (
            "none" if credit == UNATTRIBUTED else how if credit == drafted and how else  # as the sentence gives it
            "explicit" if "attributed_to" in changes or narration else "inferred")
        return credit, attribution, changes.get("source_type", "article narration" if narration else "unclassified")

    def _check_same_as(self, same: Any) -> None:
        """One line when ``same_as`` names a figure of another article: a restatement links to its own article's."""
        if not same:
            return
        table = read_package(self.root).tables.get("figures")
        owner = next((r.get("seed_id", "") for r in (table.rows if table else []) if r.get("figure_id") == same),
                     self.article)
        if owner != self.article:
            raise ValueError(f"same_as {same!r} is a figure of {owner}, not of {self.article}: a restatement links "
                             "only to a figure of the same article")

    def _override(self, row: dict[str, str], changes: dict[str, Any]) -> dict[str, str] | None:
        """The curator's bounds, when any is given (a reason required), else None; one line when the grammar read
        no bounds and none are given."""
        given = {k: changes[k] for k in ("lower", "upper", "lower_open", "upper_open") if k in changes}
        reason = changes.get("override_reason")
        words = bounds_of_row({**row, "kind": "figure"})
        if not given:
            if reason:
                raise ValueError(f"override_reason is given for “{row['number_text']}” but no bounds: give lower, "
                                 "upper or their openness too")
            if words is None:
                raise ValueError(f"the grammar cannot read “{row['number_text']}” ({row.get('reason') or 'unread'}):"
                                 " give lower and upper with override_reason, or reject it")
            return None
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"overriding the bounds of “{row['number_text']}” needs override_reason: say why you "
                             "read the words so")
        base = words or Bounds(0, 0)
        ends = [_bound(field, given.get(field, getattr(base, field)), row["number_text"]) for field in ("lower", "upper")]
        opens = [_openness(field, given.get(field, getattr(base, field)), row["number_text"])
                 for field in ("lower_open", "upper_open")]
        try:
            bounds = Bounds(ends[0], ends[1], opens[0], opens[1])
        except (TypeError, ValueError) as err:
            raise ValueError(f"the bounds given for “{row['number_text']}” are no interval: {err}") from None
        return {"lower": _cell(bounds.lower), "upper": _cell(bounds.upper), "lower_open": _cell(bounds.lower_open),
                "upper_open": _cell(bounds.upper_open), "reason": reason.strip()}

    def _person(self, credit: str, role: Any, kind: Any = None) -> dict[str, str] | None:
        """A people.csv row for a credit naming someone not there yet (its words must stand in the article); ``kind``
        is person (the default) or organisation."""
        pending = {d.person["name"] for d in self._decisions if d.person}
        if kind not in (None, "", "person", "organisation"):
            raise ValueError(f"kind {kind!r}: a credit is a 'person' or an 'organisation'")
        if credit == UNATTRIBUTED or credit in self._people or credit in pending:
            return None
        at = self.text.find(credit)
        if credit == self.publisher:  # named by the article's metadata; a people row only where its text names it
            role = role or "publisher of the article; credited with what the article states in its own voice"
            kind = kind or "organisation"
            if at < 0:
                return None
        if at < 0:
            raise ValueError(f"the credit “{printable(credit)}” stands nowhere in the article: a credit is a name "
                             "the article gives, as written there, or 'unattributed'")
        return {"person_id": self._new_person_id(credit), "seed_id": self.article, "name": credit,
                "kind": kind or credit_kind(credit),
                "role": str(role).strip() if role else "named in the article as a figure's source",
                "quote": credit, "start": str(at), "end": str(at + len(credit))}

    def _new_person_id(self, name: str) -> str:
        """A people.csv id for a name, never one the table or a pending decision holds ("officials", "officials2")."""
        person_id = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        person_id = person_id if person_id[:1].isalpha() else f"p_{person_id}"
        taken = self._people_ids | {d.person["person_id"] for d in self._decisions if d.person}
        return next(f"{person_id}{n or ''}" for n in (0, *range(2, len(taken) + 3))
                    if f"{person_id}{n or ''}" not in taken)

    def _decide_non_figure(self, row: dict[str, str], reason: str, verb: str) -> str:
        """Record a non-figure decision for a proposal's words."""
        start, end = int(row["number_start"]), int(row["number_end"])
        non = {"seed_id": self.article, "quote": self.text[start:end], "start": str(start), "end": str(end),
               "reason": reason}
        said = f"{verb} “{row['number_text']}”: {reason if len(reason) <= 120 else reason[:119] + '…'}"
        self._decisions.append(Decision("reject", (start, end), row["number_text"], [row["proposal_id"]],
                                        non_figure=non, said=said))
        return ""

    def _check_still_open(self, package: Package) -> None:
        """One line, nothing written, when a decision's span was decided by another save since this one opened."""
        decided = _decided_spans(package, self.article)
        for d in self._decisions:
            clash = next((w for a, b, w in decided if a < d.span[1] and d.span[0] < b), None)
            if clash is not None:
                raise ValueError(f"“{d.words}” was decided by another save since this curation opened ({clash}); "
                                 f"nothing was written: undo that decision here, or open kzfigures.curation("
                                 f"{self.article!r}) again")

    def _credit_anew(self, package: Package) -> None:
        """Give each figure decision the people row its credit needs now: a person decided as known may have been
        taken back since (by this session or another), and is then added again."""
        self._people = {r.get("name", "") for r in package.tables["people"].rows}
        self._people_ids = {r.get("person_id", "") for r in package.tables["people"].rows}
        for d in self._decisions:
            name = d.figure["attributed_to"] if d.figure is not None else ""
            if d.person is not None and name in self._people:  # another save added them since: this one does not
                d.person, d.said = None, d.said.removesuffix(_added(name))
            elif d.figure is not None and d.person is None and name not in self._people:
                d.person = self._person(name, None)
                d.said += _added(name) if d.person is not None else ""

    def _check_sizes(self, package: Package) -> None:
        """One line, nothing written, when a decision's row holds a cell longer than a field may hold (the rule
        reading the file applies: package.too_long)."""
        for d in self._decisions:
            for table, row in (("figures", d.figure), ("non_figures", d.non_figure), ("overrides", d.override),
                               ("people", d.person)):
                found = too_long(package.tables[table], row, d.words) if row is not None else []
                if found:
                    raise ValueError(f"the decision on “{d.words}”: {found[0].column} {found[0].message}; nothing "
                                     "was saved: undo that decision and make it again, shorter")

    def _add_rows(self, package: Package) -> dict[str, list[dict[str, str]]]:
        """Put the decisions' rows in the package as read (to check them); returns them by table."""
        names = {r.get("name") for r in package.tables["people"].rows}
        added: dict[str, list[dict[str, str]]] = {"figures": [], "non_figures": [], "overrides": [], "people": []}
        for d in self._decisions:
            for table, row in (("figures", d.figure), ("non_figures", d.non_figure), ("overrides", d.override),
                               ("people", d.person)):
                if row is None or (table == "people" and row["name"] in names):
                    continue
                added[table].append(row)
        for table, rows in added.items():
            package.tables[table].rows.extend(rows)
        figures = package.tables["figures"]
        if any(r.get("change") for r in added["figures"]) and "change" not in figures.header:
            figures.header.append("change")  # a table made before the column: it gets it, empty for its rows
            fields = figures.descriptor["schema"]["fields"]
            if not any(f.get("name") == "change" for f in fields):  # and a descriptor made before it, its field
                fields.append(dict(CHANGE_FIELD))
        settled = {pid for d in self._decisions for pid in d.settles}
        name = f"proposed-{self.article}"
        if name in package.tables:
            package.tables[name].rows[:] = [r for r in package.tables[name].rows if r["proposal_id"] not in settled]
        return added

    def _write(self, package: Package, added: dict[str, list[dict[str, str]]]) -> None:
        """Append the new rows to each curated table in its own style, then rewrite the proposal file without the
        settled proposals (the library's own file)."""
        files = []
        for table, rows in added.items():
            if not rows:
                continue
            path = self.root / package.tables[table].file
            old = read_exactly(path)
            for column in package.tables[table].header[len(_file_header(old)):]:
                old = with_column(old, column)
            files.append((path, old + csv_lines(package.tables[table].header, rows, old),
                          "utf-8-sig" if has_bom(path) else "utf-8", ""))
        name = f"proposed-{self.article}"
        if name in package.tables:  # the library's own file, and its hash in the descriptor (draft keeps hand edits)
            text = whole_csv(COLUMNS, package.tables[name].rows)
            edited = changed_by_hand(package, self.article)  # its hand edits stay, and stay known as a person's
            _saved_list(package, self.article).extend(self._records(package, added))
            files.append((self.root / "data" / resource_path(self.article), text, "utf-8", ""))
            files.append((self.root / DESCRIPTOR, declared(package.descriptor, self.article, text, edited), "utf-8",
                          ""))
        replace_all(files, journal=self.root / SAVE_JOURNAL)
        self._people |= {r["name"] for r in added["people"]}


    def _records(self, package: Package, added: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
        """What each decision saved, as take_back() finds it again: the proposals it settled (as they were) and the
        rows it wrote (each table's columns)."""
        records = []
        for d in self._decisions:
            rows = {table: [{k: row.get(k, "") for k in package.tables[table].header}]
                    for table, row in (("figures", d.figure), ("non_figures", d.non_figure),
                                       ("overrides", d.override), ("people", d.person))
                    if row is not None and any(r is row for r in added[table])}
            if d.owns is not None and d.owns in package.tables["people"].rows:  # a people row it keeps standing
                rows.setdefault("people", []).append({k: d.owns.get(k, "") for k in package.tables["people"].header})
            ids = sorted({*d.settles, *(r["figure_id"] for r in rows.get("figures", []))})
            records.append({"ids": ids, "said": d.said, "proposals": [self._rows[p] for p in d.settles if p in
                                                                       self._rows], "rows": rows})
        return records

    # -- taking back a saved decision ------------------------------------------------------------------------
    def take_back(self, pid: str) -> str:
        """Take back a saved decision (the one that settled proposal ``pid``, or made figure ``pid``): the rows its
        save wrote are removed, byte for byte, from the curated tables, and its proposals return to the proposal
        file; every other row's bytes unchanged. One line (ValueError) when there is nothing to take back, or when
        a row was changed since it was saved (it is then changed in its CSV file, never by the program)."""
        if not isinstance(pid, str) or not pid:
            raise ValueError(f"take_back: give a proposal id (see .decided_spans()), not {pid!r}")
        pending = next((d for d in self._decisions if pid in d.settles), None)
        if pending is not None:
            raise ValueError(f"{pid} is not saved yet ({pending.said}): undo() takes it back")
        with data_lock(self.root, "the take-back"):
            package = read_package(self.root)
            saved = _saved_list(package, self.article)
            record = self._record_of(package, pid)
            before = {str(p) for p in validate(package) + coverage_problems(package)}
            files, kept = self._without_record(package, record)
            saved.remove(record)
            heirs = self._heirs(kept, saved)
            name = f"proposed-{self.article}"
            ids = {r["proposal_id"] for r in package.tables[name].rows}
            back = [r for r in record.get("proposals", []) if r.get("proposal_id") not in ids]
            rows = sorted([*package.tables[name].rows, *back], key=lambda r: int(r["number_start"]))
            package.tables[name].rows[:] = rows
            problems = [p for p in validate(package) + coverage_problems(package) if str(p) not in before]
            if problems:
                raise DataPackageError(problems)
            text = whole_csv(COLUMNS, rows)
            edited = changed_by_hand(package, self.article)  # its hand edits stay, and stay known as a person's
            files.append((self.root / "data" / resource_path(self.article), text, "utf-8", ""))
            files.append((self.root / DESCRIPTOR, declared(package.descriptor, self.article, text, edited), "utf-8",
                          ""))
            replace_all(files, journal=self.root / SAVE_JOURNAL)
        self._rows.update({r["proposal_id"]: r for r in back})
        for decision, row in heirs:
            decision.owns = row
        self._people = {r.get("name", "") for r in package.tables["people"].rows}
        self._people_ids = {r.get("person_id", "") for r in package.tables["people"].rows}
        self.saved = max(0, self.saved - 1)
        stays = "".join(f"; {r.get('name')} stays in people.csv (another decision credits them)" for r in kept)
        return f"taken back: {record.get('said', pid)}{stays}; {len(back)} proposal(s) to decide again"

    def _record_of(self, package: Package, pid: str) -> dict[str, Any]:
        """The saved decision's record that settled proposal ``pid`` or made figure ``pid``; one line when there is
        none, saying so when another session decided it, or took it back, since this one opened."""
        record = next((r for r in reversed(_saved_list(package, self.article)) if _usable(r) and pid in r["ids"]),
                      None)
        again = f"open kzfigures.curation({self.article!r}) again"
        if pid in self.proposals.index:
            if record is None:
                raise ValueError(f"nothing to take back: {pid} is not decided yet")
            raise ValueError(f"{pid} was decided by another session since this curation opened ({record.get('said')}"
                             f"); nothing was taken back: {again} to see that decision, then take it back")
        if record is not None:
            return record
        proposed = package.tables.get(f"proposed-{self.article}")
        if pid not in self._rows and any(r.get("proposal_id") == pid for r in (proposed.rows if proposed else [])):
            raise ValueError(f"nothing to take back: {pid} was taken back by another session since this curation "
                             f"opened (its proposal is to decide again): {again} to decide it")
        raise ValueError(f"nothing to take back: {pid} is no saved decision of kzfigures.curation for "
                         f"{self.article} (a row written by hand, or saved before decisions could be taken "
                         "back, is changed in its CSV file in data/)")

    def _heirs(self, kept: list[dict[str, str]], saved: list[Any]) -> list[tuple[Decision, dict[str, str]]]:
        """Hand each people row a take-back keeps (another figure credits that person) to the saved decision crediting
        them, so taking that one back removes it; or, when only an unsaved decision of this session credits them, the
        pairs of that decision and row (its save records the row)."""
        pending = []
        for row in kept:
            credits = lambda figures: any(f.get("attributed_to") == row.get("name") for f in figures)  # noqa: B023
            heir = next((r for r in reversed(saved) if _usable(r) and credits(r["rows"].get("figures", []))), None)
            if heir is not None:
                heir["rows"].setdefault("people", []).append(row)
                continue
            decision = next((d for d in reversed(self._decisions) if d.figure is not None and credits([d.figure])),
                            None)
            if decision is not None:
                pending.append((decision, row))
        return pending

    def _without_record(self, package: Package, record: dict[str, Any]
                        ) -> tuple[list[tuple[Path, str, str, str]], list[dict[str, str]]]:
        """Each curated file without the rows a saved decision wrote (their exact lines, the file's own style), and
        the package's tables without them; one line when a row is no longer as it was saved. Also the people rows
        kept: a row another figure credits (saved, or a decision of this session not saved yet) stays."""
        files: list[tuple[Path, str, str, str]] = []
        staying: list[dict[str, str]] = []
        unsaved = {d.figure["attributed_to"] for d in self._decisions if d.figure is not None}
        for table, rows in record.get("rows", {}).items():
            path = self.root / package.tables[table].file
            old = read_exactly(path)
            ending = "\r\n" if "\r\n" in old else "\n"
            unterminated = bool(old) and not old.endswith("\n")  # a last line without its line break (an editor's)
            text = old + ending if unterminated else old
            for row in rows:
                if table == "people" and _still_credited(package, row.get("name", ""), record, unsaved):
                    staying.append(row)
                    continue  # another row names this person: the people row stays
                line = csv_lines(package.tables[table].header, [row], text)
                at = text.rfind(ending + line)
                if at < 0:
                    raise ValueError(f"{package.tables[table].file} no longer holds the row saved for "
                                     f"“{row.get('number_text') or row.get('quote') or row.get('figure_id')}” as it "
                                     "was saved (changed by hand, or by a spreadsheet?): nothing was taken back; "
                                     "change that row in the file itself")
                text = text[:at + len(ending)] + text[at + len(ending) + len(line):]
                kept = package.tables[table].rows
                match = next(i for i, r in enumerate(reversed(kept)) if all(r.get(k, "") == v for k, v in row.items()))
                del kept[len(kept) - 1 - match]
            text = text[:-len(ending)] if unterminated and text.endswith(ending) else text
            if text != old:
                files.append((path, text, "utf-8-sig" if has_bom(path) else "utf-8", ""))
        return files, staying


def _file_header(text: str) -> list[str]:
    """A CSV's header as its text has it."""
    return next(csv.reader(io.StringIO(text, newline="")), [])


def _saved_list(package: Package, article: str) -> list[Any]:
    """The record of the decisions kzfigures.curation saved for an article (kept on its proposal resource in
    data/datapackage.json, beside the file's hash), made when missing."""
    resource = next((r for r in package.descriptor.get("resources", []) if isinstance(r, dict)
                     and r.get("name") == f"proposed-{article}"), None)
    if resource is None:
        return []
    if not isinstance(resource.get("saved_decisions"), list):
        resource["saved_decisions"] = []
    saved: list[Any] = resource["saved_decisions"]
    return saved


#: The tables a saved decision writes rows to (and take_back removes them from).
_DECIDED_TABLES = ("figures", "non_figures", "overrides", "people")


def _usable(record: Any) -> bool:
    """True for a saved decision's record as save() writes it (a descriptor edited by hand may hold anything)."""
    if not isinstance(record, dict) or not isinstance(record.get("ids"), list):
        return False
    rows, proposals = record.get("rows"), record.get("proposals", [])
    return isinstance(rows, dict) and all(
        t in _DECIDED_TABLES and isinstance(v, list) and all(isinstance(r, dict) for r in v) for t, v in rows.items()
    ) and isinstance(proposals, list) and all(isinstance(r, dict) and isinstance(r.get("proposal_id"), str) and
                                              str(r.get("number_start", "")).isdigit() for r in proposals)


def _still_credited(package: Package, name: str, record: dict[str, Any], unsaved: set[str]) -> bool:
    """True when a row other than the saved decision's own figure names ``name`` as its credit, or a decision not
    saved yet does (``unsaved``: their credits)."""
    own = {r.get("figure_id") for r in record.get("rows", {}).get("figures", [])}
    return name in unsaved or any(r.get("attributed_to") == name and r.get("figure_id") not in own
               for t in package.tables.values() if not t.name.startswith("proposed-") for r in t.rows)


#: How a change is said: "a fall", "a rise".
CHANGE_WORDS = {"up": "rise", "down": "fall"}


def _change(row: dict[str, str], changes: dict[str, Any]) -> str:
    """A figure's change: the person's ("" for a level), else the proposal's; one line for any other (None too: the
    docs name "" for a level, and a None may be a cell read wrong)."""
    given = changes.get("change", row.get("change") or "")
    if not isinstance(given, str) or given not in CHANGES:
        raise ValueError(f"change {printable(repr(given))[:40]} for “{row['number_text']}”: a change is 'up' (a rise) or "
                         "'down' (a fall), or '' for a level")
    return str(given)


def _added(name: str) -> str:
    """What a decision's words say when its save adds the person it credits to people.csv."""
    return f"; {name} added to people.csv"


def _cell(value: Any) -> str:
    """A value as a CSV cell: inf, 0.5, 12, true/false, text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return str(int(number)) if number.is_integer() else repr(number)
    return "" if value is None else str(value)


def _number(value: Any) -> float:
    """A bound as given (a number, "inf", "15,000"); ValueError for one with more digits than a bound keeps (its own,
    then its CSV cell's, the save's check: 1e308 is 309 digits there, 10**30 31), for NaN, and for one beyond the
    largest float ("1e400", Decimal("1E+400"): read as infinity; only inf itself is an end with no limit)."""
    number = float(kept_exactly(value.replace(",", "").strip()) if isinstance(value, str) else value)
    if isinstance(value, int):
        kept_exactly(str(value))
    if math.isnan(number):
        raise ValueError("it is not a number (NaN)")
    if math.isinf(number) and str(value).strip().lower().lstrip("+-") not in ("inf", "infinity"):
        raise ValueError("it is beyond the largest number a bound holds (about 1.8e308) and would be read as "
                         "infinity; give inf for an end with no limit")
    kept_exactly(_cell(number))
    return number


def _bound(field: str, value: Any, words: str) -> float:
    """A curator's ``lower`` or ``upper`` as a number; one line naming the field when it is none or not kept exactly."""
    if isinstance(value, bool):
        raise ValueError(f"{field} {value!r} for “{words}” is no number: give a number, or inf")
    try:
        return _number(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(f"{field} {printable(str(value))[:40]} for “{words}” cannot be a bound: {err}") from None


def _openness(field: str, value: Any, words: str) -> bool:
    """A curator's ``lower_open`` or ``upper_open``: True or False only; one line for anything else (the string
    "false" is true to Python, and would open an end the curator closed)."""
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy's bool, as a DataFrame cell gives it
        return bool(value)
    raise ValueError(f"{field} {printable(repr(value))[:40]} for “{words}” is not True or False: give True (an open "
                     "end: more than, less than) or False")


def _decided_spans(package: Package, article: str) -> list[tuple[int, int, str]]:
    """The spans of an article a person decided: each figure's number phrase, each non-figure's word."""
    spans = []
    for row in package.tables["figures"].rows:
        if row.get("seed_id") != article or not row.get("start", "").isdigit():
            continue
        for column, what in (("number_text", "figure"), ("period_text", "the period of figure")):
            words = row.get(column, "")
            if words and words in row.get("quote", ""):
                at = int(row["start"]) + row["quote"].index(words)
                spans.append((at, at + len(words), f"{what} {row['figure_id']}"))
    for row in package.tables["non_figures"].rows:
        if row.get("seed_id") == article and row.get("start", "").isdigit() and row.get("end", "").isdigit():
            spans.append((int(row["start"]), int(row["end"]), f"not a figure: {row['reason']}"))
    return spans


def drafted(article_id: str, root: str | Path | None = None) -> bool:
    """True when the article has a proposal file or a decided row (a draft was made, or a person began)."""
    package = read_package(project_root(root))
    return f"proposed-{article_id}" in package.tables or bool(_decided_spans(package, article_id))


def curation(article_id: str, root: str | Path | None = None) -> Curation:
    """Open the curation of one article (its proposals not yet decided); one line for an unknown article, or for a
    proposal file that cannot be used (edited by hand, saved by a spreadsheet), naming its first problem."""
    base = project_root(root)
    package = read_package(base)
    if article_id not in package.seeds:
        known = ", ".join(sorted(package.seeds)) or "none"
        raise ValueError(f"no article {article_id!r} in the collection; articles: {known}")
    own = f"data/{resource_path(article_id)}"
    broken = [p for p in validate(package) if p.file == own]
    if broken:
        more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
        raise ValueError(f"{own} cannot be used: row {broken[0].row}, column {broken[0].column}: {broken[0].message}"
                         f"{more}; run kzfigures draft {article_id} to write the proposals anew (every decision "
                         "is kept)")
    decided = _decided_spans(package, article_id)
    rows = {r["proposal_id"]: r for r in proposal_rows(package, article_id)
            if not any(a < int(r["number_end"]) and int(r["number_start"]) < b for a, b, _ in decided)}
    people = {r.get("name", "") for r in package.tables["people"].rows}
    seed = package.seeds[article_id]
    ids = {r.get("person_id", "") for r in package.tables["people"].rows}
    return Curation(article_id, base, seed.text, rows, [], people, publisher=publisher_of(seed), _people_ids=ids)


def add_pasted(text: str, title: str, publisher: str, published: str, url: str = "",
               root: str | Path | None = None) -> tuple[str, str]:
    """Add an article pasted as text (a teacher without a terminal: notebook 05) and draft it; the same text again
    gives the id it already has, and a draft is made only for an article with no proposals or decisions yet.
    Returns the id and what was done, in one line."""
    from .articles import ArticleRefused, article_text

    if not isinstance(text, str):
        raise ArticleRefused(f"pasted_text must be text between quotes, not {type(text).__name__}")
    if not text.strip():
        raise ArticleRefused("pasted_text is empty: paste the article's words between the quotes")
    raw = text.strip().replace("\r\n", "\n").encode("utf-8") + b"\n"
    article_text(raw, "pasted_text")  # its size and characters, named as the argument
    return _add_and_draft(raw, "pasted.txt", "the pasted article", (title, publisher, published, url), root)


def article_to_curate(article: str, pasted_text: Any, title: Any, publisher: Any, published: Any, url: Any = "",
                      root: str | Path | None = None) -> tuple[str, str]:
    """Notebook 05's first step: the pasted article (added and drafted, as add_pasted does) when text is pasted,
    else ``article``; and what was done, in one line. A paste refused is that line, never an exception, so Run All
    goes on (with ``article``)."""
    if isinstance(pasted_text, str) and not pasted_text.strip():
        return article, ""
    try:
        return add_pasted(pasted_text, title, publisher, published, url, root)
    except ValueError as err:  # ArticleRefused, or a refusal of the draft
        return article, (f"the pasted article was not added: {err}; correct the parameters cell and run again "
                         f"(meanwhile, {article} is shown)")


#: The file names an uploaded article may have: a plain text file.
TEXT_SUFFIXES = (".txt", ".text")


def add_uploaded(raw: bytes, name: str, title: str, publisher: str, published: str, url: str = "",
                 root: str | Path | None = None) -> tuple[str, str]:
    """Add an article uploaded as a .txt file (notebook 05) byte for byte, with the checks of `kzfigures add` (its
    size, its encoding, no control character: ArticleRefused in one line), and draft it; the same file again gives
    the id it already has. Returns the id and what was done, in one line."""
    from .articles import ArticleRefused

    given = Path(str(name or "")).name
    shown = given if 0 < len(given) <= 200 and hidden_character(given) is None else "the uploaded file"
    if not given.lower().endswith(TEXT_SUFFIXES):
        raise ArticleRefused(f"{shown} is not a .txt file: save the article as plain text (UTF-8, .txt) and upload "
                             "that")
    shown = shown if shown != "the uploaded file" else "uploaded.txt"
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ArticleRefused(f"{shown}: nothing was uploaded; choose the file again")
    return _add_and_draft(bytes(raw), shown, shown, (title, publisher, published, url), root)


def _add_and_draft(raw: bytes, name: str, what: str, meta: tuple[str, str, str, str],
                   root: str | Path | None) -> tuple[str, str]:
    """Add an article's bytes under a file name (as `kzfigures add` would add that file) unless the collection holds
    them already, then draft it if nothing of it is proposed or decided yet; its id and what was done."""
    import hashlib
    import tempfile

    from .articles import ArticleRefused, add_article, article_id, article_text, check_metadata
    from .draft import draft_article
    from .seeds import read_seeds

    base = project_root(root)
    article_text(raw, name)  # refused in one line before anything is written: size, encoding, a control character
    title, publisher, published, url = meta
    check_metadata(title, publisher, published, url or None)
    digest = hashlib.sha256(raw).hexdigest()
    seeds = read_seeds(base)[0]
    known = next((s.seed_id for s in seeds.values() if s.meta.get("sha256") == digest), None)
    if known is None and article_id(title, publisher, published) in seeds:
        other = article_id(title, publisher, published)
        raise ArticleRefused(f"{what}: the collection holds other words as {other} (the same title, publisher and "
                             f"date): give this one another title, or curate that one (its id: {other})")
    if known is None:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / name
            source.write_bytes(raw)
            known = add_article(source, title, publisher, published, url=url or None, root=base)
        said = f"added {what} as {known}"
    else:
        said = f"{what} is already in the collection, as {known}"
    package = read_package(base)
    if not proposal_rows(package, known) and not _decided_spans(package, known) and \
            f"proposed-{known}" not in package.tables:
        result = draft_article(known, root=base)
        said += f"; drafted: {result.figures_added} figure(s) and {result.non_figures_added} non-figure(s) proposed"
    return known, said
