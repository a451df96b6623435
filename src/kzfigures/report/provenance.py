"""Where a report comes from, said on every page and in every download: the article, the sources, the licence,
and the version, commit and date of the kzfigures that built it.

The date is SOURCE_DATE_EPOCH when the caller sets it (the reproducible-builds convention), else the time of the
checkout's last commit, so two builds of the same checkout give the same bytes. Each notebook's download folder
gets a datapackage.json (Frictionless Data Package) naming every file in it with its source.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..figures.citation import cite

DATA_LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 (the curation: ids, units, measures, "
                "periods, notes, and the tables and charts made from them)",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENCE = "MIT"
#: The columns whose values are numbers or true/false in every CSV a report writes (views.bound_columns).
TYPED = {"lower": "number", "upper": "number", "lower_open": "boolean", "upper_open": "boolean"}


@dataclass(frozen=True)
class Provenance:
    """The version and commit of kzfigures that built a report, and the build date (ISO, UTC)."""

    version: str
    commit: str
    built: str

    @property
    def day(self) -> str:
        """The build date without its time: "2026-12-01"."""
        return self.built[:10]


def _git(root: Path, *args: str) -> str:
    """One git answer about the checkout at ``root``, or "" when it is not a git checkout (or git is missing)."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def provenance(root: Path) -> Provenance:
    """What built a report from the checkout at ``root``: version, commit ("+ local changes" when the tracked files
    differ from it; "not a git checkout" otherwise) and the build date."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("kzfigures")
    except PackageNotFoundError:
        release = "unknown"
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if commit and _git(root, "status", "--porcelain", "--untracked-files=no"):
        commit += " + local changes"
    stamp = os.environ.get("SOURCE_DATE_EPOCH") or _git(root, "log", "-1", "--format=%ct")
    try:
        seconds = int(stamp)
    except ValueError:  # neither says one: the flagship article's date
        seconds = article_epoch(root)
    built = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Provenance(release, commit or "not a git checkout", built)


def article_epoch(root: Path) -> int:
    """The first second (UTC) of the flagship article's publication date: the date every build stamps where a tool
    would stamp the time (SOURCE_DATE_EPOCH), so two builds give the same bytes."""
    from ..figures.seeds import load_seed

    try:
        published = load_seed(None, root=root).meta["published"]
    except FileNotFoundError:  # not a checkout (its date is asked all the same): the installed package's flagship
        published = load_seed(None).meta["published"]
    parts = [int(part) for part in str(published).split("-")] + [1, 1]
    return int(dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC).timestamp())


def article_source(article: dict[str, Any]) -> dict[str, str]:
    """The article as a Data Package source: title (its citation, citation.cite), publisher, URL (when it has one:
    `kzfigures add --url` is optional) and date."""
    source = {"title": cite(article),
              "publisher": article["publisher"], "published": article["published"]}
    return {**source, "path": article["url"]} if article.get("url") else source


def _sources_in(files: list[Path]) -> list[dict[str, str]]:
    """Every external source a folder's CSVs name: each http(s) address (titled by its row's publisher when there is
    one), and each source named only in words (a "source" or "coordinates_source" column)."""
    found: dict[str, dict[str, str]] = {}
    for file in files:
        with file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    value = (value or "").strip()
                    if value.startswith(("https://", "http://")) and value not in found:
                        found[value] = {"title": row.get("publisher") or value, "path": value}
                    elif column in ("source", "coordinates_source") and value and value not in found:
                        found[value] = {"title": value}
    return list(found.values())


def _schema(file: Path) -> dict[str, Any]:
    """A CSV's fields: the interval columns typed (number, boolean), every other column a string."""
    with file.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    return {"fields": [{"name": name, "type": TYPED.get(name, "string")} for name in header]}


def datapackage(folder: Path, title: str, article: dict[str, Any], made: Provenance) -> dict[str, Any]:
    """The Data Package of one page's downloads: every CSV in ``folder`` as a resource, the article and every
    external source, the licence, and what built it."""
    from ..charts.outputs import read_outputs

    files = sorted(folder.glob("*.csv"))
    drawn = {f"{c.name}-data.csv": c.source for c in read_outputs(folder).charts if c.source}
    resources = [{"name": file.stem.lower(), "path": file.name, "profile": "tabular-data-resource", "format": "csv",
                  "mediatype": "text/csv", "encoding": "utf-8", "schema": _schema(file),
                  **({"sources": [{"title": drawn[file.name]}]} if file.name in drawn else {})} for file in files]
    # a chart's source line names what it drew from outside the article (a population, coordinates)
    external = [{"title": line} for line in dict.fromkeys(drawn.values()) if "xternal" in line]
    return {
        "profile": "tabular-data-package", "name": f"kzfigures-{folder.name}".lower(),
        "title": f"{title}: the tables and the data of the charts",
        "description": "The data behind one page of the kzfigures report. Each interval is in words and as numbers: "
                       "lower and upper (inf where there is no upper end), lower_open and upper_open (true: that "
                       "end is not included). A file NAME-data.csv holds the marks of the chart NAME.svg beside it.",
        "version": made.version, "created": made.built,
        "sources": [article_source(article), *_sources_in(files), *external],
        "licenses": [DATA_LICENCE],
        "kzfigures:rights_note": "Quotes are short extracts of an article that remains the copyright of its "
                                 f"publisher ({article['publisher']}); they are not relicensed.",
        "kzfigures:version": made.version, "kzfigures:commit": made.commit,
        "resources": resources,
    }


def write_datapackage(folder: Path, title: str, article: dict[str, Any], made: Provenance) -> None:
    """Write ``folder``/datapackage.json (stable key order, so rebuilds give the same bytes)."""
    body = datapackage(folder, title, article, made)
    (folder / "datapackage.json").write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def footer_context(title: str, article: dict[str, Any], made: Provenance, download: str | None = None
                   ) -> dict[str, Any]:
    """What a page's footer (templates/kzreport/footer.html.j2) says: how to cite it (the article as citation.cite
    cites it), the licence, what built it."""
    licence = {"name": DATA_LICENCE["name"], "path": DATA_LICENCE["path"],
               "short": DATA_LICENCE["title"].split(" (")[0], "code": CODE_LICENCE}
    return {"title": title, "article": article, "cited": cite(article), "made": made, "download": download,
            "licence": licence}


def footer(title: str, article: dict[str, Any], made: Provenance, download: str | None = None) -> str:
    """The closing lines of every page, as HTML: the footer template with footer_context."""
    from .pages import environment

    context = footer_context(title, article, made, download)
    return str(environment().get_template("kzreport/footer.html.j2").render(footer=context)) + "\n"
