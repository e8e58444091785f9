from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crossref_server import CrossrefServer
from tests.helpers import Tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


@pytest.fixture(scope="session")
def default_crossref() -> Iterator[CrossrefServer]:
    server = CrossrefServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _registry_on_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, default_crossref: CrossrefServer
) -> None:
    """No test reaches beyond this machine: the registry is the loopback server, and
    every test has its own empty cache."""
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", default_crossref.url)
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(tmp_path / "evidencelint-cache"))
    monkeypatch.delenv("EVIDENCELINT_MAILTO", raising=False)
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def crossref(monkeypatch: pytest.MonkeyPatch) -> Iterator[CrossrefServer]:
    """A server of this test's own, to script faults on and count requests."""
    server = CrossrefServer().start()
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", server.url)
    yield server
    server.stop()
