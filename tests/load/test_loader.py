"""The positioned YAML loader: every broken file becomes a finding at the right place.

Each case is checked twice where it matters: directly through `load_text`/`load_bytes`,
and through a whole run next to a good page, which must still be checked and stay clean
(one broken file never stops the run).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from evidencelint.config import Config
from evidencelint.findings import Finding, Position
from evidencelint.load.yaml_loader import (
    MAX_DEPTH,
    MAX_NODES,
    LoadedYaml,
    _Loader,
    load_bytes,
    load_text,
)
from evidencelint.run.check import run_check
from tests.helpers import MINIMAL_PAGE, TODAY, SyntaxOnly, Tree, names

GOOD = "content/good.yaml"
BAD = "content/bad.yaml"
# MINIMAL_PAGE under another id, so that it does not clash with the good page.
PAGE = MINIMAL_PAGE.replace("id: minimal-page", "id: page-under-test")


def _problems(loaded: LoadedYaml) -> list[tuple[str, int, int]]:
    return [(p.name, p.position.line, p.position.column) for p in loaded.problems]


def _assert_good_page_checked(tree: Tree, findings: list[Finding], pages_ids: set[str]) -> None:
    good = str(tree.root / GOOD)
    assert [f for f in findings if f.path == good] == []
    assert "minimal-page" in pages_ids


def _check_bad_file(tree: Tree, text: str | None = None, raw: bytes | None = None) -> list[Finding]:
    """Check a bad file next to a good page; return the bad file's findings."""
    tree.write(GOOD, MINIMAL_PAGE)
    if raw is not None:
        tree.write_bytes(BAD, raw)
    else:
        assert text is not None
        # write_bytes: the text is written exactly as given (no dedent, no newline change).
        tree.write_bytes(BAD, text.encode("utf-8"))
    result = tree.check()
    _assert_good_page_checked(tree, result.findings, {p.id for p in result.pages})
    assert result.files == 2
    bad = str(tree.root / BAD)
    return [f for f in result.findings if f.path == bad]


def _single(findings: list[Finding], name: str, line: int, column: int) -> Finding:
    assert [(f.name, f.line, f.column) for f in findings] == [(name, line, column)], findings
    return findings[0]


# --- invalid YAML -----------------------------------------------------------------------

UNCLOSED_BRACKET = "id: broken\ntitle: [Acupuncture, migraine\nstatus: draft\n"
COLON_IN_VALUE = "id: broken\ntitle: Acupuncture: what you need to know\n"
TAB_INDENT = "id: broken\nclaims:\n\t- id: a\n"
TWO_DOCUMENTS = "id: one\ntitle: One\n---\nid: two\n"
UNDEFINED_ALIAS = "id: broken\ntitle: *x\n"


def test_unclosed_bracket_is_yaml_syntax_where_the_parser_stops(tree: Tree) -> None:
    # libyaml notices the missing ']' at the next mapping value, line 3 column 7.
    assert _problems(load_text(UNCLOSED_BRACKET)) == [("yaml-syntax", 3, 7)]
    finding = _single(_check_bad_file(tree, UNCLOSED_BRACKET), "yaml-syntax", 3, 7)
    assert "flow sequence" in finding.message


def test_colon_in_plain_value_is_yaml_syntax_with_quote_hint(tree: Tree) -> None:
    assert _problems(load_text(COLON_IN_VALUE)) == [("yaml-syntax", 2, 19)]
    finding = _single(_check_bad_file(tree, COLON_IN_VALUE), "yaml-syntax", 2, 19)
    assert "': '" in finding.message
    assert "quotes" in finding.message


def test_tab_indentation_is_yaml_syntax_at_the_tab(tree: Tree) -> None:
    assert _problems(load_text(TAB_INDENT)) == [("yaml-syntax", 3, 1)]
    _single(_check_bad_file(tree, TAB_INDENT), "yaml-syntax", 3, 1)


def test_tab_indentation_message_says_to_use_spaces() -> None:
    message = load_text(TAB_INDENT).problems[0].message
    assert "tab" in message
    assert "spaces" in message


def test_two_documents_are_yaml_syntax_at_the_separator(tree: Tree) -> None:
    assert _problems(load_text(TWO_DOCUMENTS)) == [("yaml-syntax", 3, 1)]
    finding = _single(_check_bad_file(tree, TWO_DOCUMENTS), "yaml-syntax", 3, 1)
    assert "more than one YAML document" in finding.message
    assert "own file" in finding.message


def test_undefined_alias_is_yaml_syntax_with_quote_hint(tree: Tree) -> None:
    assert _problems(load_text(UNDEFINED_ALIAS)) == [("yaml-syntax", 2, 8)]
    finding = _single(_check_bad_file(tree, UNDEFINED_ALIAS), "yaml-syntax", 2, 8)
    assert "alias" in finding.message
    assert "quotes" in finding.message


def test_crlf_line_endings_keep_positions() -> None:
    text = COLON_IN_VALUE.replace("\n", "\r\n")
    assert _problems(load_text(text)) == [("yaml-syntax", 2, 19)]


# --- duplicate keys ---------------------------------------------------------------------


def test_duplicate_top_level_key_is_reported_at_second_occurrence(tree: Tree) -> None:
    text = PAGE.replace("status: published\n", "status: published\ntitle: Another title\n")
    loaded = load_text(text)
    assert _problems(loaded) == [("duplicate-key", 4, 1)]
    assert loaded.usable
    finding = _single(_check_bad_file(tree, text), "duplicate-key", 4, 1)
    assert "'title'" in finding.message
    assert "first at line 2" in finding.message


def test_duplicate_key_in_claim_is_reported_at_second_occurrence(tree: Tree) -> None:
    text = PAGE.replace(
        "[He 2022].\n", "[He 2022].\n    text: Acupuncture reduced symptoms [He 2022].\n"
    )
    assert _problems(load_text(text)) == [("duplicate-key", 8, 5)]
    finding = _single(_check_bad_file(tree, text), "duplicate-key", 8, 5)
    assert "'text'" in finding.message
    assert "first at line 7" in finding.message


def test_duplicate_key_in_reference_is_reported_at_second_occurrence(tree: Tree) -> None:
    text = PAGE.replace('    pages: "58"\n', '    pages: "58"\n    journal: Eur J Med Res\n')
    assert _problems(load_text(text)) == [("duplicate-key", 18, 5)]
    finding = _single(_check_bad_file(tree, text), "duplicate-key", 18, 5)
    assert "'journal'" in finding.message
    assert "first at line 13" in finding.message


def test_duplicate_key_source_map_points_at_the_kept_value() -> None:
    loaded = load_text("id: a\ntitle: first\nstatus: draft\ntitle: second\n")
    assert loaded.data["title"] == "second"
    assert loaded.source.value(("title",)) == Position(4, 8)
    assert loaded.source.key(("title",)) == Position(4, 1)


def test_duplicate_key_in_nested_mapping_drops_stale_positions() -> None:
    text = "a:\n  b: 1\n  c: 2\na:\n  b: 3\n"
    loaded = load_text(text)
    assert loaded.data == {"a": {"b": 3}}
    assert ("a", "c") not in loaded.source.values
    assert loaded.source.value(("a", "b")) == Position(5, 6)


# --- empty files, encodings, NUL ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"", b"\n\n", b"# only a comment\n# and another\n"],
    ids=["empty", "blank-lines", "comments"],
)
def test_empty_file_is_schema_at_1_1(tree: Tree, raw: bytes) -> None:
    assert _problems(load_bytes(raw)) == [("schema", 1, 1)]
    finding = _single(_check_bad_file(tree, raw=raw), "schema", 1, 1)
    assert "empty" in finding.message


@pytest.mark.parametrize("raw", [b"---\n", b"# header\n---\n...\n", b"~\n"])
def test_null_document_is_schema_at_1_1(tree: Tree, raw: bytes) -> None:
    assert _problems(load_bytes(raw)) == [("schema", 1, 1)]
    _single(_check_bad_file(tree, raw=raw), "schema", 1, 1)


def test_null_document_message_says_the_file_is_empty(tree: Tree) -> None:
    finding = _single(_check_bad_file(tree, raw=b"---\n"), "schema", 1, 1)
    assert "None" not in finding.message
    assert "empty" in finding.message


def test_non_utf8_byte_is_yaml_syntax_at_the_byte() -> None:
    assert _problems(load_bytes(b"id: caf\xe9\n")) == [("yaml-syntax", 1, 8)]


def test_non_utf8_byte_on_a_later_line_is_yaml_syntax_at_the_byte(tree: Tree) -> None:
    raw = b"id: cafe\ntitle: Caf\xe9 au lait\n"
    assert _problems(load_bytes(raw)) == [("yaml-syntax", 2, 11)]
    finding = _single(_check_bad_file(tree, raw=raw), "yaml-syntax", 2, 11)
    assert "0xe9" in finding.message
    assert "UTF-8" in finding.message


def test_utf8_bom_is_accepted(tree: Tree) -> None:
    raw = b"\xef\xbb\xbf" + PAGE.encode("utf-8")
    loaded = load_bytes(raw)
    assert loaded.problems == []
    assert loaded.data["id"] == "page-under-test"
    assert _check_bad_file(tree, raw=raw) == []


def test_utf8_bom_does_not_shift_columns_on_line_1(tree: Tree) -> None:
    raw = b"\xef\xbb\xbf" + PAGE.replace("id: page-under-test", "id: Page Under Test").encode()
    finding = _single(_check_bad_file(tree, raw=raw), "schema", 1, 5)
    assert "slug" in finding.message


def test_nul_character_is_yaml_syntax_at_the_nul(tree: Tree) -> None:
    text = "id: broken\ntitle: a\x00b\n"
    assert _problems(load_text(text)) == [("yaml-syntax", 2, 9)]
    finding = _single(_check_bad_file(tree, text), "yaml-syntax", 2, 9)
    assert "NUL" in finding.message


# --- not a mapping --------------------------------------------------------------------------


def test_top_level_list_is_schema(tree: Tree) -> None:
    text = "- id: a\n- id: b\n"
    assert load_text(text).problems == []
    finding = _single(_check_bad_file(tree, text), "schema", 1, 1)
    assert "mapping" in finding.message
    assert "a list" in finding.message


def test_top_level_scalar_is_schema(tree: Tree) -> None:
    finding = _single(_check_bad_file(tree, "just some words\n"), "schema", 1, 1)
    assert "mapping" in finding.message
    assert "just some words" in finding.message


def test_non_scalar_key_is_schema_at_the_key(tree: Tree) -> None:
    text = PAGE.replace("status: published\n", "status: published\n? [a, b]\n: c\n")
    assert _problems(load_text(text)) == [("schema", 4, 3)]
    finding = _single(_check_bad_file(tree, text), "schema", 4, 3)
    assert "key" in finding.message


# --- resource limits ------------------------------------------------------------------------


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_as_schema(tree: Tree) -> None:
    # 9**9 values if expanded; the loader stops after MAX_NODES instead of hanging.
    loaded = load_text(_billion_laughs())
    assert loaded.data is None
    assert [p.name for p in loaded.problems] == ["schema"]
    assert str(MAX_NODES) in loaded.problems[0].message
    assert "aliases" in loaded.problems[0].message
    findings = _check_bad_file(tree, _billion_laughs())
    assert names(findings) == ["schema"]
    position = loaded.problems[0].position
    assert 1 <= position.line <= 9  # inside the nine lines of the file
    assert (findings[0].line, findings[0].column) == (position.line, position.column)


def test_a_few_aliases_are_fine() -> None:
    loaded = load_text("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert loaded.problems == []
    assert loaded.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_deep_nesting_is_a_finding_not_an_exception(tree: Tree) -> None:
    text = "id: deep\nclaims: " + "[" * 1000 + "]" * 1000 + "\n"
    loaded = load_text(text)
    assert loaded.data is None
    assert [p.name for p in loaded.problems] == ["schema"]
    assert f"{MAX_DEPTH} levels" in loaded.problems[0].message
    # The first value nested too deep: the 65th '[' after "claims: ".
    assert _problems(loaded) == [("schema", 2, 8 + MAX_DEPTH + 1)]
    _single(_check_bad_file(tree, text), "schema", 2, 8 + MAX_DEPTH + 1)


def test_deep_unclosed_nesting_is_refused_at_the_first_level_too_deep() -> None:
    # Unclosed *and* too deep: libyaml 0.2.5 stops at the end of the text, 0.2.6 at its
    # own limit of 1,000 levels. Either way the finding is ours, at the first value too
    # deep: the top-level list is level 0, so the 66th '['.
    loaded = load_text("[" * 1000)
    assert _problems(loaded) == [("schema", 1, MAX_DEPTH + 2)]
    assert f"{MAX_DEPTH} levels" in loaded.problems[0].message


@pytest.mark.parametrize("levels", [999, 1000, 1001, 5000])
def test_nesting_past_any_parser_limit_gives_the_same_finding(levels: int) -> None:
    # libyaml 0.2.6 refuses from 1,000 levels on with a message of its own; below its
    # limit our builder refuses; past 2,000 brackets the event pre-scan does. The finding
    # must not depend on which stops first: the 65th '[' under the top-level mapping.
    loaded = load_text("a: " + "[" * levels + "]" * levels + "\n")
    assert _problems(loaded) == [("schema", 1, 3 + MAX_DEPTH + 1)]


def test_an_ordinary_syntax_error_stays_yaml_syntax() -> None:
    loaded = load_text("a: [1, 2\nb: 3\n")
    assert [p.name for p in loaded.problems] == ["yaml-syntax"]


def test_nesting_at_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 1  # the top-level mapping is depth 0, its value depth 1
    loaded = load_text("a: " + "[" * depth + "]" * depth + "\n")
    assert loaded.problems == []


def test_very_deep_nesting_does_not_crash_the_process() -> None:
    code = (
        "from evidencelint.load.yaml_loader import load_text\n"
        "r = load_text('a: ' + '[' * 100000 + ']' * 100000)\n"
        "print(r.problems[0].name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() in {"schema", "yaml-syntax"}


def _config_with_limit(tree: Tree, max_file_bytes: int) -> Config:
    return dataclasses.replace(tree.config(), max_file_bytes=max_file_bytes)


def test_file_larger_than_the_limit_is_schema_naming_the_size(tree: Tree) -> None:
    tree.write(GOOD, MINIMAL_PAGE)
    padding = "# " + "x" * 98 + "\n"
    tree.write_bytes(BAD, (PAGE + padding * 15_000).encode())  # about 1.5 MB
    config = _config_with_limit(tree, 1024 * 1024)
    result = run_check([str(tree.root / "content")], config, TODAY, SyntaxOnly())
    _assert_good_page_checked(tree, result.findings, {p.id for p in result.pages})
    finding = _single(result.findings, "schema", 1, 1)
    assert finding.path == str(tree.root / BAD)
    assert "1.4 MB" in finding.message
    assert "larger than the 1.0 MB allowed" in finding.message
    assert "split" in finding.message


def test_load_bytes_refuses_more_than_max_bytes() -> None:
    loaded = load_bytes(b"id: x\n" + b"#" * 5000 + b"\n", max_bytes=4096)
    assert _problems(loaded) == [("schema", 1, 1)]
    assert "4 KB" in loaded.problems[0].message


def test_file_at_the_limit_is_read(tree: Tree) -> None:
    raw = PAGE.encode()
    tree.write(GOOD, MINIMAL_PAGE)
    tree.write_bytes(BAD, raw)
    result = run_check(
        [str(tree.root / "content")], _config_with_limit(tree, len(raw)), TODAY, SyntaxOnly()
    )
    assert result.findings == []
    assert len(result.pages) == 2


def test_size_message_is_meaningful_for_a_small_configured_limit(tree: Tree) -> None:
    tree.write(GOOD, MINIMAL_PAGE)
    tree.write_bytes(BAD, PAGE.encode() + b"#" * 3000 + b"\n")
    result = run_check(
        [str(tree.root / "content")], _config_with_limit(tree, 1000), TODAY, SyntaxOnly()
    )
    finding = _single([f for f in result.findings if f.path.endswith("bad.yaml")], "schema", 1, 1)
    assert "0.0 MB" not in finding.message
    assert " 0 KB" not in finding.message


# --- tags and values -----------------------------------------------------------------------


def test_python_tags_never_execute(tree: Tree, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        "id: python-tags\n"
        f'title: !!python/object/apply:os.mkdir ["{marker}"]\n'
        "status: draft\n"
        "publisher: !!python/name:os.system\n"
        "claims:\n"
        "  - !!python/object:subprocess.Popen {args: [touch, pwned]}\n"
    )
    loaded = load_text(text)
    assert not marker.exists()
    assert loaded.problems == []

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool | dt.date)

    assert plain(loaded.data)
    findings = _check_bad_file(tree, text)
    assert not marker.exists()
    assert findings, "a list title, an empty publisher and a claim without id are errors"
    assert {f.name for f in findings} == {"schema"}
    assert (2, 8) in {(f.line, f.column) for f in findings}


@pytest.mark.parametrize(
    ("value", "line", "column"),
    [
        ("status: !!bool maybe", 3, 9),
        ("status: !!bool", 3, 9),
        ("published: !!timestamp soon", 4, 12),
        ("published: !!int _", 4, 12),
        ("published: !!float", 4, 12),
    ],
)
def test_core_tag_with_bad_value_is_a_finding(
    tree: Tree, value: str, line: int, column: int
) -> None:
    text = "id: tagged\ntitle: Tagged\nstatus: draft\npublished: 2020-01-01\nclaims: []\n"
    key = value.split(":")[0]
    text = "\n".join(value if ln.startswith(f"{key}:") else ln for ln in text.split("\n"))
    findings = _check_bad_file(tree, text)
    assert findings
    assert {f.name for f in findings} <= {"schema", "yaml-syntax"}
    assert (line, column) in {(f.line, f.column) for f in findings}


def test_impossible_date_is_schema_at_the_value(tree: Tree) -> None:
    text = PAGE.replace("last_reviewed: 2026-01-10", "last_reviewed: 2023-02-30")
    loaded = load_text(text)
    assert loaded.problems == []
    assert loaded.data["last_reviewed"] == "2023-02-30"
    finding = _single(_check_bad_file(tree, text), "schema", 4, 16)
    assert "2023-02-30" in finding.message
    assert "not a real calendar date" in finding.message


def test_impossible_date_in_a_claim_is_schema_at_the_value(tree: Tree) -> None:
    text = PAGE.replace(
        "  - id: fewer-symptoms\n", "  - id: fewer-symptoms\n    last_reviewed: 2025-13-01\n"
    )
    finding = _single(_check_bad_file(tree, text), "schema", 7, 20)
    assert "not a real calendar date" in finding.message


def test_unicode_line_separator_in_a_value_does_not_shift_positions(tree: Tree) -> None:
    text = PAGE.replace(
        "title: Acupuncture for migraine", 'title: "Acupuncture\u2028for migraine"'
    ).replace("status: published", "status: live")
    _single(_check_bad_file(tree, text), "schema", 3, 9)


# --- the source map -------------------------------------------------------------------------


def test_source_map_gives_positions_of_nested_values() -> None:
    loaded = load_text(MINIMAL_PAGE)
    source = loaded.source
    assert loaded.problems == []
    assert source.value(()) == Position(1, 1)
    assert source.value(("id",)) == Position(1, 5)
    assert source.key(("title",)) == Position(2, 1)
    assert source.value(("claims",)) == Position(6, 3)
    assert source.value(("claims", 0)) == Position(6, 5)
    assert source.value(("claims", 0, "id")) == Position(6, 9)
    assert source.value(("claims", 0, "text")) == Position(7, 11)
    assert source.key(("references", "he2022allergicrhinitis")) == Position(9, 3)
    assert source.value(("references", "he2022allergicrhinitis", "authors", 1)) == Position(11, 21)
    assert source.value(("references", "he2022allergicrhinitis", "title")) == Position(12, 12)
    assert source.value(("references", "he2022allergicrhinitis", "doi")) == Position(18, 10)


def test_source_map_falls_back_to_the_nearest_existing_ancestor() -> None:
    source = load_text(MINIMAL_PAGE).source
    assert source.value(("claims", 0, "cites", 3)) == Position(6, 5)
    assert source.key(("claims", 0, "missing")) == Position(6, 5)
    assert source.value(("nowhere", 1, 2)) == Position(1, 1)


def test_source_map_spans_cover_the_value_text() -> None:
    loaded = load_text(MINIMAL_PAGE)
    span = loaded.source.span(("claims", 0, "text"))
    assert span is not None
    assert loaded.text[span.start : span.end] == (
        "Acupuncture reduced allergic rhinitis symptoms in adults [He 2022]."
    )


def test_source_map_positions_after_multibyte_characters() -> None:
    loaded = load_text("title: Akupunktur – Schmerz\nid: x\nnote: «é» é\n")
    assert loaded.source.value(("note",)) == Position(3, 7)
    assert loaded.data["title"] == "Akupunktur – Schmerz"


def test_load_text_of_a_real_content_file_has_no_problems() -> None:
    content = Path(__file__).resolve().parents[2] / "content"
    for path in sorted(content.glob("*.yaml")):
        loaded = load_bytes(path.read_bytes())
        assert loaded.problems == [], path
        assert loaded.usable
        assert isinstance(loaded.data, dict)
        assert loaded.source.value(("id",)).line >= 1


@given(
    value=st.one_of(
        st.text(max_size=12),
        st.sampled_from(["~", "null", "Yes", "off", "0x1F", "0o17", "1_000", "-.Inf", "<<", "="]),
        st.dates().map(str),
        st.floats(allow_nan=True).map(str),
        st.integers().map(str),
    ),
    plain=st.booleans(),
)
def test_lean_tag_resolution_gives_the_stock_loaders_tags(value: str, plain: bool) -> None:
    implicit = (plain, not plain)
    stock = yaml.CSafeLoader("").resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    assert _Loader("").resolve(yaml.ScalarNode, value, implicit) == stock
