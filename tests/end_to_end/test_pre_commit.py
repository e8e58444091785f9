"""The hook, run by the real pre-commit framework (`pre-commit try-repo`).

pre-commit builds its own virtual environment for the hook and pip-installs this
repository into it. Tests make no request beyond this machine, so pip runs with no
index: the hook environment finds evidencelint's dependencies (and the build backend)
on PYTHONPATH, taken from the environment running the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.helpers import MINIMAL_PAGE

REPO = Path(__file__).resolve().parents[2]

BAD_PAGE = MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]")

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _offline_env(tmp_path: Path) -> dict[str, str]:
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "VIRTUAL_ENV", "PYTHONPATH"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join(sorted(paths)),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        EVIDENCELINT_CACHE_DIR=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="test",
        GIT_COMMITTER_EMAIL="test@example.org",
    )
    return env


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this repository: try-repo installs what is committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    source = tmp_path_factory.mktemp("hook-source")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    _git(source, "init", "-q")
    _git(source, "add", ".")
    _git(source, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "hook")
    return source


def _content_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "content-repo"
    (repo / "content").mkdir(parents=True)
    for name, text in files.items():
        (repo / "content" / name).write_text(text, encoding="utf-8")
    # Offline, every DOI is unverified; this repository's policy silences that.
    (repo / "evidencelint.toml").write_text('[severity]\n"doi-unverified" = "off"\n')
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _try_repo(
    repo: Path, hook_source: Path, tmp_path: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_source),
            "evidencelint-offline",
            "--files",
            *files,
            "--verbose",
        ],
        cwd=repo,
        env=_offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_fails_on_bad_file_with_its_finding(hook_source: Path, tmp_path: Path) -> None:
    repo = _content_repo(tmp_path, {"good.yaml": MINIMAL_PAGE, "bad.yaml": BAD_PAGE})
    result = _try_repo(repo, hook_source, tmp_path, "content/good.yaml", "content/bad.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "content/bad.yaml:7:" in output
    assert "citation-unresolved" in output
    assert "content/good.yaml:" not in output


def test_hook_passes_good_file(hook_source: Path, tmp_path: Path) -> None:
    repo = _content_repo(tmp_path, {"good.yaml": MINIMAL_PAGE})
    result = _try_repo(repo, hook_source, tmp_path, "content/good.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output


def test_a_passing_commit_with_unchecked_dois_tells_the_editor(
    hook_source: Path, tmp_path: Path
) -> None:
    """pre-commit hides a passing hook's output unless the hook is verbose: the hook is
    (in .pre-commit-hooks.yaml), so an editor whose commit passed learns that Crossref
    did not answer. Run as a content repository would, without --verbose."""
    from tests.hostile_server import HostileServer

    repo = tmp_path / "content-repo"
    (repo / "content").mkdir(parents=True)
    two = MINIMAL_PAGE.replace("[He 2022]", "[He 2022; @other]") + (
        "  other:\n    type: journal-article\n    authors: [Vickers AJ]\n"
        "    title: Acupuncture for chronic pain\n    journal: J Pain\n    year: 2018\n"
        "    doi: 10.1016/j.jpain.2017.11.005\n"
    )
    (repo / "content" / "page.yaml").write_text(two, encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    silent = HostileServer(None)  # accepts connections, never answers
    env = _offline_env(tmp_path)
    env.update(EVIDENCELINT_CROSSREF_URL=silent.url, EVIDENCELINT_RUN_TIMEOUT="2")
    try:
        result = subprocess.run(
            [
                sys.executable,
                *("-m", "pre_commit", "try-repo", str(hook_source), "evidencelint"),
                *("--files", "content/page.yaml"),
            ],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        silent.stop()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
    assert "Crossref did not answer: 2 DOIs not checked" in output, output


def _readme_snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\nrepos:\n")
    return readme[start + len("```yaml\n") : readme.index("```", start + 8)]


def test_the_readme_snippet_works_as_written_against_a_clone(
    hook_source: Path, tmp_path: Path
) -> None:
    """The README's `.pre-commit-config.yaml`, with only the repository's address and
    `rev:` (a full commit SHA, as the README allows) put in, run by pre-commit itself."""
    snippet = _readme_snippet()
    assert "rev: v0.1.0" in snippet and "id: evidencelint" in snippet
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_source, capture_output=True, text=True, check=True
    ).stdout.strip()
    config = snippet.replace("https://github.com/evidencelint/evidencelint", str(hook_source))
    config = config.replace("rev: v0.1.0", f"rev: {head}")
    config = config.replace("id: evidencelint ", "id: evidencelint-offline ")
    assert str(hook_source) in config and head in config
    repo = _content_repo(tmp_path, {"good.yaml": MINIMAL_PAGE, "bad.yaml": BAD_PAGE})
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(repo, "add", ".")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env=_offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # the bad page fails the commit
    assert "content/bad.yaml:7:" in output and "citation-unresolved" in output
