"""Bad input gets one clear line, and nothing the user owns is lost: seeds that lie, spreadsheet-saved CSVs, control
characters and other digits in data fields, formulas in files written for people, a huge file given to `add`, an
`add` that was killed (issue 33: items 3, 12-15, the low and disclosed items)."""
from __future__ import annotations

import csv
import json
import os
import time
import tracemalloc
import xml.dom.minidom
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import ROOT, SEED_TEXT, read_rows, write_rows
from kzfigures import FLAGSHIP, ArticleRefused, add_article, articles, validate_package
from kzfigures.figures.literal import FORMULA_STARTS
from kzfigures.figures.validation import spreadsheet_warnings

ECONOMY = ROOT / "tests" / "articles" / "economy-budget.txt"


def _problems(root: Path) -> list[str]:
    return [str(p) for p in validate_package(root)]


# -- seeds that lie (33.13) ---------------------------------------------------------------------------------------
def _fake_seed(root: Path, name: str, seed_id: str) -> None:
    """A second metadata file pointing at the flagship's own text, claiming seed_id."""
    meta = json.loads(next((root / "seeds").glob("*.json")).read_text(encoding="utf-8"))
    (root / "seeds" / name).write_text(json.dumps({**meta, "seed_id": seed_id}), encoding="utf-8")


@pytest.mark.parametrize("seed_id", ["../../../../x/evil", "Flagship", "a b", "x" * 81])
def test_a_seed_id_add_would_refuse_is_one_problem_naming_its_file(package_copy, seed_id):
    _fake_seed(package_copy, "zz-evil.json", seed_id)
    problems = _problems(package_copy)
    assert problems == [f"seeds/zz-evil.json, row -, column seed_id: {seed_id!r} is not an article id (lower-case "
                        "letters and digits joined by hyphens, at most 80 characters)"]


@pytest.mark.parametrize("field", ["sha256", "file", "published"])
def test_a_seed_field_that_is_a_number_is_one_problem_not_a_traceback(package_copy, field):
    """A last adversarial pass: "sha256": 12 in a hand-written seed made validate, draft, lesson and add crash."""
    path = package_copy / "seeds" / "zz-number.json"
    meta = json.loads(next((package_copy / "seeds").glob("*.json")).read_text(encoding="utf-8"))
    path.write_text(json.dumps({**meta, "seed_id": "zz-number", field: 12}), encoding="utf-8")
    problems = [str(p) for p in validate_package(package_copy) if p.file == "seeds/zz-number.json"]
    assert problems == [f"seeds/zz-number.json, row zz-number, column {field}: 12 is not text: write it between quotes"]


def test_a_seed_named_as_a_hand_written_lesson_is_one_problem(package_copy):
    _fake_seed(package_copy, "zz-lesson.json", "reading")
    problems = [str(p) for p in validate_package(package_copy) if p.file == "seeds/zz-lesson.json"]
    assert problems == ["seeds/zz-lesson.json, row reading, column seed_id: id 'reading' is the name of a "
                        "hand-written lesson (its checks or its file would stand for the article's): choose another"]


@pytest.mark.parametrize("seed_id, words", [
    ("2014", "id '2014' has no letter, so it would read as a number or a date: choose another"),
    ("nul", "id 'nul' is a device name on Windows (a file seeds/nul.txt cannot be opened there): choose another"),
])
def test_a_seed_id_of_no_letter_or_a_device_name_is_one_problem(package_copy, seed_id, words):
    """Issue 33: a hand-written seed may not take an id `add` refuses: digits only, or a name Windows keeps."""
    _fake_seed(package_copy, "zz-id.json", seed_id)
    problems = [str(p) for p in validate_package(package_copy) if p.file == "seeds/zz-id.json"]
    assert problems == [f"seeds/zz-id.json, row {seed_id}, column seed_id: {words}"]


def _flagship_meta(root: Path) -> tuple[Path, dict[str, Any]]:
    path = root / "seeds" / SEED_TEXT.with_suffix(".json").name
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_a_seed_saved_with_a_bom_is_read(package_copy):
    """Issue 33: seeds/*.json saved by a Windows editor (a byte-order mark first) was "cannot read the metadata"."""
    path, _ = _flagship_meta(package_copy)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert [p for p in validate_package(package_copy) if p.file.startswith("seeds/")] == []


@pytest.mark.parametrize("encoding, ok", [("utf-8", True), ("UTF8", True), ("utf_8", True), ("rot13", False),
                                          ("base64", False), ("utf-16", False), ("latin-1", False),
                                          ("no-such-codec", False), (8, False)])
def test_a_seed_encoding_that_is_not_its_texts_is_one_problem(package_copy, encoding, ok):
    """Issue 33: "encoding": "rot13" passed; an encoding is checked against the text (the flagship's is not ASCII,
    so latin-1 reads other words)."""
    path, meta = _flagship_meta(package_copy)
    path.write_text(json.dumps({**meta, "encoding": encoding}), encoding="utf-8")
    problems = [str(p) for p in validate_package(package_copy) if p.file.startswith("seeds/")]
    assert problems == ([] if ok else [f"seeds/{SEED_TEXT.stem}.json, row {FLAGSHIP}, column encoding: {encoding!r} is not "
                                       'the encoding of the text, which is read as UTF-8: write "utf-8"'])


@pytest.mark.parametrize("name", ["aa-first.json", "zz-last.json"])
def test_a_second_file_claiming_the_flagships_id_replaces_nothing_and_names_both_files(package_copy, name):
    _fake_seed(package_copy, name, FLAGSHIP)
    problems = [p for p in validate_package(package_copy) if p.file.startswith("seeds/")]
    assert len(problems) == 1 and problems[0].column == "seed_id", problems
    files = sorted(p.name for p in (package_copy / "seeds").glob("*.json"))
    assert all(f"seeds/{f}" in problems[0].message for f in files)
    assert not any("quote" in str(p) for p in validate_package(package_copy))  # no row blamed, one line


@pytest.mark.parametrize("source", ["the same file", "the text left in seeds/", "other words"])
def test_a_text_without_metadata_is_named_and_the_same_words_finish_its_add(package_copy, tmp_path, source):
    """A text an add killed between its two files left is named by validate; adding the same words again (the file
    itself, say, when it is the only copy) finishes that add, never asking to delete it (issue 33: the line said
    "delete it", and adding it again was refused); other words under that id are refused, the text left as it is."""
    new_id = add_article(ECONOMY, "Budget", "Test Gazette", "2024", root=package_copy)
    left = package_copy / "seeds" / f"{new_id}.txt"
    (package_copy / "seeds" / f"{new_id}.json").unlink()  # as an add killed between its two files leaves it
    assert _problems(package_copy) == [f"seeds/{new_id}.txt, row -, column file: no seeds/*.json names this text "
                                       f"(an add that did not finish?): add it again with --id {new_id} (the same "
                                       "words finish that add), or move it out of seeds/"]
    assert new_id not in set(articles(package_copy)["seed_id"])
    path = {"the same file": ECONOMY, "the text left in seeds/": left, "other words": tmp_path / "other.txt"}[source]
    if source == "other words":
        path.write_text("Other words: 12 ministers.", encoding="utf-8")
        with pytest.raises(ArticleRefused, match="without its metadata, holding other words"):
            add_article(path, "Budget", "Test Gazette", "2024", root=package_copy)
        assert left.read_bytes() == ECONOMY.read_bytes() and len(_problems(package_copy)) == 1
        return
    assert add_article(path, "Budget", "Test Gazette", "2024", root=package_copy) == new_id
    assert left.read_bytes() == ECONOMY.read_bytes() and _problems(package_copy) == []
    assert new_id in set(articles(package_copy)["seed_id"])


def test_add_removes_only_the_stale_temporary_files_of_a_killed_add(package_copy):
    stale, fresh = package_copy / "seeds" / ".add-killed.tmp", package_copy / "seeds" / ".add-running.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    add_article(ECONOMY, "Budget", "Test Gazette", "2024", root=package_copy)
    assert not stale.exists() and fresh.exists()


def test_added_files_follow_the_umask_not_0600(package_copy):
    before = os.umask(0o022)
    try:
        new_id = add_article(ECONOMY, "Budget", "Test Gazette", "2024", root=package_copy)
    finally:
        os.umask(before)
    for suffix in (".txt", ".json"):
        assert (package_copy / "seeds" / f"{new_id}{suffix}").stat().st_mode & 0o777 == 0o644


def test_add_refuses_a_huge_file_by_its_size_without_reading_it(package_copy, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(1_500_000_000)  # sparse: costs no disk
    tracemalloc.start()
    try:
        with pytest.raises(ArticleRefused, match="1,500,000,000 bytes, larger than 1 MB"):
            add_article(huge, "Budget", "Test Gazette", "2024", root=package_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


# -- spreadsheet-saved CSVs (33.14) -------------------------------------------------------------------------------
@pytest.mark.parametrize("separator, name", [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_saved_with_another_separator_is_one_line_naming_it(package_copy, separator, name):
    path = package_copy / "data" / "people.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=separator, lineterminator="\r\n").writerows(rows)
    problems = [p for p in _problems(package_copy) if p.startswith("data/people.csv")]
    assert problems == [f"data/people.csv, row header, column -: the columns are separated by {name}, not commas: "
                        "save the file again as “CSV UTF-8 (comma delimited)”"]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "data").glob("*.csv")))
def test_a_table_saved_with_semicolons_is_one_line_and_nothing_that_depends_on_it(package_copy, name):
    """The one line naming the separator, and no follow-on problem in the tables that refer to it (credits naming
    no one in people.csv, figures restating nothing)."""
    path = package_copy / "data" / name
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert _problems(package_copy) == [f"data/{name}, row header, column -: the columns are separated by semicolons, "
                                       "not commas: save the file again as “CSV UTF-8 (comma delimited)”"]


def test_a_spreadsheets_empty_columns_are_one_line(package_copy):
    """Found in issue 33's own pass: "name,role,,," gave two lines per empty column ("column : column is not
    described", "column appears twice")."""
    path = package_copy / "data" / "people.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([[*row, "", "", ""] for row in rows])
    width = len(rows[0])
    assert _problems(package_copy) == [f"data/people.csv, row header, column -: 3 column(s) have no name (column(s) "
                                       f"{width + 1}, {width + 2}, {width + 3}; a spreadsheet's empty columns?): "
                                       "delete them"]


def test_a_spreadsheets_blank_row_is_one_line(package_copy):
    path = package_copy / "data" / "people.csv"
    width = len(read_rows(path)[0])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("," * (width - 1) + "\n")
    problems = [p for p in _problems(package_copy) if p.startswith("data/people.csv")]
    assert len(problems) == 1 and "the row is empty" in problems[0], problems


# -- what a data field may hold (33.12, disclosed) -----------------------------------------------------------------
@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x0b", "\x08", "\r", "\x85", "\u2028"])
def test_a_control_character_in_a_data_field_is_a_problem(package_copy, char):
    path = package_copy / "data" / "people.csv"
    rows = read_rows(path)
    rows[0]["role"] = f"analyst{char}author"
    with path.open("w", encoding="utf-8", newline="") as handle:  # quoted, so a bare CR stays inside its field
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert _problems(package_copy) == [f"data/people.csv, row {rows[0]['person_id']}, column role: holds the control "
                                       f"character U+{ord(char):04X}, which no one can see on a page: write plain "
                                       "text"]


def test_the_hidden_characters_are_exactly_unicodes_controls_separators_and_bidirectional_controls():
    """literal._HIDDEN, one expression, matches every code point whose Unicode category is Cc, Zl or Zp and every
    bidirectional control, and nothing else: checked against this Python's unicodedata over the Basic Multilingual
    Plane, where Unicode keeps every Cc, Zl and Zp character (its stability policy fixes the Cc set)."""
    import unicodedata

    from kzfigures.figures import literal

    every = "".join(chr(c) for c in range(0x10000))
    matched = {found.group() for found in literal._HIDDEN.finditer(every)}
    hidden = {ch for ch in every if unicodedata.category(ch) in ("Cc", "Zl", "Zp")} | literal._BIDI_CONTROLS
    assert matched == hidden and len(hidden) == 67 + 9
    assert literal.hidden_character("tab\tand line\nkept, then \x1b", allow="\n\t") == "\x1b"
    assert literal.hidden_character("plain text, a tab\t", allow="\t") is None


def test_a_line_feed_in_a_field_is_text(package_copy):
    path = package_copy / "data" / "people.csv"
    rows = read_rows(path)
    rows[0]["role"] = "analyst\nauthor"
    write_rows(path, rows)
    assert _problems(package_copy) == []


def test_digits_other_than_0_9_are_a_problem(package_copy):
    path = package_copy / "data" / "external_figures.csv"
    rows = read_rows(path)
    rows[0]["number_text"] = "Over ١٢٬٠٠٠"
    write_rows(path, rows)
    problems = _problems(package_copy)
    assert len(problems) == 1 and "U+0661" in problems[0] and "number_text" in problems[0], problems


@pytest.mark.parametrize("value", ["١٥٠", "١٥٠.٥"])
def test_a_number_column_takes_digits_0_9_only(value):
    from kzfigures.figures.validation import TYPE_CHECKS

    assert not TYPE_CHECKS["integer"][0](value.split(".")[0]) and not TYPE_CHECKS["number"][0](value)


@pytest.mark.filterwarnings("ignore:Glyph")
def test_a_chart_with_a_control_character_is_still_well_formed_svg():
    from kzfigures.charts.plotting import Chart

    figure, axes = plt.subplots()
    axes.set_title("Budget\x0b gap\x1b[31m")
    chart = Chart("x", figure, "t", "a", "c", pd.DataFrame())
    plt.rcParams["svg.fonttype"] = "none"
    try:
        xml.dom.minidom.parseString(chart.svg())
    finally:
        plt.rcdefaults()
        plt.close(figure)


def test_a_year_is_written_without_a_thousands_separator():
    from kzfigures.report.pages import built_with

    assert built_with({"timeline_start_year": 2006, "population": 18_000_000}) == (
        "Built with timeline_start_year = 2006, population = 18,000,000.")


# -- formulas in files written for people (33.3) ------------------------------------------------------------------
FORMULA_TEXT = ('=HYPERLINK("http://example.org/x", "Click") showed 12 buses were late.\n'
                '@SUM(1+1) said 40 drivers stayed home.\n+12 more routes closed on Monday, officials said.\n')


def test_draft_output_defuses_formulas_and_validation_warns_where_data_keeps_them(package_copy, tmp_path):
    from kzfigures.figures.draft import draft_article

    source = tmp_path / "formulas.txt"
    source.write_text(FORMULA_TEXT, encoding="utf-8")
    new_id = add_article(source, "Buses late", "Test Gazette", "2024", root=package_copy)
    out = tmp_path / "rows.csv"
    draft_article(new_id, output=out, root=package_copy)
    cells = [cell for row in csv.reader(out.open(encoding="utf-8", newline="")) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    path = package_copy / "data" / "people.csv"
    rows = read_rows(path)
    rows[0]["role"] = "=1+1"
    write_rows(path, rows)
    warnings = [str(w) for w in spreadsheet_warnings(package_copy)]
    assert warnings == [f"data/people.csv, row {rows[0]['person_id']}, column role: begins with '=': a spreadsheet "
                        "opening this file would run it as a formula"]
    assert _problems(package_copy) == []  # a warning, not a problem: the words stay as written


def test_validate_prints_warnings_apart_and_exits_0_for_warnings_alone(package_copy, capsys, monkeypatch):
    from kzfigures.cli import main

    path = package_copy / "data" / "people.csv"
    rows = read_rows(path)
    rows[0]["role"] = "@SUM(1)"
    write_rows(path, rows)
    monkeypatch.setenv("KZFIGURES_ROOT", str(package_copy))
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("warning: data/people.csv") and err.strip() == "0 problem(s), 1 warning(s)"


def test_the_flagship_has_no_spreadsheet_warning():
    assert spreadsheet_warnings(ROOT) == []



def test_an_article_with_tabs_is_added_drafted_and_valid(package_copy, tmp_path):
    """Tabs are common in pasted text: they are kept as written, and the draft's quotes holding one are valid (the
    adversarial pass found such an article stuck: drafted never, validate clean)."""
    from kzfigures.figures.draft import draft_article

    source = tmp_path / "tabs.txt"
    source.write_text("Sales\trose by 12 per cent in May.\n\tSome 40 shops opened.\n", encoding="utf-8")
    new_id = add_article(source, "Tabs", "Test Gazette", "2024", root=package_copy)
    draft_article(new_id, root=package_copy)
    assert _problems(package_copy) == [] and (package_copy / "data" / "proposed" / f"{new_id}.csv").is_file()
