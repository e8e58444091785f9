"""The package as a user installs it: one version, a licence, type information."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import evidencelint

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            *("-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"),
            *("--no-index", "--disable-pip-version-check", "-w", str(out), str(REPO)),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("evidencelint-*.whl")
    return zipfile.ZipFile(built)


def _metadata(wheel: zipfile.ZipFile) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return wheel.read(name).decode("utf-8")


def test_the_version_is_written_once_and_read_from_there(wheel: zipfile.ZipFile) -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert f"\nVersion: {evidencelint.__version__}\n" in _metadata(wheel)


def test_the_wheel_ships_type_information_and_the_licence(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "evidencelint/py.typed" in names
    (licence,) = [n for n in names if n.endswith("licenses/LICENSE")]
    assert wheel.read(licence) == (REPO / "LICENSE").read_bytes()


def test_the_licence_file_is_the_licence_pyproject_names() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_changelog_has_an_entry_for_this_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog
    assert re.search(
        rf"^## \[{re.escape(evidencelint.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$",
        changelog,
        re.MULTILINE,
    )
    assert re.search(r"^## \[Unreleased\]$", changelog, re.MULTILINE)
