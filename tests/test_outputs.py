"""What a notebook publishes: one writer (Outputs.save), one reader (read_outputs), and the schema between them."""
from __future__ import annotations

import json

import pytest

import kzfigures
from kzfigures import plotting, views
from kzfigures.charts.outputs import MANIFEST, OUTPUT_ENV, Outputs, OutputsError, _md_escape, read_outputs


@pytest.fixture(scope="module")
def published():
    """Outputs holding one chart and one table, as a notebook keeps them."""
    counts = views.count_by(kzfigures.load_figures())
    outputs = Outputs()
    outputs.chart(plotting.count_chart(counts, name="kinds", title="K", article=kzfigures.citation()))
    outputs.table(counts, "kinds")
    return outputs


def test_save_writes_every_file_and_the_manifest_the_reader_reads(published, tmp_path):
    folder = tmp_path / "out"
    published.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["kinds-data.csv", "kinds-phone.png", "kinds.csv", "kinds.png",
                                                       "kinds.svg", MANIFEST]
    manifest = read_outputs(folder)
    (chart,) = manifest.charts
    assert (chart.name, chart.title) == ("kinds", "K") and chart.alt.startswith("Bar chart: K.")
    assert [t.name for t in manifest.tables] == ["kinds"]
    assert (folder / "kinds.csv").read_text(encoding="utf-8").startswith("bound,figures,restatements\n")
    assert (folder / "kinds-data.csv").read_text(encoding="utf-8").startswith("bound,figures,restatements\n")


def test_two_saves_give_the_same_bytes(published, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    published.save(first)
    published.save(second)
    for name in ("kinds.png", "kinds.svg", "kinds.csv", "kinds-data.csv", MANIFEST):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_outside_a_build_save_says_so_and_writes_nothing(published, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(OUTPUT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    published.save()
    assert "not saved, as this run is not a report build" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_in_a_build_save_writes_where_the_builder_says_and_creates_no_parents(published, tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_ENV, str(tmp_path / "build" / "00-x"))
    with pytest.raises(FileNotFoundError):
        published.save()
    (tmp_path / "build").mkdir()
    published.save()
    assert (tmp_path / "build" / "00-x" / MANIFEST).is_file()


def test_a_name_published_twice_is_refused():
    outputs = Outputs()
    outputs.table(views.count_by(kzfigures.load_figures()), "t")
    with pytest.raises(ValueError, match=r"t\.csv is already published"):
        outputs.table(views.count_by(kzfigures.load_figures()), "t")


def test_a_folder_that_published_nothing_reads_as_empty(tmp_path):
    manifest = read_outputs(tmp_path)
    assert manifest.charts == [] and manifest.tables == []


@pytest.mark.parametrize("damage, words", [
    (lambda f: (f / "kinds.png").write_bytes(b"\x89PNG truncated"), "does not match the sha256"),
    (lambda f: (f / "kinds.csv").unlink(), "listed in outputs.json but missing"),
    (lambda f: (f / MANIFEST).write_text("{not json", encoding="utf-8"), "cannot be read as JSON"),
    (lambda f: (f / MANIFEST).write_text('{"schema": "other/9"}', encoding="utf-8"), "not a kzfigures-outputs/3"),
    (lambda f: (f / MANIFEST).write_text(json.dumps({"schema": "kzfigures-outputs/3", "charts": [{"name": "x"}],
                                                     "tables": []}), encoding="utf-8"), "'charts' is not a list"),
])
def test_a_damaged_folder_is_refused_in_one_line_naming_it(published, tmp_path, damage, words):
    folder = tmp_path / "out"
    published.save(folder)
    damage(folder)
    with pytest.raises(OutputsError, match=words) as err:
        read_outputs(folder)
    assert str(folder) in str(err.value) and "\n" not in str(err.value)


def test_caption_markdown_escapes_data_text():
    assert _md_escape("<script>*x*</script>") == "\\<script\\>\\*x\\*\\</script\\>"
