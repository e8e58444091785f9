"""Loaded shared bibliographies kept in the cache folder: the same load as a fresh parse,
and any entry that is not exactly one this version wrote for this content is ignored."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidencelint.load import parsed_cache
from evidencelint.load.parsed_cache import FOLDER, load_bibliography
from evidencelint.load.yaml_loader import MAX_FILE_BYTES, LoadedYaml, load_file, load_text
from tests.cli_runs import run
from tests.helpers import Tree

BIBLIOGRAPHY = """\
references:
  smith2020:
    type: journal-article
    authors: [Smith J, Jones K]
    title: Acupuncture for chronic pain
    journal: BMJ
    year: 2020
    doi: 10.1000/el.smith
    accessed: 2024-02-29
  smith2020:
    type: journal-article
    title: twice
  broken:
    type: no-such-type
    year: [1, 2.5, true, null]
"""


def _same(a: LoadedYaml, b: LoadedYaml) -> None:
    assert a.data == b.data
    assert repr(a.data) == repr(b.data)  # the same types: a date stays a date, 1 is not True
    assert a.problems == b.problems
    assert list(a.source.values.items()) == list(b.source.values.items())
    assert list(a.source.keys.items()) == list(b.source.keys.items())
    for path in a.source.values:
        assert a.source.value(path) == b.source.value(path)


def _entry(cache: Path) -> Path:
    (entry,) = (cache / FOLDER).iterdir()
    return entry


def test_a_cached_load_is_the_fresh_load(tmp_path: Path) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    fresh = load_file(bib)
    first = load_bibliography(bib, MAX_FILE_BYTES, cache)
    assert _entry(cache).is_file()
    second = load_bibliography(bib, MAX_FILE_BYTES, cache)
    _same(first, fresh)
    _same(second, fresh)
    assert [p.name for p in second.problems] == ["duplicate-key"]
    assert isinstance(second.data["references"]["smith2020"], dict)


def test_the_cache_is_what_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)

    def no_parse(text: str) -> LoadedYaml:
        raise AssertionError("parsed again")

    monkeypatch.setattr(parsed_cache, "load_text", no_parse)
    load_bibliography(bib, MAX_FILE_BYTES, cache)


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)
    changed = BIBLIOGRAPHY.replace("year: 2020", "year: 2021")
    bib.write_text(changed, encoding="utf-8")
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_text(changed))
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_text(changed))
    assert len(list((cache / FOLDER).iterdir())) == 1  # one entry per bibliography


def test_another_size_limit_is_another_entry(tmp_path: Path) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)
    too_small = load_bibliography(bib, 100, cache)
    assert [p.name for p in too_small.problems] == ["schema"]
    assert "larger than" in too_small.problems[0].message


def _forge(entry: Path, change: Any) -> None:
    stored = json.loads(entry.read_text(encoding="utf-8"))
    change(stored)
    entry.write_text(json.dumps(stored), encoding="utf-8")


def _set(key: str, value: Any) -> Any:
    return lambda stored: stored.__setitem__(key, value)


HOSTILE = {
    "garbage": b"\x80\x81 not json",
    "empty": b"",
    "a list": b"[]",
    "nested without end": b"[" * 100_000 + b"]" * 100_000,
    "a pickle": b"\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94.",
}
FORGED = {
    "another key": _set("key", "0" * 64),
    "another format": _set("format", 99),
    "offsets past the text": lambda s: s["values"][0].__setitem__(3, 10**9),
    "negative offsets": lambda s: s["keys"][0].__setitem__(1, -1),
    "a path part that is a float": lambda s: s["values"][1].__setitem__(1, 1.5),
    "a parent that comes later": lambda s: s["values"][1].__setitem__(0, 5),
    "a second root": lambda s: s["values"][1].__setitem__(0, -1),
    "a key of no value": lambda s: s["keys"][0].__setitem__(0, 10**6),
    "an unknown tag": _set("data", ["x", "1"]),
    "a float that is no number": _set("data", ["f", "one"]),
    "a date that is no date": _set("data", ["d", "2024-02-30"]),
    "an empty list": _set("data", {"references": []}),
    "a line of zero": lambda s: s["problems"][0].__setitem__(1, 0),
    "a problem without a message": lambda s: s["problems"][0].pop(),
}


def _deep(levels: int) -> Any:
    value: Any = None
    for _ in range(levels):
        value = ["l", value]
    return value


FORGED["data nested too deep"] = _set("data", _deep(200))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_entry_is_ignored(tmp_path: Path, name: str) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)
    entry = _entry(cache)
    entry.write_bytes(HOSTILE[name])
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))  # rewritten


@pytest.mark.parametrize("name", sorted(FORGED))
def test_a_forged_entry_is_ignored(tmp_path: Path, name: str) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)
    _forge(_entry(cache), FORGED[name])
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))


def test_a_link_or_a_fifo_in_the_entrys_place_is_neither_followed_nor_written(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, MAX_FILE_BYTES, cache)
    entry = _entry(cache)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    entry.unlink()
    entry.symlink_to(victim)
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert entry.is_symlink()
    entry.unlink()
    os.mkfifo(entry)
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))  # no hang
    entry.unlink()
    entry.symlink_to("/dev/zero")
    _same(load_bibliography(bib, MAX_FILE_BYTES, cache), load_file(bib))


def test_an_oversized_entry_is_not_read_whole(tmp_path: Path) -> None:
    bib = tmp_path / "references.yaml"
    bib.write_text(BIBLIOGRAPHY, encoding="utf-8")
    cache = tmp_path / "cache"
    load_bibliography(bib, 1000, cache)
    entry = _entry(cache)
    stored = entry.read_text(encoding="utf-8")
    entry.write_text(stored + " " * (parsed_cache.MAX_ENTRY_FACTOR * 1000), encoding="utf-8")
    _same(load_bibliography(bib, 1000, cache), load_file(bib, 1000))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.dates(),
    # YAML never writes the second of two ambiguous local times (fold=1)
    st.datetimes().map(lambda d: d.replace(fold=0)),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.replace(fold=0)),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_every_value_the_loader_makes_comes_back_with_its_type(value: Any) -> None:
    loaded = LoadedYaml(text="x", data=value)
    back = parsed_cache.decode(json.loads(parsed_cache.encode(loaded, "k")), "k", "x")
    assert repr(back.data) == repr(value)


def test_bibliography_findings_are_the_same_parsed_or_cached(tree: Tree) -> None:
    tree.write("evidencelint.toml", 'bibliographies = ["content/references.yaml"]\n')
    tree.write("content/references.yaml", BIBLIOGRAPHY)
    tree.write(
        "content/page.yaml",
        """\
        id: page
        title: Acupuncture
        status: published
        last_reviewed: 2026-01-10
        claims:
          - id: c1
            text: Acupuncture reduced chronic pain [@smith2020; Smith 2020; @broken].
        references: {}
        """,
    )
    cache = str(tree.root / "cache")
    parsed = run(tree.root, "--offline", EVIDENCELINT_CACHE_DIR=cache)
    assert (tree.root / "cache" / FOLDER).is_dir()
    cached = run(tree.root, "--offline", EVIDENCELINT_CACHE_DIR=cache)
    assert cached.findings == parsed.findings
    assert {f["name"] for f in parsed.findings} >= {"duplicate-key", "schema"}
    uncached = run(tree.root, "--offline", "--no-cache", EVIDENCELINT_CACHE_DIR=cache)
    assert uncached.findings == parsed.findings
    one_page = [_one_page(tree.root, cache, *options) for options in [(), (), ("--no-cache",)]]
    assert one_page[0] == one_page[1] == one_page[2]
    assert {f["name"] for f in one_page[0]} >= {"citation-unresolved"}


def _one_page(root: Path, cache: str, *options: str) -> list[dict[str, Any]]:
    """What a pre-commit hook runs: one page, the bibliography not among the files."""
    done = subprocess.run(
        [
            sys.executable, "-m", "evidencelint", "check", "content/page.yaml", "--offline",
            "--format", "json", "--today", "2026-11-21", *options,
        ],
        cwd=root,
        env=dict(os.environ, EVIDENCELINT_CACHE_DIR=cache),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings
