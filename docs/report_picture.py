"""The README's picture of a report page: the report's index in Debian's chromium at 1280 px, its first screen.

Run by `make docs-images` after a fresh report; writes docs/images/report-page.png.
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


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
        browser.close()
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
