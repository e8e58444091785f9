"""The layers of docs/architecture.md are checked, not only drawn: import-linter runs the
contracts of pyproject.toml ([tool.importlinter]) over the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _lint_imports(source: Path, config: Path) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).with_name("lint-imports")
    command = str(beside) if beside.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    return subprocess.run(
        [command, "--config", str(config), "--no-cache"],
        cwd=source.parent,
        env={"PATH": str(Path(command).parent), "PYTHONPATH": str(source)},
        capture_output=True,
        text=True,
    )


def test_the_package_keeps_its_layers_and_has_no_cycle() -> None:
    result = _lint_imports(REPO / "src", REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a stage reaching up: the core (progress display) importing a reporter
        ("progress.py", "import evidencelint.report.html", "Pipeline stages"),
        # a cycle inside one stage: the limits importing the client that imports them
        ("verify/limits.py", "import evidencelint.verify.client", "No import cycle"),
    ],
)
def test_the_contract_fails_on_an_upward_import_or_a_cycle(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    copy = tmp_path / "src"
    shutil.copytree(REPO / "src" / "evidencelint", copy / "evidencelint")
    target = copy / "evidencelint" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint_imports(copy, REPO / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout
    assert "BROKEN" in result.stdout
    assert "Contracts: 1 kept, 1 broken." in result.stdout, result.stdout
