"""One mutation per validation rule: break a copy of the package, and the error names file, row and column."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, SEED_TEXT, reseed
from kzfigures import DataPackageError, load_figures, validate_package

FIG = "data/figures.csv"


def set_cell(figure_id: str, column: str, value: str | int):
    """A change that sets one cell of one figures.csv row."""
    def change(rows):
        row = next(r for r in rows if r["figure_id"] == figure_id)
        row[column] = str(value) if not callable(value) else value(row[column])
    return change


def shift(delta: int):
    """A change that moves an integer cell by delta."""
    return lambda old: str(int(old) + delta)


MUTATIONS = [
    # (name, csv, change, expected file, row, column, words in the message)
    ("start off by one", "figures.csv", set_cell("kz_fighters_karin", "start", shift(1)),
     FIG, "kz_fighters_karin", "start", "not the quote"),
    ("end off by one", "figures.csv", set_cell("foreign_fighters", "end", shift(1)),
     FIG, "foreign_fighters", "end", "not the quote"),
    ("quote not in the text", "figures.csv", set_cell("attacks_prevented", "quote", "Officials prevented ninety attacks."),
     FIG, "attacks_prevented", "quote", "not in the text at all"),
    ("number_text outside its quote", "figures.csv", set_cell("foreign_fighters", "number_text", "more than 20,000"),
     FIG, "foreign_fighters", "number_text", "not inside the quote"),
    ("number_text twice in its quote", "figures.csv", set_cell("foreign_fighters", "number_text", "more than"),
     FIG, "foreign_fighters", "number_text", "2 times"),
    ("phrase the parser refuses", "figures.csv", set_cell("foreign_fighters", "number_text", "foreign fighters"),
     FIG, "foreign_fighters", "number_text", "cannot parse 'foreign fighters'"),
    ("duplicate id", "figures.csv", set_cell("foreign_fighter_nations", "figure_id", "foreign_fighters"),
     FIG, "foreign_fighters", "figure_id", "duplicate value"),
    ("same_as to nothing", "figures.csv", set_cell("attacks_prevented_restated", "same_as", "attacks_stopped"),
     FIG, "attacks_prevented_restated", "same_as", "refers to no figure_id"),
    ("same_as to itself", "figures.csv", set_cell("attacks_prevented", "same_as", "attacks_prevented"),
     FIG, "attacks_prevented", "same_as", "cannot restate itself"),
    ("bad date", "figures.csv", set_cell("attacks_since_2011", "period_start", "2011-13-01"),
     FIG, "attacks_since_2011", "period_start", "not an ISO date"),
    ("period ends before it starts", "figures.csv", set_cell("attacks_since_2011", "period_end", "2010-12-31"),
     FIG, "attacks_since_2011", "period_end", "before it starts"),
    ("empty required field", "figures.csv", set_cell("killed_officers", "measure", ""),
     FIG, "killed_officers", "measure", "empty but required"),
    ("value outside its enum", "figures.csv", set_cell("killed_officers", "source_type", "rumour"),
     FIG, "killed_officers", "source_type", "not one of"),
    ("credit to nobody known", "figures.csv", set_cell("killed_officers", "attributed_to", "Mr Nobody"),
     FIG, "killed_officers", "attributed_to", "not a name in people.csv"),
    ("offset not a number", "figures.csv", set_cell("killed_officers", "start", "12a"),
     FIG, "killed_officers", "start", "not a whole number"),
    ("period words outside the quote", "figures.csv", set_cell("killed_officers", "period_text", "since 1999"),
     FIG, "killed_officers", "period_text", "not inside the quote"),
    ("category name outside its quote", "categories.csv",
     lambda rows: rows[2].update(name="zealots"), "data/categories.csv", "fanatics", "name", "not inside the quote"),
    ("people quote off by one", "people.csv",
     lambda rows: rows[0].update(start=str(int(rows[0]["start"]) - 1)), "data/people.csv", "erlan_karin", "start",
     "not the quote"),
    ("derived from a missing figure", "derived.csv",
     lambda rows: rows[0].update(right="killed_police"), "data/derived.csv", "killed_not_officers", "right",
     "refers to no figure_id in data/figures.csv"),
    ("event date words outside the quote", "events.csv",
     lambda rows: rows[0].update(date_text="Since 2003"), "data/events.csv", "banning_since_2004", "date_text",
     "not inside the quote"),
    ("event ends before it starts", "events.csv",
     lambda rows: rows[2].update(date_end="2012-12-31"), "data/events.csv", "attacks_prevented", "date_end",
     "before it starts"),
    ("place coordinate not a number", "places.csv",
     lambda rows: rows[0].update(latitude="43°N"), "data/places.csv", "almaty", "latitude", "not a number"),
    ("attribution outside its enum", "figures.csv", set_cell("killed_officers", "attribution", "rumoured"),
     FIG, "killed_officers", "attribution", "not one of"),
    ("a named credit with attribution none", "figures.csv", set_cell("killed_officers", "attribution", "none"),
     FIG, "killed_officers", "attribution", "'none' is only for figures attributed to 'unattributed'"),
    ("an unattributed figure with a credit", "figures.csv", set_cell("foreign_fighters", "attribution", "explicit"),
     FIG, "foreign_fighters", "attribution", "the article names no source"),
    ("claim words outside its quote", "claims.csv",
     lambda rows: rows[2].update(words="shrinking rapidly"), "data/claims.csv", "threat_growing", "words",
     "not inside the quote"),
    ("claim credited to nobody known", "claims.csv",
     lambda rows: rows[2].update(attributed_to="Mr Nobody"), "data/claims.csv", "threat_growing", "attributed_to",
     "not a name in people.csv"),
    ("claim quote off by one", "claims.csv",
     lambda rows: rows[0].update(start=str(int(rows[0]["start"]) + 1)), "data/claims.csv",
     "terrorism_never_witnessed", "start", "not the quote"),
    ("derivation with operands swapped", "derived.csv",
     lambda rows: rows[0].update(left=rows[0]["right"], right=rows[0]["left"]), "data/derived.csv",
     "killed_not_officers", "op", "the result can be negative"),
    ("a column the curated table no longer has (issue 29: status goes)", "figures.csv",
     lambda rows: rows[0].update(status="proposed"), FIG, "header", "status",
     "column is not described in datapackage.json"),
    ("a curated credit from the article but not people.csv", "figures.csv",
     lambda rows: rows[0].update(attribution="inferred", attributed_to="Erlan"),
     FIG, "foreign_fighters", "attributed_to", "is not a name in people.csv"),
    ("a minus sign just before number_text", "figures.csv",
     set_cell("foreign_fighters", "quote", lambda q: q.replace("more than 15,000", "-more than 15,000")),
     FIG, "foreign_fighters", "number_text", "minus sign just before it"),
    ("number_text touching a digit (one number split in two)", "figures.csv",
     set_cell("foreign_fighters", "quote", lambda q: q.replace("more than 15,000", "more than 15,000\u00a0500")),
     FIG, "foreign_fighters", "number_text", "touches a digit in the quote"),
    ("non-figure off its word", "non_figures.csv",
     lambda rows: rows[0].update(start=str(int(rows[0]["start"]) + 2)), "data/non_figures.csv",
     "astanatimes-2014-09-terrorism/1024", "start", "not the quote"),
]


@pytest.mark.parametrize("name, csv_name, change, file, row, column, words", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_mutation_is_reported_with_file_row_and_column(package_copy, edit_csv, name, csv_name, change, file, row,
                                                       column, words):
    """The copy is the checkout's package, which test_the_real_package_is_clean finds clean: only the change is new."""
    edit_csv(package_copy, csv_name, change)
    problems = validate_package(package_copy)
    hits = [p for p in problems if (p.file, p.row, p.column) == (file, row, column) and words in p.message]
    assert hits, f"expected {file}, row {row}, column {column} ({words!r}); got: {[str(p) for p in problems]}"
    with pytest.raises(DataPackageError) as err:
        load_figures(package_copy)
    assert f"{file}, row {row}, column {column}:" in str(err.value)


def test_lower_above_upper_is_reported(package_copy, edit_csv):
    """A reversed range needs a text that has one: a consistent, reseeded copy."""
    text = SEED_TEXT.read_text(encoding="utf-8").replace("between 180 and 250", "between 250 and 180")
    reseed(package_copy, text)
    def reverse(rows):
        row = next(r for r in rows if r["figure_id"] == "kz_fighters_karin")
        row.update(quote=row["quote"].replace("between 180 and 250", "between 250 and 180"),
                   number_text="between 250 and 180")

    edit_csv(package_copy, "figures.csv", reverse)
    problems = [str(p) for p in validate_package(package_copy)]
    assert any("data/figures.csv, row kz_fighters_karin, column number_text:" in p and "lower 250 > upper 180" in p
               for p in problems), problems


def test_changed_seed_is_refused(package_copy):
    seed = package_copy / "seeds" / SEED_TEXT.name
    seed.write_bytes(seed.read_bytes().replace(b"nine terrorist attacks in 2013", b"ten terrorist attacks in 2013"))
    problems = validate_package(package_copy)
    assert [(p.file, p.row, p.column) for p in problems] == [
        (f"seeds/{SEED_TEXT.name}", "astanatimes-2014-09-terrorism", "sha256")] + [
        (p.file, p.row, "seed_id") for p in problems[1:]]
    assert "the text has changed" in problems[0].message
    with pytest.raises(DataPackageError, match="the text has changed"):
        load_figures(package_copy)


def test_missing_data_file_is_named(package_copy):
    (package_copy / "data" / "people.csv").unlink()
    problems = [str(p) for p in validate_package(package_copy)]
    assert "data/people.csv, row -, column -: the data file is missing" in problems


def test_missing_column_is_named(package_copy, edit_csv):
    edit_csv(package_copy, "figures.csv", lambda rows: [{k: v for k, v in r.items() if k != "unit"} for r in rows])
    problems = [str(p) for p in validate_package(package_copy)]
    assert "data/figures.csv, row header, column unit: column is missing" in problems


def test_broken_descriptor_is_named(package_copy):
    (package_copy / "data" / "datapackage.json").write_text("{not json", encoding="utf-8")
    problems = validate_package(package_copy)
    assert problems[0].file == "data/datapackage.json" and "cannot read" in problems[0].message


def test_every_problem_is_reported_at_once(package_copy, edit_csv):
    def two_faults(rows):
        rows[0]["measure"] = ""
        rows[1]["period_start"] = "yesterday"

    edit_csv(package_copy, "figures.csv", two_faults)
    columns = {(p.row, p.column) for p in validate_package(package_copy)}
    assert {("foreign_fighters", "measure"), ("foreign_fighter_nations", "period_start")} <= columns


def test_the_real_package_is_clean(root):
    assert validate_package(root) == []


def test_schema_constraints_come_from_the_descriptor(package_copy, edit_csv):
    """Loosening an enum in datapackage.json changes what is accepted: the rule is not typed twice."""
    edit_csv(package_copy, "figures.csv", set_cell("killed_officers", "topic", "sports"))
    assert any(p.column == "topic" for p in validate_package(package_copy))
    path = package_copy / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    topic = next(f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "topic")
    topic["constraints"]["enum"].append("sports")
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert not any(p.column == "topic" for p in validate_package(package_copy))


def test_a_curated_credit_is_never_words_only_the_draft_found(package_copy, edit_csv):
    """A candidate credit is a proposal's (data/proposed/); in the curated table a credit is a name in people.csv."""
    edit_csv(package_copy, "figures.csv",
             lambda rows: rows[0].update(attribution="inferred", attributed_to="Erlan"))
    assert [p.column for p in validate_package(package_copy)] == ["attributed_to"]


@pytest.mark.parametrize("change, column, words", [
    ({"url": "ftp://example.org"}, "url", "is not an http(s) URL"),
    ({"published": "Sept 2014"}, "published", "is not an ISO date"),
    ({"url": None}, None, None),  # an article may have no URL
], ids=["url not http(s)", "published not ISO", "no url"])
def test_seed_metadata_is_checked(package_copy, change, column, words):
    path = package_copy / "seeds" / SEED_TEXT.with_suffix(".json").name
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update({k: v for k, v in change.items() if v is not None})
    for k in [k for k, v in change.items() if v is None]:
        meta.pop(k)
    path.write_text(json.dumps(meta), encoding="utf-8")
    problems = validate_package(package_copy)
    if column is None:
        assert problems == []
    else:
        assert any(p.column == column and words in p.message for p in problems), [str(p) for p in problems]


# -- each problem knows its article: one article's problems set it apart, the others are read as if it were not there --
ECONOMY = SEED_TEXT.parents[1] / "tests" / "articles" / "economy-budget.txt"


@pytest.fixture(scope="module")
def curated_once(tmp_path_factory):
    """A copy with an added article, drafted, and its first two proposals accepted (the second with a curator's
    bounds): rows of its own in figures.csv, overrides.csv and its proposal file. Made once; each test breaks a
    copy of it (curated_article)."""
    from kzfigures import add_article, curation, draft_article

    base = tmp_path_factory.mktemp("curated")
    for folder in ("seeds", "data", "notebooks"):
        shutil.copytree(ROOT / folder, base / folder)
    new_id = add_article(ECONOMY, "Budget gap widens as oil revenue falls", "Test Gazette", "2024-07-24", root=base)
    draft_article(new_id, root=base)
    c = curation(new_id, root=base)
    first, second = c.proposals.index[:2]
    c.accept(first)
    c.accept(second, lower=20, upper=22, override_reason="as the ministry's table gives it")
    c.save()
    assert validate_package(base) == []
    return base, new_id


@pytest.fixture
def curated_article(curated_once, tmp_path):
    """A writable copy of curated_once's checkout, to break."""
    base, new_id = curated_once
    for folder in ("seeds", "data", "notebooks"):
        shutil.copytree(base / folder, tmp_path / folder)
    return tmp_path, new_id


def _row_of(seed_id):
    """A change that breaks the start of the first row of one article."""
    def change(rows):
        next(r for r in rows if r.get("seed_id") == seed_id)["start"] = "7"
    return change


def _override(rows):
    rows[-1]["lower"] = "99"


def _proposal(rows):
    rows[0]["number_start"] = str(int(rows[0]["number_start"]) + 1)


def _a_person_of(seed_id):
    return lambda rows: [*rows, {**rows[0], "person_id": "nobody_here", "seed_id": seed_id, "name": "Nobody Here"}]


SCOPES = [
    # (name, csv under data/ ("ARTICLE" stands for the added article's id), change, whose problems they are)
    ("a figure row of the added article", "figures.csv", lambda new: _row_of(new), "added"),
    ("its curator's bounds (overrides.csv names its figure)", "overrides.csv", lambda new: _override, "added"),
    ("a row of its proposal file", "proposed/ARTICLE.csv", lambda new: _proposal, "added"),
    ("a person of its", "people.csv", _a_person_of, "added"),
    ("a proposal deleted: its number unaccounted", "proposed/ARTICLE.csv", lambda new: lambda rows: rows[1:], "added"),
    ("a figure row of the flagship", "figures.csv", lambda new: _row_of("astanatimes-2014-09-terrorism"), "flagship"),
    ("a figure row of no article in the collection (its seed_id mistyped)", "figures.csv",
     lambda new: lambda rows: rows[0].update(seed_id="astanatimes-2014-09-terrorisn"), "none, and the flagship's"),
    ("a column missing from people.csv", "people.csv",
     lambda new: lambda rows: [{k: v for k, v in r.items() if k != "role"} for r in rows], ""),
]


@pytest.mark.parametrize("name, csv_name, change, whose", SCOPES, ids=[s[0] for s in SCOPES])
def test_each_problem_knows_its_article(curated_article, edit_csv, name, csv_name, change, whose):
    """Issue 29 part 5: a problem of one article's row names that article (its pages alone are left out of the
    report); a problem of a whole table names none (every page waits for it)."""
    base, new_id = curated_article
    edit_csv(base, csv_name.replace("ARTICLE", new_id), change(new_id))
    problems = validate_package(base)
    flagship = "astanatimes-2014-09-terrorism"  # the row gone from it leaves its number unaccounted, below
    expected = {"added": {new_id}, "flagship": {flagship}, "": {""}, "none, and the flagship's": {"", flagship}}[whose]
    assert problems and {p.article for p in problems} == expected, [(str(p), p.article) for p in problems]


def test_an_article_with_problems_of_its_own_is_set_apart_and_the_others_read_as_if_it_were_not_there(
        curated_article, edit_csv):
    from kzfigures import coverage_audit, proposals
    from kzfigures.figures.store import checked_package

    base, new_id = curated_article
    flagship = load_figures(base, seed="astanatimes-2014-09-terrorism")
    edit_csv(base, "figures.csv", _row_of(new_id))
    (problem,) = [p for p in validate_package(base) if p.column == "start"]
    package = checked_package(base)
    assert new_id not in package.seeds and list(package.set_apart) == [new_id]
    assert not any(r["seed_id"] == new_id for r in package.tables["figures"].rows)
    assert not package.tables[f"proposed-{new_id}"].rows and not package.tables["overrides"].rows
    assert load_figures(base, seed="astanatimes-2014-09-terrorism").equals(flagship)
    for ask in (lambda: load_figures(base, seed=new_id), lambda: proposals(new_id, base),
                lambda: coverage_audit(base, seed=new_id)):
        with pytest.raises(DataPackageError, match=f"^article {new_id} has 1 problem") as err:
            ask()
        assert err.value.problems == [problem] and err.value.article == new_id
