from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crossref_server import CrossrefServer
from tests.helpers import Tree
from tests.pubmed_server import PubmedServer


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


@pytest.fixture(scope="session")
def default_crossref() -> Iterator[CrossrefServer]:
    server = CrossrefServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def default_pubmed() -> Iterator[PubmedServer]:
    server = PubmedServer(enforce_limits=False).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _registry_on_loopback(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    default_crossref: CrossrefServer,
    default_pubmed: PubmedServer,
) -> None:
    """No test reaches beyond this machine: the registries are the loopback servers, and
    every test has its own empty cache."""
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", default_crossref.url)
    monkeypatch.setenv("EVIDENCELINT_NCBI_URL", default_pubmed.url)
    monkeypatch.delenv("EVIDENCELINT_NCBI_API_KEY", raising=False)
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(tmp_path / "evidencelint-cache"))
    monkeypatch.delenv("EVIDENCELINT_MAILTO", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("EVIDENCELINT_SERVER", raising=False)  # tests/end_to_end/test_resident.py


@pytest.fixture
def crossref(monkeypatch: pytest.MonkeyPatch) -> Iterator[CrossrefServer]:
    """A server of this test's own, to script faults on and count requests."""
    server = CrossrefServer().start()
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def pubmed(monkeypatch: pytest.MonkeyPatch) -> Iterator[PubmedServer]:
    """An E-utilities stand-in of this test's own, enforcing NCBI's rate limits."""
    server = PubmedServer().start()
    monkeypatch.setenv("EVIDENCELINT_NCBI_URL", server.url)
    yield server
    server.stop()
