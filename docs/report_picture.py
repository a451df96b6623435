"""The README's picture of a report page: the report's index in Debian's chromium at 1280 px, its first screen.

Run by `make docs-images` after a fresh report; writes docs/images/report-page.png, and beside it
report-page.json: the findings the picture shows, as the page wrote them, and the picture's sha256, so that a test
(tests/test_readme.py) can hold the picture's findings equal to the computed ones.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

#: The text of each finding whose line starts inside the first screen, without its "See how" link.
SHOWN_FINDINGS = """(height) => [...document.querySelectorAll('.findings li')]
  .filter(li => li.getBoundingClientRect().top < height)
  .map(li => { const copy = li.cloneNode(true); copy.querySelectorAll('a').forEach(a => a.remove());
               return copy.textContent.replace(/\\s+/g, ' ').trim().replace(/\\s+\\.$/, ''); })"""


def main(report: Path = ROOT / "reports", out: Path = ROOT / "docs" / "images" / "report-page.png") -> None:
    """Photograph the top of report/index.html (1280 × 1000 px) into ``out``."""
    index = report / "index.html"
    if not index.is_file():
        sys.exit(f"{index}: no report there; run make report first")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(index.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(out))
        shown = page.evaluate(SHOWN_FINDINGS, 1000)
        browser.close()
    record = {"findings": shown, "png_sha256": hashlib.sha256(out.read_bytes()).hexdigest()}
    out.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} and {out.with_suffix('.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
