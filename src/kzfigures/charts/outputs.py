"""What a notebook publishes: its charts and tables with their words, and the one schema, writer and reader of them.

A notebook keeps what it shows as it goes and saves it at the end, in a cell of its own (as an ETL step ends
with "save outputs")::

    outputs = Outputs()
    outputs.chart(plotting.interval_chart(...))   # shown (PNG with alt text, then the caption) and kept
    outputs.table(views.readable(figures), "figures")   # shown and kept
    outputs.save()                                 # writes every file, then outputs.json

``save()`` writes to the folder it is given; without one, to the folder the report builder names for this
notebook ($KZFIGURES_OUTPUT_DIR); outside a build and without a folder it says that nothing was saved. The
report builder reads a notebook's outputs back with ``read_outputs`` only: outputs.json is the contract.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..figures.literal import spreadsheet_cell

if TYPE_CHECKING:
    import pandas as pd

    from .plotting import Chart

#: Set by the report builder for each notebook: the folder its outputs are saved to.
OUTPUT_ENV = "KZFIGURES_OUTPUT_DIR"
#: The manifest's file name, and the schema it follows (raise the number when a field changes meaning).
MANIFEST = "outputs.json"
#: The display metadata key under which a shown table carries its name.
TABLE_KEY = "kzfigures"
SCHEMA = "kzfigures-outputs/3"
#: Columns a CSV carries for machines (an interval as numbers, a change as up or down) that a shown table leaves out,
#: as its words say the same (views.bound_columns; views.readable's "level or change").
SHOWN_WITHOUT = ("lower", "upper", "lower_open", "upper_open", "change")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The one way a CSV for people is written (every table and every chart's data): UTF-8, no index, LF ends, no
    cell a spreadsheet would run as a formula (for_spreadsheets)."""
    return for_spreadsheets(table).to_csv(index=False, lineterminator="\n").encode("utf-8")


class OutputsError(ValueError):
    """A notebook's outputs folder that cannot be read as written: the message names the folder and the fault."""


@dataclass(frozen=True)
class ChartEntry:
    """One published chart: its name (the files' stem), title, alt text, caption and source line; its data is
    ``name``-data.csv."""

    name: str
    title: str
    alt: str
    caption: str
    source: str

    @property
    def files(self) -> list[str]:
        """The files of the chart, beside outputs.json."""
        return [f"{self.name}.png", f"{self.name}-phone.png", f"{self.name}.svg", f"{self.name}-data.csv"]


@dataclass(frozen=True)
class TableEntry:
    """One published table: its name (the CSV's stem)."""

    name: str

    @property
    def files(self) -> list[str]:
        """The file of the table, beside outputs.json."""
        return [f"{self.name}.csv"]


@dataclass
class Manifest:
    """What outputs.json says: the charts and tables, in the order shown, and each file's sha256."""

    charts: list[ChartEntry] = field(default_factory=list)
    tables: list[TableEntry] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as written to outputs.json (stable key order, so rebuilds give the same bytes)."""
        body = {"schema": SCHEMA, "charts": [asdict(c) for c in self.charts],
                "tables": [asdict(t) for t in self.tables], "sha256": dict(sorted(self.sha256.items()))}
        return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def _md_escape(text: str) -> str:
    """Escape Markdown and HTML specials so data text is shown as text."""
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def for_spreadsheets(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table to write as CSV for people: no text field a spreadsheet would run as a formula."""
    return table.map(spreadsheet_cell).rename(columns=spreadsheet_cell)


class Outputs:
    """The charts and tables one notebook publishes, kept in the order shown until ``save``."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._manifest = Manifest()

    def _keep(self, name: str, files: dict[str, bytes]) -> None:
        """Keep a chart's or table's files; a name used twice would overwrite the first, so it is refused."""
        clash = sorted(set(files) & set(self._files))
        if clash:
            raise ValueError(f"outputs: {', '.join(clash)} is already published by this notebook; choose another name")
        self._files.update(files)

    def chart(self, chart: Chart) -> None:
        """Show a chart as PNG with its alt text, then its caption; keep it, its phone drawing and its data (CSV) for
        ``save``.

        The display carries the chart's name, key and source line in its metadata, so the report can link the picture
        to its SVG and CSV, and serve the phone drawing with its key and source line as text.
        """
        from IPython.display import Image, Markdown, display

        png = chart.png()
        self._keep(chart.name, {f"{chart.name}.png": png, f"{chart.name}-phone.png": chart.png(phone=True),
                                f"{chart.name}.svg": chart.svg().encode("utf-8"),
                                f"{chart.name}-data.csv": csv_bytes(chart.data)})
        self._manifest.charts.append(ChartEntry(chart.name, chart.title, chart.alt, chart.caption, chart.source))
        # the report serves the phone drawing on a narrow screen, with the key and the source line as text under it
        shown = {"chart": chart.name, "key": list(chart.key), "source": chart.source}
        display(Image(data=png, format="png", alt=chart.alt), metadata={TABLE_KEY: shown})
        display(Markdown(f"*{_md_escape(chart.caption)}*"))

    def table(self, table: pd.DataFrame, name: str) -> None:
        """Show a table as a reader reads it (tables.ReaderTable) and keep it for ``save`` (as CSV, without the index).

        The CSV has every column; the table shown leaves out SHOWN_WITHOUT (its words say the same). The display
        carries the table's name in its metadata, so the report can link the shown table to its CSV.
        """
        from IPython.display import display

        from .tables import ReaderTable

        self._keep(name, {f"{name}.csv": csv_bytes(table)})
        self._manifest.tables.append(TableEntry(name))
        shown = table.drop(columns=[c for c in SHOWN_WITHOUT if c in table.columns])
        display(ReaderTable(shown), metadata={TABLE_KEY: {"table": name}})

    def save(self, folder: str | os.PathLike[str] | None = None) -> None:
        """Write every kept file, then outputs.json, to ``folder`` (default: the report builder's); say what was done.

        Returns nothing, so the notebook's last cell shows only the line that says where the outputs went.
        """
        building = folder is None
        target = Path(folder) if folder is not None else _builder_folder()
        counts = f"{len(self._manifest.charts)} chart(s) and {len(self._manifest.tables)} table(s)"
        if target is None:
            print(f"Outputs: {counts} shown above; not saved, as this run is not a report build "
                  "(outputs.save('a-folder') writes them there).")
            return
        # A build names the notebook's own folder inside its build folder: only that folder is created, never its
        # parents, so a kernel left running by an interrupted build fails instead of re-creating the build folder.
        target.mkdir(parents=not building, exist_ok=True)
        manifest = Manifest(self._manifest.charts, self._manifest.tables)
        for name, data in self._files.items():
            (target / name).write_bytes(data)
            manifest.sha256[name] = hashlib.sha256(data).hexdigest()
        (target / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        print(f"Outputs: {counts} saved for the report.")


def _builder_folder() -> Path | None:
    """The folder the report builder named for this notebook's outputs, if this run is a build."""
    value = os.environ.get(OUTPUT_ENV)
    return Path(value) if value else None


def _entries(body: dict[str, Any], key: str, kind: type, where: Path) -> list[Any]:
    """The chart or table entries of a manifest, each checked to have exactly its fields."""
    names = {f.name for f in fields(kind)}
    entries = body.get(key)
    if not isinstance(entries, list) or not all(isinstance(e, dict) and set(e) == names for e in entries):
        raise OutputsError(f"{where}: '{key}' is not a list of entries with the fields {', '.join(sorted(names))}")
    return [kind(**e) for e in entries]


def read_outputs(folder: str | os.PathLike[str]) -> Manifest:
    """Read a notebook's outputs.json and check every file it lists is there with its recorded sha256.

    A folder without outputs.json published nothing (an empty Manifest). Anything else that is wrong raises
    OutputsError naming the folder and the fault.
    """
    base = Path(folder)
    path = base / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise OutputsError(f"{path}: cannot be read as JSON ({err.__class__.__name__})") from None
    if not isinstance(body, dict) or body.get("schema") != SCHEMA:
        raise OutputsError(f"{path}: not a {SCHEMA} manifest")
    sums = body.get("sha256")
    manifest = Manifest(_entries(body, "charts", ChartEntry, path), _entries(body, "tables", TableEntry, path),
                        sums if isinstance(sums, dict) else {})
    entries: list[ChartEntry | TableEntry] = [*manifest.charts, *manifest.tables]
    for name in (f for entry in entries for f in entry.files):
        file = base / name
        if not file.is_file():
            raise OutputsError(f"{file}: listed in {MANIFEST} but missing")
        if hashlib.sha256(file.read_bytes()).hexdigest() != manifest.sha256.get(name):
            raise OutputsError(f"{file}: does not match the sha256 recorded in {MANIFEST} (damaged or edited)")
    return manifest
