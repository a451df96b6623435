"""The teacher's guide states counts computed from the data, and the committed guide is what the tool writes."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from kzfigures.classroom.guide import GUIDE, guide_text, sources_table, write_guide
from kzfigures.figures.table import load_figures


def test_the_committed_guide_is_what_make_notebooks_writes():
    assert write_guide(ROOT, check=True) == [], "run `make notebooks` and commit docs/teachers.md"


def test_the_sources_table_counts_the_data():
    figures = load_figures()
    table = sources_table(figures)
    stated = figures.loc[~figures["derived"] & figures["same_as"].isna()]
    for kind, count in stated["source_type"].value_counts().items():
        assert f"| {kind} | {count} |" in table
    official = stated["source_type"].str.startswith("official").sum()
    assert f"Officials give {official} of the {len(stated)} figures" in table


def test_a_changed_credit_changes_the_table():
    figures = load_figures()
    before = sources_table(figures)
    figures.loc[figures["figure_id"] == "kz_fighters_karin", "source_type"] = "official statement, quoted"
    after = sources_table(figures)
    assert before != after and "| official statement, quoted | 6 |" in after


def test_an_unknown_passage_is_named():
    with pytest.raises(KeyError, match="no computed passage named 'nope'"):
        guide_text("<!-- computed: nope -->\nold\n<!-- end computed -->")


def test_the_guide_claims_nothing_the_data_contradicts():
    text = (ROOT / GUIDE).read_text(encoding="utf-8")
    assert "Most figures come from officials" not in text and "close to the state" not in text.lower()


def test_the_lessons_table_reads_the_lessons(tmp_path):
    """The counts are the lessons': a lesson with one question more, or a new lesson, changes them."""
    import json
    import shutil

    from kzfigures.classroom.guide import lesson_facts

    facts = lesson_facts()
    assert [f["path"].name for f in facts] == sorted(p.name for p in (ROOT / "notebooks/lessons").glob("[0-9]*.ipynb"))
    assert all(f["minutes"] > 0 and f["checked"] > 0 and f["aims"] for f in facts)
    shutil.copytree(ROOT / "notebooks" / "lessons", tmp_path / "lessons")
    path = tmp_path / "lessons" / facts[0]["path"].name
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": 'lessons.check("reading", "karin-range", answer_9)'})
    path.write_text(json.dumps(nb), encoding="utf-8")
    shutil.copy2(path, tmp_path / "lessons" / "05-another.ipynb")
    changed = lesson_facts(tmp_path / "lessons")
    assert changed[0]["checked"] == facts[0]["checked"] + 1 and len(changed) == len(facts) + 1


def test_each_lesson_plan_adds_up_to_the_lessons_time():
    import re

    from kzfigures.classroom.guide import lesson_facts

    text = (ROOT / GUIDE).read_text(encoding="utf-8")
    for facts in lesson_facts():
        number = facts["path"].name[:2]
        plan = text.split(f"### Lesson {number} plan\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        minutes = [int(m) for m in re.findall(r"^\| (\d+) \|", plan, re.M)]
        assert minutes and sum(minutes) == facts["minutes"], (number, minutes, facts["minutes"])
        assert "Discussion prompts" in plan


def test_the_guide_sets_up_with_make_venv_and_types_no_count_of_lessons():
    text = (ROOT / GUIDE).read_text(encoding="utf-8")
    assert "make venv" in text and "make test       #" not in text
    body = re.sub(r"<!-- computed: .*?<!-- end computed -->", "", text, flags=re.S)
    words = r"\b(all (two|three|four|five|six)\b|(two|three|four|five|six|\d+) (lessons|questions|prompts)\b)"
    assert not re.search(words, body, re.I), re.search(words, body, re.I)
