"""The first pass on its own and across worker processes: the same findings either way."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from evidencelint.findings import Finding
from evidencelint.load import yaml_loader
from evidencelint.results import RunResult
from evidencelint.run import check, reading
from evidencelint.run import pages as scan
from tests.helpers import MINIMAL_PAGE, Tree

BIBLIOGRAPHY = """\
references:
  shared-he:
    type: systematic-review
    authors: [He M, Qin W]
    title: "Acupuncture for allergic rhinitis: a systematic review and meta-analysis"
    journal: Eur J Med Res
    year: 2022
    doi: 10.1186/s40001-022-00682-3
"""


def _page(i: int) -> str:
    page = MINIMAL_PAGE.replace("id: minimal-page", f"id: page-{i % 97}")  # some ids repeat
    if i % 5 == 0:
        page = page.replace("[He 2022]", "[Nobody 2001]")  # unresolved
    if i % 7 == 0:
        page = page.replace(
            "    text: Acupuncture", "    cites: [shared-he]\n    text: Acupuncture"
        )
    if i % 11 == 0:
        page = page.replace("id: fewer-symptoms", "id: [not, a, slug]")  # set aside
    return page


@pytest.fixture
def big_tree(tree: Tree) -> Tree:
    tree.write("content/references.yaml", BIBLIOGRAPHY)
    for i in range(240):
        tree.write(f"content/s{i // 100}/page-{i:03d}.yaml", _page(i))
    tree.write("content/broken.yaml", "id: [unclosed\n")
    return tree


def _check(tree: Tree) -> RunResult:
    return tree.check(bibliographies=["content/references.yaml"])


def _key(findings: Sequence[Finding]) -> list[tuple[object, ...]]:
    return [(f.path, f.line, f.column, f.name, f.severity, f.message) for f in findings]


def _serially_then_in_workers(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> RunResult:
    """Check the tree in this process; then make the next check use two workers."""
    monkeypatch.setattr(scan, "PARALLEL_FROM", 10**9)
    serial = _check(tree)
    monkeypatch.setattr(scan, "PARALLEL_FROM", 2)
    monkeypatch.setattr(scan, "_workers", lambda pages: 2)
    return serial


def test_workers_find_exactly_what_one_process_finds(
    big_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serially_then_in_workers(big_tree, monkeypatch)
    parallel = _check(big_tree)

    assert _key(parallel.findings) == _key(serial.findings)
    assert parallel.pages == serial.pages
    # The 22 pages whose only claim is set aside are reported, not summarised.
    assert (parallel.files, len(parallel.pages), parallel.claims) == (242, 218, 218)
    names = {f.name for f in serial.findings}
    # The tree exercises the checks within a page and those across pages.
    assert {"citation-unresolved", "schema", "yaml-syntax"} <= names
    assert any("is already used by" in f.message for f in serial.findings)


def _die_in_worker(files: Sequence[tuple[str, Path]]) -> list[scan.PageScan]:
    os._exit(3)  # a worker killed by the system (out of memory, a crash in C)


def test_a_worker_dying_falls_back_to_this_process(
    big_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serially_then_in_workers(big_tree, monkeypatch)
    monkeypatch.setattr(scan, "_scan_chunk", _die_in_worker)
    fallback = _check(big_tree)
    assert _key(fallback.findings) == _key(serial.findings)


def test_few_pages_are_scanned_without_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan._workers(scan.PARALLEL_FROM - 1) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert scan._workers(scan.PARALLEL_FROM) == 2


def test_named_files_are_checked_against_the_shared_bibliography_alone(
    big_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pre-commit does: pass the changed files. Only they and the shared
    bibliographies are read; the rest of the tree is neither loaded nor validated."""
    loaded: list[str] = []
    real_load = yaml_loader.load_file

    def recording_load(path: Path, max_bytes: int = 0) -> object:
        loaded.append(path.name)
        return real_load(path, max_bytes)

    monkeypatch.setattr(reading, "load_file", recording_load)
    result = big_tree.check(
        "content/s0/page-007.yaml",  # cites the shared reference by key
        "content/s0/page-010.yaml",  # cites [Nobody 2001]
        bibliographies=["content/references.yaml"],
    )
    assert sorted(loaded) == ["page-007.yaml", "page-010.yaml"]  # bibliographies: load_bibliography
    assert result.files == 2
    unresolved = [f for f in result.findings if f.name == "citation-unresolved"]
    assert [f.path.rsplit("/", 1)[-1] for f in unresolved] == ["page-010.yaml"]


@pytest.mark.parametrize("workers", [1, 2])
def test_what_a_run_keeps_is_out_of_the_collectors_sight_until_it_ends(
    big_tree: Tree, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The scan freezes what the run has kept after each chunk, so that full collections
    do not walk it again and again; the run unfreezes it all when it ends."""
    frozen: list[int] = []
    real_scan_pages = scan.scan_pages

    def recording(*args: Any) -> Iterator[scan.PageScan]:
        for page in real_scan_pages(*args):
            frozen.append(gc.get_freeze_count())
            assert gc.get_threshold()[0] >= scan.YOUNG_COLLECTION_EVERY
            yield page

    monkeypatch.setattr(check, "scan_pages", recording)
    monkeypatch.setattr(scan, "_workers", lambda pages: workers)
    assert gc.get_freeze_count() == 0
    threshold = gc.get_threshold()
    _check(big_tree)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold
    assert frozen[scan.CHUNK - 1] == 0 < frozen[scan.CHUNK] < frozen[-1], frozen
