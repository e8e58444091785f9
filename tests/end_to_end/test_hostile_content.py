"""Hostile content trees through the real command line (issue 11): links out of the
tree, FIFOs, devices, unreadable and very deep folders, upper-case extensions, dates at
the end of the calendar, repeated claim ids, a broken pyproject.toml of another project."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_runs import IS_ROOT, as_nobody
from tests.helpers import MINIMAL_PAGE, Tree

CHECK = ("check", "--offline", "--today", "2026-11-21", "--format", "json")
SECRET = "ghp_SECRETTOKEN1234567890"


def cli(
    cwd: Path, *args: str, unprivileged: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "evidencelint", *args]
    if unprivileged:
        command = as_nobody(command)
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def findings(done: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return found


def by_path(found: list[dict[str, object]], path: str) -> list[dict[str, object]]:
    return [f for f in found if f["path"] == path]


@pytest.fixture
def project(tree: Tree) -> Tree:
    tree.write("content/page.yaml", MINIMAL_PAGE)
    return tree


def test_a_link_to_a_file_outside_the_tree_is_not_read(project: Tree, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text(f"token: [{SECRET}\n")  # broken YAML: its text would be echoed
    try:
        (project.root / "content" / "leak.yaml").symlink_to(outside)
        for args in (("content",), ("content/leak.yaml",)):  # walked, or named by a hook
            done = cli(project.root, *CHECK, *args)
            assert SECRET not in done.stdout + done.stderr
            leak = by_path(findings(done), "content/leak.yaml")
            assert [f["name"] for f in leak] == ["yaml-syntax"]
            assert "symbolic link" in str(leak[0]["message"])
            assert done.returncode == 1
    finally:
        outside.unlink()


def test_a_link_into_the_git_folder_is_not_read(project: Tree) -> None:
    # actions/checkout keeps the job's token in .git/config
    project.write(".git/config", f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    (project.root / "content" / "config.yaml").symlink_to("../.git/config")
    done = cli(project.root, *CHECK, "content")
    assert SECRET not in done.stdout + done.stderr
    assert "symbolic link" in str(by_path(findings(done), "content/config.yaml")[0]["message"])


def test_a_link_inside_the_tree_is_followed(project: Tree) -> None:
    project.write("pages/other.yaml", MINIMAL_PAGE.replace("id: minimal-page", "id: other"))
    (project.root / "content" / "other.yaml").symlink_to("../pages/other.yaml")
    done = cli(project.root, *CHECK, "content")
    other = by_path(findings(done), "content/other.yaml")
    assert [f["name"] for f in other] == ["doi-unverified"]  # read and checked (offline)
    assert json.loads(done.stdout)["summary"]["pages"] == 2


def test_a_fifo_named_like_a_page_does_not_hang_the_run(project: Tree) -> None:
    os.mkfifo(project.root / "content" / "x.yaml")
    for args in (("content",), ("content/x.yaml",)):
        done = cli(project.root, *CHECK, *args, timeout=30)
        fifo = by_path(findings(done), "content/x.yaml")
        assert [f["name"] for f in fifo] == ["yaml-syntax"]
        assert "FIFO" in str(fifo[0]["message"])


def test_a_link_to_dev_zero_is_not_read_without_end(project: Tree) -> None:
    (project.root / "content" / "zero.yaml").symlink_to("/dev/zero")
    done = cli(project.root, *CHECK, "content", timeout=30)
    assert [f["name"] for f in by_path(findings(done), "content/zero.yaml")] == ["yaml-syntax"]


def test_a_device_inside_the_tree_is_not_read(project: Tree) -> None:
    if not IS_ROOT:
        pytest.skip("creating a device needs root")
    os.mknod(project.root / "content" / "dev.yaml", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    done = cli(project.root, *CHECK, "content", timeout=30)
    device = by_path(findings(done), "content/dev.yaml")
    assert "a device" in str(device[0]["message"])


def test_a_file_growing_past_the_limit_is_read_only_to_the_limit(project: Tree) -> None:
    project.write("pyproject.toml", "[tool.evidencelint]\nmax_file_bytes = 1000\n")
    project.write("content/big.yaml", MINIMAL_PAGE + "#" * 5000 + "\n")
    done = cli(project.root, *CHECK, "content")
    big = by_path(findings(done), "content/big.yaml")
    assert "larger than" in str(big[0]["message"])


def test_upper_case_extensions_are_checked(project: Tree) -> None:
    project.write("content/SHOUT.YAML", "a: [\n")
    project.write("content/Mixed.Yml", "a: [\n")
    done = cli(project.root, *CHECK, "content")
    found = findings(done)
    assert by_path(found, "content/SHOUT.YAML") and by_path(found, "content/Mixed.Yml")


@pytest.fixture
def shared_project() -> Iterator[Path]:
    """A project any user can read (pytest's temporary folders are private)."""
    root = Path(tempfile.mkdtemp(prefix="evidencelint-content-"))
    root.chmod(0o755)
    (root / "content").mkdir(mode=0o755)
    (root / "content" / "page.yaml").write_text(MINIMAL_PAGE)
    (root / "content" / "page.yaml").chmod(0o644)
    yield root
    for folder, _, _ in os.walk(root):
        os.chmod(folder, 0o755)
    shutil.rmtree(root, ignore_errors=True)


def test_an_unreadable_folder_is_a_finding_not_skipped_silently(shared_project: Path) -> None:
    locked = shared_project / "content" / "locked"
    locked.mkdir()
    (locked / "page.yaml").write_text("a: [\n")
    locked.chmod(0o000)
    done = cli(shared_project, *CHECK, "--no-cache", "content", unprivileged=True)
    found = by_path(findings(done), "content/locked")
    assert [f["name"] for f in found] == ["yaml-syntax"]
    assert "cannot read the folder" in str(found[0]["message"])
    assert done.returncode == 1


def test_a_tree_1100_folders_deep_is_checked(
    project: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)  # the absolute path would pass PATH_MAX
    folders = [Path("content", *["d"] * depth) for depth in range(1, 1101)]
    try:
        for folder in folders:
            folder.mkdir()
        (folders[-1] / "deep.yaml").write_text("a: [\n")
        done = cli(project.root, *CHECK, "content")
        assert by_path(findings(done), f"{folders[-1]}/deep.yaml")
    finally:
        # Removed here, bottom up: pytest's own clean-up of old temporary folders (and
        # shutil.rmtree) recurse once per level and would fail on this tree later.
        (folders[-1] / "deep.yaml").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.is_dir():
                folder.rmdir()


@pytest.mark.parametrize("year", ["9997", "9998", "9999"])
def test_review_dates_at_the_end_of_the_calendar(project: Tree, year: str) -> None:
    project.write(
        "content/page.yaml",
        MINIMAL_PAGE.replace("last_reviewed: 2026-01-10", f"last_reviewed: {year}-06-30"),
    )
    done = cli(project.root, "audit", "content", "--offline", "--today", "2026-11-21",
               "--out", "report")  # fmt: skip
    assert done.returncode == 1, done.stderr  # review-date-future, nothing worse
    assert (project.root / "report" / "report.html").is_file()
    done = cli(project.root, *CHECK, "content", "--today", "9999-12-31")
    names = {f["name"] for f in findings(done)}
    assert "review-overdue" not in names and "review-date-future" not in names
    done = cli(project.root, "audit", "content", "--offline", "--today", "9999-12-31",
               "--out", "report")  # fmt: skip
    assert done.returncode in (0, 1), done.stderr


def test_a_huge_review_interval_is_a_configuration_error(project: Tree) -> None:
    project.write("pyproject.toml", "[tool.evidencelint]\nreview_interval_months = 120000\n")
    done = cli(project.root, *CHECK, "content")
    assert done.returncode == 2
    assert "review_interval_months" in done.stderr and "at most 1200" in done.stderr
    assert "internal error" not in done.stderr


DUPLICATE_IDS = """\
id: dup
title: Acupuncture
status: published
last_reviewed: 2026-01-10
claims:
  - id: c1
    text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].
    ignore:
      - rule: citation-missing
        reason: the next claim is its summary
      - rule: schema
        reason: trying to hide the duplicate id
  - id: c1
    text: Acupuncture cures cancer.
references:
  he2022allergicrhinitis:
    type: systematic-review
    authors: [He M, Qin W, Qin Z, Zhao C]
    title: "Acupuncture for allergic rhinitis: a systematic review and meta-analysis"
    journal: Eur J Med Res
    year: 2022
    volume: "27"
    issue: "1"
    pages: "58"
    doi: 10.1186/s40001-022-00682-3
"""


def test_a_repeated_claim_id_does_not_inherit_ignore_entries(tree: Tree) -> None:
    tree.write("content/dup.yaml", DUPLICATE_IDS)
    done = cli(tree.root, *CHECK, "content")
    found = findings(done)
    names = [f["name"] for f in found if f["severity"] == "error"]
    assert "citation-missing" in names  # "Acupuncture cures cancer." cites nothing
    assert any("claim id 'c1' is already used" in str(f["message"]) for f in found)
    assert done.returncode == 1


def test_a_broken_pyproject_of_another_project_is_skipped(tree: Tree) -> None:
    tree.write("pyproject.toml", "[project\nname = 'someone else'\n")
    tree.write("site/content/page.yaml", MINIMAL_PAGE)
    done = cli(tree.root / "site", *CHECK, "content")
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stderr and "pyproject.toml" in done.stderr


def test_a_broken_pyproject_of_ours_still_stops_the_run(tree: Tree) -> None:
    tree.write("pyproject.toml", "[tool.evidencelint]\ncontent = \n")
    tree.write("content/page.yaml", MINIMAL_PAGE)
    done = cli(tree.root, *CHECK, "content")
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr
