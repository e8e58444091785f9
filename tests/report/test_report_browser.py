"""The audit's report.html rendered by a real browser (headless Chromium), looked at as
its reader would: through the laid-out DOM at a phone's width and a desk's.

The report carries no script; the test adds one to a copy (DOM_CHECKS) that measures
the page after layout and writes what it found into the DOM, which `--dump-dom` returns.
Screenshots are saved next to the copy for a person to look at.

Skipped, with the reason, where Chromium is not installed; .ci/run installs Debian's
`chromium` package so that CI always runs it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from tests.crossref_server import CrossrefServer

REPO = Path(__file__).resolve().parents[2]
BROWSER = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BROWSER is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RETRACTED = "10.1186/s40001-022-00682-3"
"""Cited by two claims of content/healthcom-acupuncture.yaml."""

DOM_CHECKS = """
<script>
(() => {
  const out = {width: innerWidth, scrollWidth: document.documentElement.scrollWidth};
  const inside = (r, box) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5
    && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
  out.clippedLabels = [];
  out.labels = 0;
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      out.labels += 1;
      if (!inside(text.getBoundingClientRect(), box)) out.clippedLabels.push(text.textContent);
    }
  }
  const first = document.querySelector("main section");
  out.firstSection = first ? first.id : null;
  out.h2BeforeWorklist = [...document.querySelectorAll("h2")].findIndex(
    h => h.closest("#worklist")) !== 0;
  const item = document.querySelector("#worklist ol.worklist > li");
  out.firstItem = item ? {kind: item.dataset.kind, text: item.textContent} : null;
  out.claimsWithoutText = [];
  out.claimsNamed = 0;
  for (const claim of document.querySelectorAll("[data-claim]")) {
    out.claimsNamed += 1;
    const q = claim.querySelector("q");
    if (!q || q.textContent.trim().length < 3) out.claimsWithoutText.push(claim.dataset.claim);
  }
  out.namedWithoutText = [];
  for (const place of document.querySelectorAll("tr, li.action")) {
    for (const m of place.textContent.matchAll(/claim '([^']+)'/g)) {
      if (!place.querySelector(`[data-claim="${CSS.escape(m[1])}"] q`))
        out.namedWithoutText.push(m[1]);
    }
  }
  out.narrowCells = [];
  const range = document.createRange();
  for (const cell of document.querySelectorAll("td, dd, code")) {
    const text = cell.textContent.trim();
    const style = getComputedStyle(cell);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    range.selectNodeContents(cell);
    const lines = Math.max(1, Math.round(range.getBoundingClientRect().height / line));
    if (text.length > 12 && text.length / lines < 8) out.narrowCells.push(text.slice(0, 40));
  }
  parent.postMessage(JSON.stringify(out), "*");
})();
</script>
"""
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" style="width:{width}px;height:900px;border:0"></iframe>
<pre id="dom-checks"></pre>
<script>
addEventListener("message", e => {{ document.getElementById("dom-checks").textContent = e.data; }});
</script></body></html>
"""
"""A window as wide as a phone: headless Chromium lays a window out at least 500 px
wide, an iframe at the width it is given."""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo content audited against the loopback Crossref, one of its works retracted."""
    folder = tmp_path_factory.mktemp("audit")
    shutil.copytree(REPO / "content", folder / "content")
    server = CrossrefServer().start()
    record = json.loads(server.works[RETRACTED])["message"]
    record["updated-by"] = [
        {
            "DOI": "10.1234/retraction.notice",
            "type": "retraction",
            "source": "retraction-watch",
            "label": "Retraction",
            "updated": {"date-parts": [[2026, 11, 1]]},
        }
    ]
    server.add_work(record)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(folder)
            mp.setenv("EVIDENCELINT_CACHE_DIR", str(folder / "cache"))
            mp.setenv("EVIDENCELINT_CROSSREF_URL", server.url)
            mp.setenv("EVIDENCELINT_NCBI_URL", "http://127.0.0.1:9")
            assert main(["audit", "content", "--out", "report", "--today", "2026-11-21"]) == 1
    finally:
        server.stop()
    return folder / "report" / "report.html"


def _browser(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (enough to tell a blank page from a page)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, offset = b"", 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if kind == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return zlib.decompress(data)


def _measured(report: Path, tmp_path: Path, width: int) -> dict[str, Any]:
    checked = tmp_path / "checked.html"
    checked.write_text(
        report.read_text(encoding="utf-8").replace("</body>", DOM_CHECKS + "</body>"),
        encoding="utf-8",
    )
    frame = tmp_path / "frame.html"
    frame.write_text(FRAME.format(src=checked.name, width=width), encoding="utf-8")
    dom = _browser(
        tmp_path / "profile",
        f"--window-size={width + 100},1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        frame.as_uri(),
    )
    found = re.search(r'<pre id="dom-checks">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


@pytest.mark.parametrize("width", [390, 1280])
def test_the_report_reads_at_phone_and_desk_width(report: Path, tmp_path: Path, width: int) -> None:
    measured = _measured(report, tmp_path, width)
    assert measured["width"] == width
    assert measured["scrollWidth"] <= measured["width"], "the page scrolls sideways"
    assert measured["labels"] > 10 and measured["clippedLabels"] == []
    assert measured["narrowCells"] == [], "text broken into a character or two per line"
    # The worklist opens the report, the retraction first, with its claims' words.
    assert measured["firstSection"] == "worklist" and not measured["h2BeforeWorklist"]
    first = measured["firstItem"]
    assert first["kind"] == "retracted"
    assert RETRACTED in first["text"]
    assert "Analysis of data from 4,413 people with moderate to severe allergies" in first["text"]
    # Every claim the report names is shown in words.
    assert measured["claimsNamed"] > 54
    assert measured["claimsWithoutText"] == [] and measured["namedWithoutText"] == []


@pytest.mark.parametrize(("name", "size"), [("desk", "1280,2400"), ("phone", "390,2400")])
def test_screenshots_show_a_page(report: Path, name: str, size: str) -> None:
    """Saved next to the report for a person to look at (the path is printed)."""
    shot = report.parent / f"{name}.png"
    result = _browser(report.parent / "profile", f"--window-size={size}", f"--screenshot={shot}",
                      "--hide-scrollbars", report.as_uri())  # fmt: skip
    assert shot.is_file(), result.stderr
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert f"{width},{height}" == size
    assert len(set(_pixels(shot.read_bytes()))) > 20, "the screenshot is blank"
    print(f"screenshot: {shot}")
