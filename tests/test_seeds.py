"""The seed: byte-identical to the shared copy, described by its metadata, refused when changed."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT, SEED_TEXT
from kzfigures import DataPackageError, load_seed

#: ../shared is the folder of shared material the project was started from, where it sits beside a checkout (as on
#: the machine where kzfigures was first made): its seeds/ holds the article as it was given. The project does not
#: need it: seeds/ here is a byte-identical copy, checked by its sha256 in every run, and this one test only
#: confirms the copy where the original is at hand (it is skipped elsewhere). No page or file cites it.
SHARED = ROOT.parent / "shared" / "seeds" / "000_aaa2e7178c9971f0.txt"
META = json.loads(SEED_TEXT.with_suffix(".json").read_text(encoding="utf-8"))


def test_checksum_is_the_published_one():
    digest = hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
    assert digest == META["sha256"]
    assert digest.startswith("9e48b03e") and digest.endswith("0352")


@pytest.mark.skipif(not SHARED.exists(), reason="no ../shared beside this checkout")
def test_byte_identical_to_the_shared_seed():
    assert SEED_TEXT.read_bytes() == SHARED.read_bytes()


def test_metadata_says_what_is_known_and_no_more():
    assert META["publisher"] == "The Astana Times"
    assert META["url"] == ("https://astanatimes.com/2014/09/terrorism-presents-multi-pronged-threat-"
                           "requires-international-cooperation/")
    assert META["published"] == "2014-09" and META["published_precision"] == "month"
    assert "copyright" in META["rights"].lower()
    assert META["title"] == SEED_TEXT.read_text(encoding="utf-8").splitlines()[0]


def test_load_seed_returns_the_text():
    seed = load_seed()
    assert seed.seed_id == "astanatimes-2014-09-terrorism"
    assert "more than 15,000 foreign fighters" in seed.text


def test_changed_text_is_refused_with_a_clear_message(package_copy: Path):
    path = package_copy / "seeds" / SEED_TEXT.name
    path.write_bytes(path.read_bytes() + b" ")
    with pytest.raises(DataPackageError, match=r"sha256: the text has changed"):
        load_seed(root=package_copy)


def test_unknown_seed_id_lists_the_known_ones():
    with pytest.raises(ValueError, match="astanatimes-2014-09-terrorism"):
        load_seed("nope")


def test_the_first_possible_day_is_inferred_from_the_text_and_says_so():
    """The article reports a Security Council resolution on foreign terrorist fighters as adopted (resolution 2178,
    24 September 2014): it appeared between 24 and 30 September; the metadata says this is an inference."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert "adopted a resolution aimed specifically at this new type of combatants" in text
    assert META["published_after"] == "2014-09-24" and "2178" in META["published_after_note"]


@pytest.mark.parametrize("after", ["2014-10-01", "2014-09", "24 September 2014", 20140924])
def test_a_first_possible_day_outside_the_published_month_is_refused(package_copy: Path, after):
    meta_path = package_copy / "seeds" / SEED_TEXT.with_suffix(".json").name
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "published_after": after}), encoding="utf-8")
    with pytest.raises(DataPackageError, match="published_after"):
        load_seed(root=package_copy)
