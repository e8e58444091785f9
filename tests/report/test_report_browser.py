"""The audit's report.html rendered by a real browser (headless Chromium).

Skipped, with the reason, where Chromium is not installed; .ci/run installs Debian's
`chromium` package so that CI always runs it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from evidencelint.cli import main

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


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit")
    shutil.copytree(REPO / "content", folder / "content")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("EVIDENCELINT_CACHE_DIR", str(folder / "cache"))
        mp.setenv("EVIDENCELINT_CROSSREF_URL", "http://127.0.0.1:9")
        assert (
            main(["audit", "content", "--out", "report", "--offline", "--today", "2026-11-21"]) == 1
        )
    return folder / "report" / "report.html"


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
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


def test_report_renders_with_charts_and_the_overdue_table(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = _browser(tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", report.as_uri())
    assert shot.is_file(), result.stderr
    pixels = _pixels(shot.read_bytes())
    assert len(set(pixels)) > 20, "the screenshot is blank"

    dom = _browser(tmp_path, "--dump-dom", report.as_uri()).stdout
    # Four charts; one ("retracted ... by page") has nothing to draw on this content.
    assert dom.count("<svg") == 3
    assert dom.count("<figure>") == 4
    overdue = dom[dom.index('id="overdue"') :]
    assert "content/msk-acupuncture.yaml" in overdue and "427 days overdue" in overdue
    assert "content/cleveland-clinic-acupuncture.yaml" in overdue and "189 days overdue" in overdue


def test_report_fits_a_phone_screen(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "phone.png"
    _browser(tmp_path, "--window-size=390,844", f"--screenshot={shot}", report.as_uri())
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert (width, height) == (390, 844)
    assert len(set(_pixels(shot.read_bytes()))) > 20
