"""The NLM journal list shipped as package data, and the script that rebuilds it."""

from __future__ import annotations

import gzip
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

from evidencelint.resolve import journals

REPO = Path(__file__).resolve().parents[2]
DATA = resources.files("evidencelint").joinpath("data")


def _lines() -> list[str]:
    return gzip.decompress(DATA.joinpath(journals.DATA_FILE).read_bytes()).decode().splitlines()


def test_the_list_is_shipped_with_its_source_and_licence() -> None:
    lines = _lines()
    assert len(lines) > 15_000
    notice = DATA.joinpath("JOURNALS-LICENSE.md").read_text(encoding="utf-8")
    assert "JabRef/abbrv.jabref.org" in notice
    assert "CC0 1.0" in notice


def test_every_listed_name_is_in_the_form_lookups_use() -> None:
    """A key the normaliser would write differently could never be found: the list must
    be rebuilt whenever `journals.keys` changes."""
    for line in _lines()[::25]:
        for key in line.split("\t"):
            assert journals.keys(key) >= {key}, key


def test_the_script_rebuilds_the_list_from_the_csv_files(tmp_path: Path) -> None:
    (tmp_path / "journal_abbreviations_entrez.csv").write_text(
        '"Acta physiologica (Oxford, England)","Acta Physiol (Oxf)"\n'
        '"Der Anaesthesist","Anaesthesist"\n'
        '"Lancet","Lancet"\n'
        '"""Brevia""","Brevia (Rome)"\n',
        encoding="utf-8",
    )
    (tmp_path / "journal_abbreviations_medicus.csv").write_text(
        '"Der Urologe. Ausgabe A","Urologe A","",""\n', encoding="utf-8"
    )
    out = tmp_path / "journals.tsv.gz"
    script = REPO / "scripts" / "build_journals.py"
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    assert lines == sorted(lines)
    assert (
        "acta physiol\tacta physiol oxf\tacta physiologica\tacta physiologica oxford england"
        in lines
    )
    assert "anaesthesist\tder anaesthesist" in lines
    assert "der urologe\tder urologe ausgabe a\turologe\turologe a\turologe ausgabe a" in lines
    assert "brevia\tbrevia rome" in lines  # quotes inside quotes
    assert not any(line == "lancet" for line in lines)  # its own abbreviation: nothing to add
    again = tmp_path / "again.tsv.gz"
    subprocess.run(
        [sys.executable, str(script), str(tmp_path), "--out", str(again)],
        check=True,
        capture_output=True,
    )
    assert again.read_bytes() == out.read_bytes()  # no timestamp: reproducible bytes


def test_the_script_explains_itself_without_a_folder() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_journals.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "journal_abbreviations_entrez.csv" in done.stderr


def test_the_wheel_ships_the_list_and_its_licence(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "evidencelint/data/journals.tsv.gz" in names
    assert "evidencelint/data/JOURNALS-LICENSE.md" in names
