"""datapackage.json describes every data file, every column and every computed column."""
from __future__ import annotations

import json

from conftest import ROOT, read_rows
from kzfigures import FIGURE_COLUMNS

DESCRIPTOR = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
TYPES = {"string", "integer", "number", "date", "boolean", "any"}


def test_every_csv_is_a_resource_and_every_resource_a_file():
    on_disk = {p.name for p in (ROOT / "data").glob("*.csv")}
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    assert on_disk == described


def test_fields_match_the_csv_header_in_order():
    for resource in DESCRIPTOR["resources"]:
        with (ROOT / "data" / resource["path"]).open(encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]


def test_every_field_has_a_type_and_a_description():
    for resource in DESCRIPTOR["resources"]:
        assert resource.get("description"), resource["name"]
        fields = resource["schema"]["fields"] + resource.get("kzfigures:computed_fields", [])
        for field in fields:
            assert field["type"] in TYPES, (resource["name"], field["name"])
            assert len(field.get("description", "")) > 10, (resource["name"], field["name"])


def test_the_table_contract_is_documented():
    figures = next(r for r in DESCRIPTOR["resources"] if r["name"] == "figures")
    documented = {f["name"] for f in figures["schema"]["fields"] + figures["kzfigures:computed_fields"]}
    assert set(FIGURE_COLUMNS) <= documented, set(FIGURE_COLUMNS) - documented


def test_source_licence_and_conventions_are_stated():
    assert DESCRIPTOR["sources"][0]["path"].startswith("https://astanatimes.com/2014/09/")
    assert DESCRIPTOR["licenses"] and "kzfigures:rights_note" in DESCRIPTOR
    assert "thousands" in DESCRIPTOR["kzfigures:conventions"]["vague"]


def test_every_row_has_a_value_in_each_primary_key():
    for resource in DESCRIPTOR["resources"]:
        for row in read_rows(ROOT / "data" / resource["path"]):
            assert all(row[k] for k in resource["schema"]["primaryKey"]), resource["name"]
