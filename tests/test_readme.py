"""The README as a front door: its findings are the computed ones, its links lead somewhere, and the data
dictionary it links to names every column."""
from __future__ import annotations

import re

import kzfigures
from conftest import ROOT
from kzfigures.collection.listing import list_notebooks
from kzfigures.report.findings import findings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _computed() -> list[str]:
    """The findings as the report's index says them (with notebook 04's last_year)."""
    (context,) = [nb for nb in list_notebooks() if nb.name == "04-in-context"]
    return [f.text for f in findings(last_year=context.parameters["last_year"])]


def test_the_readme_findings_are_the_computed_ones():
    listed = re.findall(r"^\d\. (.+?) \(\[", README, flags=re.MULTILINE)
    assert listed == _computed(), listed


def test_the_readme_picture_shows_the_computed_findings():
    """The front-page picture once said "Of 27 figures … 18 count something else" while the text said 26 and 17
    (issue 32): make docs-images records what the picture shows, and the record must be of this very picture."""
    import hashlib
    import json

    picture = ROOT / "docs" / "images" / "report-page.png"
    record = json.loads(picture.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["png_sha256"] == hashlib.sha256(picture.read_bytes()).hexdigest(), "run make docs-images"
    assert record["findings"] and set(record["findings"]) <= set(_computed()), record["findings"]


def test_the_readme_leads_with_a_sentence_a_picture_and_the_two_commands():
    head = README[:README.index("## Short paths")]
    assert head.index("kzfigures turns every number") < head.index("docs/images/report-page.png") \
        < head.index("## What the numbers allow us to say") < head.index("make report") < head.index("make test")
    assert (ROOT / "docs" / "images" / "report-page.png").is_file()
    for moved in ("## Speed", "## When something is wrong", "## Data dictionary", "uv could not"):
        assert moved not in README, moved


def test_every_relative_link_of_the_readme_and_docs_leads_to_a_file():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)", page.read_text(encoding="utf-8")):
            if not re.match(r"^[a-z]+:", target):
                assert (page.parent / target).exists(), (page.name, target)


def test_the_data_dictionary_names_every_column_of_the_figures_table():
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    rows = " ".join(line.split("|")[1] for line in text.splitlines() if line.startswith("| `"))
    named = set(re.findall(r"`([a-z_]+)`", rows))
    columns = set(kzfigures.load_figures(include_derived=True).columns)
    assert columns <= named, sorted(columns - named)
    assert {"topic", "attribution", "notes"} <= named


def test_make_lab_opens_at_the_contents_rendered_and_prints_that_address():
    """`make lab` starts at notebooks/contents.md (the address it prints leads there) and Markdown opens rendered
    (tried by hand in chromium: the contents show as a page, not as source)."""
    import json
    import subprocess

    dry = subprocess.run(["make", "-n", "--old-file=.venv/.installed", "lab"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "--LabApp.default_url=/lab/tree/notebooks/contents.md" in dry
    settings = json.loads((ROOT / "lab-settings" / "overrides.json").read_text(encoding="utf-8"))
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Markdown Preview"


def test_a_finding_carries_its_condition_where_it_is_stated():
    """Issue 32: "under 1.67%" holds only if Karin's citizens are among the 15,000 counted; the finding says so in
    the same sentence (the README and the report's index both state it), and that the share now could be higher."""
    (share,) = [text for text in _computed() if "1.67%" in text]
    assert share.startswith("If Erlan Karin's") and "are among the" in share and "could be higher" in share
    assert share in README
