"""`schema` findings: where they point and what they tell an editor; the JSON Schema files."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from evidencelint.content import schema as schema_export
from evidencelint.findings import Finding
from tests.helpers import MINIMAL_PAGE, Tree, names, only

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "schema"
CONTENT_FILES = sorted((REPO / "content").rglob("*.y*ml"))

GOOD = "content/good.yaml"
BAD = "content/bad.yaml"
# MINIMAL_PAGE under another id, so that it can sit next to the good page. Lines:
#  1 id: page-under-test             8 references:
#  2 title: Acupuncture for migraine  9   he2022allergicrhinitis:
#  3 status: published               10     type: systematic-review
#  4 last_reviewed: 2026-01-10       11     authors: [He M, Qin W, Qin Z, Zhao C]
#  5 claims:                         12     title: "Acupuncture for allergic rhinitis: ..."
#  6   - id: fewer-symptoms          13     journal: Eur J Med Res
#  7     text: Acupuncture ... [He 2022].   14 year, 15 volume, 16 issue, 17 pages, 18 doi
PAGE = MINIMAL_PAGE.replace("id: minimal-page", "id: page-under-test")
BY_KEY = PAGE.replace("[He 2022]", "[@he2022allergicrhinitis]")


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _check(tree: Tree, text: str) -> list[Finding]:
    """Check `text` next to a good page; the good page must stay clean."""
    tree.write(GOOD, MINIMAL_PAGE)
    tree.write_bytes(BAD, text.encode("utf-8"))
    result = tree.check()
    assert [f for f in result.findings if f.path.endswith("good.yaml")] == []
    assert "minimal-page" in {p.id for p in result.pages}
    return [f for f in result.findings if f.path.endswith("bad.yaml")]


def _single_schema(findings: list[Finding], line: int, column: int) -> str:
    assert [(f.name, f.line, f.column) for f in findings] == [("schema", line, column)], findings
    return findings[0].message


# --- required fields ----------------------------------------------------------------------


def test_missing_page_title_is_reported_at_the_page_mapping(tree: Tree) -> None:
    text = _replace(PAGE, "title: Acupuncture for migraine\n", "")
    message = _single_schema(_check(tree, text), 1, 1)
    assert "missing required field `title`" in message


def test_missing_page_field_after_a_header_comment_points_at_the_first_key(tree: Tree) -> None:
    header = "# yaml-language-server: $schema=../schema/page.schema.json\n"
    text = header + _replace(PAGE, "status: published\n", "")
    message = _single_schema(_check(tree, text), 2, 1)
    assert "missing required field `status`" in message


def test_missing_claim_text_is_reported_at_the_claim_mapping(tree: Tree) -> None:
    text = _replace(
        PAGE, "    text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].\n", ""
    )
    message = _single_schema(_check(tree, text), 6, 5)
    assert "missing required field `text`" in message
    assert "claim" in message


def test_missing_reference_type_names_the_reference(tree: Tree) -> None:
    text = PAGE + "  other:\n    title: Other\n    url: https://example.org/other\n"
    message = _single_schema(_check(tree, text), 20, 5)
    assert "missing required field `type`" in message
    assert "'other'" in message


# --- unknown fields -------------------------------------------------------------------------


def test_unknown_page_field_is_reported_at_the_key_with_suggestion(tree: Tree) -> None:
    text = _replace(PAGE, "last_reviewed:", "last_reviwed:")
    message = _single_schema(_check(tree, text), 4, 1)
    assert "unknown field `last_reviwed`" in message
    assert "did you mean `last_reviewed`?" in message


def test_unknown_claim_field_suggests_the_claim_field(tree: Tree) -> None:
    text = _replace(BY_KEY, "  - id: fewer-symptoms\n", "  - id: fewer-symptoms\n    cite: [x]\n")
    message = _single_schema(_check(tree, text), 7, 5)
    assert "did you mean `cites`?" in message
    assert "allowed here: id, text, cites" in message


def test_unknown_reference_field_suggests_the_reference_field(tree: Tree) -> None:
    text = _replace(BY_KEY, "    journal:", "    jounral:")
    message = _single_schema(_check(tree, text), 13, 5)
    assert "unknown field `jounral`" in message
    assert "did you mean `journal`?" in message


def test_unknown_field_in_ignore_entry_suggests_reason(tree: Tree) -> None:
    text = _replace(
        BY_KEY,
        "    text: Acupuncture",
        "    ignore: [{rule: evidence-old, reson: trial is current}]\n    text: Acupuncture",
    )
    findings = _check(tree, text)
    unknown = [f for f in findings if "unknown field" in f.message]
    assert [(f.line, f.column) for f in unknown] == [(7, 35)]
    assert "did you mean `reason`?" in unknown[0].message
    assert "allowed here: rule, reason" in unknown[0].message


# --- values of the wrong form ----------------------------------------------------------------


def test_unknown_status_lists_allowed_values(tree: Tree) -> None:
    message = _single_schema(
        _check(tree, _replace(PAGE, "status: published", "status: live")), 3, 9
    )
    for allowed in ("draft", "in-review", "published", "archived"):
        assert f"'{allowed}'" in message
    assert "'live'" in message


@pytest.mark.parametrize("value", ["05/16/2023", '"2023"', "2023", "16 May 2023", "2023-5-16"])
def test_last_reviewed_in_another_form_asks_for_iso_date(tree: Tree, value: str) -> None:
    text = _replace(PAGE, "last_reviewed: 2026-01-10", f"last_reviewed: {value}")
    message = _single_schema(_check(tree, text), 4, 16)
    assert "`last_reviewed`" in message
    assert "YYYY-MM-DD" in message


def test_date_with_time_is_refused(tree: Tree) -> None:
    text = _replace(PAGE, "last_reviewed: 2026-01-10", "last_reviewed: 2026-01-10 09:30:00")
    message = _single_schema(_check(tree, text), 4, 16)
    assert "without a time" in message


def test_page_id_that_is_not_a_slug_gets_slug_message(tree: Tree) -> None:
    message = _single_schema(
        _check(tree, _replace(PAGE, "id: page-under-test", "id: Page Under Test")), 1, 5
    )
    assert "slug" in message
    assert "lower-case letters, digits and hyphens" in message
    assert "'Page Under Test'" in message


def test_claim_id_that_is_not_a_slug_gets_slug_message(tree: Tree) -> None:
    message = _single_schema(
        _check(tree, _replace(BY_KEY, "id: fewer-symptoms", "id: Fewer_Symptoms")), 6, 9
    )
    assert "slug" in message


def test_reference_key_with_space_is_reported_at_the_key(tree: Tree) -> None:
    text = PAGE + "  bad key:\n    type: web-page\n    title: X\n    url: https://example.org\n"
    message = _single_schema(_check(tree, text), 19, 3)
    assert "'bad key'" in message
    assert "letters, digits and _ . : -" in message


def test_cites_entry_with_space_is_reported_at_the_entry(tree: Tree) -> None:
    text = _replace(PAGE, "    text: Acupuncture", "    cites: [he 2022]\n    text: Acupuncture")
    message = _single_schema(_check(tree, text), 7, 13)
    assert "'he 2022'" in message


def test_yaml_boolean_title_tells_to_quote(tree: Tree) -> None:
    text = _replace(PAGE, "title: Acupuncture for migraine", "title: yes")
    message = _single_schema(_check(tree, text), 2, 8)
    assert "`title` must be text" in message
    assert "quotes" in message


def test_empty_title_is_reported(tree: Tree) -> None:
    message = _single_schema(
        _check(tree, _replace(PAGE, "title: Acupuncture for migraine", 'title: ""')), 2, 8
    )
    assert "must not be empty" in message


def test_missing_title_value_says_the_value_is_empty(tree: Tree) -> None:
    message = _single_schema(
        _check(tree, _replace(PAGE, "title: Acupuncture for migraine", "title:")), 2, 7
    )
    assert "empty" in message


def test_non_web_url_gets_web_address_message(tree: Tree) -> None:
    text = _replace(PAGE, "status: published\n", "status: published\nurl: ftp://x\n")
    message = _single_schema(_check(tree, text), 4, 6)
    assert "web address" in message
    assert "http://" in message
    assert "'ftp://x'" in message


def test_claims_given_as_mapping_asks_for_a_list(tree: Tree) -> None:
    text = "id: page-under-test\ntitle: T\nstatus: draft\nclaims:\n  id: a\n  text: b\n"
    message = _single_schema(_check(tree, text), 5, 3)
    assert "`claims` must be a list" in message


def test_reference_year_out_of_range_asks_for_four_digits(tree: Tree) -> None:
    message = _single_schema(_check(tree, _replace(BY_KEY, "year: 2022", "year: 22")), 14, 11)
    assert "four-digit year" in message


def test_unknown_evidence_level_lists_allowed_values(tree: Tree) -> None:
    text = _replace(PAGE, "    text: Acu", "    evidence: strong\n    text: Acu")
    message = _single_schema(_check(tree, text), 7, 15)
    assert "'very-low'" in message


# --- type-specific requirements ---------------------------------------------------------------


def test_journal_article_without_doi_or_no_doi_is_one_finding_naming_doi(tree: Tree) -> None:
    text = _replace(BY_KEY, "    doi: 10.1186/s40001-022-00682-3\n", "").replace(
        "type: systematic-review", "type: journal-article"
    )
    message = _single_schema(_check(tree, text), 10, 5)
    assert "journal-article" in message
    assert "`doi`" in message
    assert "`no_doi`" in message


def test_journal_article_with_no_doi_reason_is_fine(tree: Tree) -> None:
    text = _replace(
        PAGE,
        "    doi: 10.1186/s40001-022-00682-3\n",
        "    no_doi: conference abstract, never registered\n",
    )
    assert _check(tree, text) == []


def test_web_page_without_url_is_reported_at_the_reference(tree: Tree) -> None:
    text = PAGE + "  nccih:\n    type: web-page\n    title: Acupuncture\n"
    message = _single_schema(_check(tree, text), 20, 5)
    assert "web-page" in message
    assert "`url`" in message


def test_book_without_authors_and_year_names_both(tree: Tree) -> None:
    text = PAGE + "  handbook:\n    type: book\n    title: A handbook\n"
    message = _single_schema(_check(tree, text), 20, 5)
    assert "`authors` and `year`" in message


def test_published_page_without_claims_is_reported(tree: Tree) -> None:
    text = (
        "id: page-under-test\ntitle: T\nstatus: published\nlast_reviewed: 2026-01-10\nclaims: []\n"
    )
    findings = _check(tree, text)
    assert names(findings) == ["schema"]
    assert "a published page needs at least one claim" in findings[0].message


def test_draft_page_without_claims_is_fine(tree: Tree) -> None:
    assert _check(tree, "id: page-under-test\ntitle: T\nstatus: draft\nclaims: []\n") == []


def test_published_page_without_claims_points_at_claims(tree: Tree) -> None:
    text = (
        "id: page-under-test\ntitle: T\nstatus: published\nlast_reviewed: 2026-01-10\nclaims: []\n"
    )
    _single_schema(_check(tree, text), 5, 9)


# --- ignore entries ---------------------------------------------------------------------------


def test_ignore_with_unknown_rule_name_is_reported_at_the_rule(tree: Tree) -> None:
    text = _replace(
        PAGE,
        "    text: Acupuncture",
        "    ignore: [{rule: no-such-rule, reason: because}]\n    text: Acupuncture",
    )
    message = _single_schema(_check(tree, text), 7, 21)
    assert "'no-such-rule' is not a finding name" in message


def test_ignore_without_reason_is_reported_at_the_entry(tree: Tree) -> None:
    text = _replace(
        PAGE, "    text: Acupuncture", "    ignore: [{rule: evidence-old}]\n    text: Acupuncture"
    )
    message = _single_schema(_check(tree, text), 7, 14)
    assert "missing required field `reason`" in message


def test_ignore_without_reason_message_names_the_ignore_entry(tree: Tree) -> None:
    text = _replace(
        PAGE, "    text: Acupuncture", "    ignore: [{rule: evidence-old}]\n    text: Acupuncture"
    )
    message = _single_schema(_check(tree, text), 7, 14)
    assert "ignore" in message
    assert "in this claim" not in message


def test_ignore_with_reason_suppresses_the_finding(tree: Tree) -> None:
    text = _replace(
        PAGE,
        "    text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].\n",
        "    text: Acupuncture needles are thin.\n"
        "    cites: [he2022allergicrhinitis]\n"
        "    ignore: [{rule: evidence-old, reason: no newer review exists}]\n",
    )
    assert _check(tree, text) == []


# --- union fields and numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "got"),
    [("true", "got true"), ("{name: Dr A}", "got a mapping")],
)
def test_reviewed_by_of_wrong_type_is_one_finding(tree: Tree, value: str, got: str) -> None:
    text = _replace(PAGE, "status: published\n", f"status: published\nreviewed_by: {value}\n")
    message = _single_schema(_check(tree, text), 4, 14)
    assert "`reviewed_by` must be a name or a list of names" in message
    assert got in message


@pytest.mark.parametrize("value", ["Dr A Smith, MD", "[Dr A, Dr B]", "5"])
def test_reviewed_by_accepts_a_name_or_list_of_names(tree: Tree, value: str) -> None:
    # A bare number is read as text, like every other text field (coerce_numbers_to_str).
    text = _replace(PAGE, "status: published\n", f"status: published\nreviewed_by: {value}\n")
    assert _check(tree, text) == []


def test_reviewed_by_list_with_a_bad_item_points_at_the_item(tree: Tree) -> None:
    text = _replace(PAGE, "status: published\n", "status: published\nreviewed_by: [Dr A, {x: 1}]\n")
    message = _single_schema(_check(tree, text), 4, 21)
    assert "got a list" not in message


def test_numbers_where_text_is_expected_are_accepted(tree: Tree) -> None:
    text = (
        PAGE.replace('volume: "27"', "volume: 19")
        .replace('issue: "1"', "issue: 5")
        .replace('pages: "58"', "pages: 455")
    )
    assert _check(tree, text) == []


def test_year_written_as_text_is_accepted(tree: Tree) -> None:
    assert _check(tree, _replace(PAGE, "year: 2022", 'year: "2022"')) == []


# --- salvage: one bad claim or reference does not hide the rest --------------------------------


def test_invalid_claim_does_not_hide_findings_of_the_other_claims(tree: Tree) -> None:
    text = _replace(
        PAGE,
        "claims:\n",
        "claims:\n  - id: Bad Claim\n    text: x [He 2022]\n"
        "  - id: uncited\n    text: Nothing here.\n",
    )
    findings = _check(tree, text)
    assert [(f.name, f.line, f.column) for f in findings] == [
        ("schema", 6, 9),
        ("citation-missing", 9, 11),
    ]
    assert "slug" in findings[0].message
    assert findings[1].claim == "uncited"


def test_reference_set_aside_and_cited_by_key_is_not_unresolved(tree: Tree) -> None:
    text = _replace(BY_KEY, "    authors: [He M, Qin W, Qin Z, Zhao C]\n", "")
    findings = _check(tree, text)
    assert only(findings, "citation-unresolved") == []
    message = _single_schema(findings, 10, 5)
    assert "`authors`" in message


def test_reference_set_aside_and_cited_in_cites_is_not_unresolved(tree: Tree) -> None:
    text = _replace(
        PAGE,
        "    text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].\n",
        "    text: Acupuncture reduced allergic rhinitis symptoms in adults.\n"
        "    cites: [he2022allergicrhinitis]\n",
    ).replace("    doi: 10.1186/s40001-022-00682-3\n", "")
    findings = _check(tree, text)
    assert names(findings) == ["schema"]
    assert "`doi`" in findings[0].message


def test_reference_set_aside_and_cited_by_author_year_is_not_unresolved(tree: Tree) -> None:
    text = _replace(PAGE, "    journal:", "    jounral:")
    findings = _check(tree, text)
    assert only(findings, "citation-unresolved") == []


def test_references_only_file_mentions_bibliographies(tree: Tree) -> None:
    text = "references:\n  nccih:\n    type: web-page\n    title: X\n    url: https://example.org\n"
    message = _single_schema(_check(tree, text), 1, 1)
    assert "`bibliographies`" in message


def test_configured_bibliography_with_unknown_field_is_reported(tree: Tree) -> None:
    tree.write(
        GOOD, BY_KEY.replace("[@he2022allergicrhinitis]", "[@he2022allergicrhinitis] [@nccih]")
    )
    tree.write(
        "content/references.yaml",
        "references:\n  nccih:\n    type: web-page\n    title: X\n"
        "    url: https://example.org\n    acessed: 2020-01-01\n",
    )
    result = tree.check(bibliographies=["content/references.yaml"])
    assert [(f.name, f.line, f.column) for f in result.findings] == [("schema", 6, 5)]
    assert "did you mean `accessed`?" in result.findings[0].message


def test_claim_that_is_not_a_mapping_is_reported_at_the_item(tree: Tree) -> None:
    text = _replace(PAGE, "claims:\n", "claims:\n  - just some text\n")
    message = _single_schema(_check(tree, text), 6, 5)
    assert "must be a mapping of fields" in message


def test_claim_that_is_not_a_mapping_message_names_the_claim(tree: Tree) -> None:
    text = _replace(PAGE, "claims:\n", "claims:\n  - just some text\n")
    message = _single_schema(_check(tree, text), 6, 5)
    assert message.startswith("each entry of `claims` must be a mapping")


def test_top_level_key_named_like_pydantics_key_marker_is_a_finding(tree: Tree) -> None:
    message = _single_schema(_check(tree, PAGE + "'[key]': x\n"), 19, 1)
    assert "unknown field" in message


def test_claim_key_named_like_pydantics_key_marker_is_an_unknown_field(tree: Tree) -> None:
    text = _replace(BY_KEY, "    text: Acu", "    '[key]': x\n    text: Acu")
    message = _single_schema(_check(tree, text), 7, 5)
    assert "unknown field `[key]`" in message


# --- the JSON Schema files -------------------------------------------------------------------


def test_committed_schema_files_match_the_models() -> None:
    generated = schema_export.schemas()
    committed = sorted(p.name for p in SCHEMA_DIR.glob("*.json"))
    assert committed == sorted(generated), "schema/ is out of date: run `evidencelint schema`"
    for filename, schema in generated.items():
        on_disk = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
        assert on_disk == schema_export.render(schema), (
            f"schema/{filename} differs from the pydantic models: run `evidencelint schema` "
            "and commit the result"
        )


def test_write_schemas_writes_what_render_gives(tmp_path: Path) -> None:
    written = schema_export.write_schemas(tmp_path)
    assert sorted(p.name for p in written) == sorted(schema_export.schemas())
    for path in written:
        assert path.read_text(encoding="utf-8") == schema_export.render(
            schema_export.schemas()[path.name]
        )


@pytest.mark.parametrize("schema", sorted(schema_export.schemas()))
def test_schema_files_are_valid_draft_2020_12(schema: str) -> None:
    document = json.loads((SCHEMA_DIR / schema).read_text(encoding="utf-8"))
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


_MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_content_file_starts_with_schema_modeline(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _MODELINE.match(first)
    assert match, f"{path.name}: first line must be '# yaml-language-server: $schema=...'"
    target = (path.parent / match.group(1)).resolve()
    assert target.parent == SCHEMA_DIR.resolve(), f"{path.name}: $schema points outside schema/"
    assert target.is_file(), f"{path.name}: $schema points at missing {target}"
    assert target.name == "page.schema.json"


def test_there_are_content_files() -> None:
    assert len(CONTENT_FILES) >= 1


def _as_json(value: Any) -> Any:
    """YAML data as an editor's language server sees it (dates are strings)."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validator(filename: str = "page.schema.json") -> jsonschema.Draft202012Validator:
    document = json.loads((SCHEMA_DIR / filename).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(document)


def _json_errors(text: str, filename: str = "page.schema.json") -> list[str]:
    data = _as_json(yaml.safe_load(text))
    return [error.message for error in _validator(filename).iter_errors(data)]


def test_minimal_page_fits_the_json_schema() -> None:
    assert _json_errors(MINIMAL_PAGE) == []


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_json_schema_and_linter_agree_on_content_files(tree: Tree, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree.write_bytes("content/page.yaml", text.encode("utf-8"))
    schema_findings = only(tree.check().findings, "schema")
    errors = _json_errors(text)
    assert bool(errors) == bool(schema_findings), (errors, schema_findings)


def test_json_schema_rejects_journal_article_without_doi_or_no_doi() -> None:
    text = _replace(MINIMAL_PAGE, "    doi: 10.1186/s40001-022-00682-3\n", "").replace(
        "type: systematic-review", "type: journal-article"
    )
    assert _json_errors(text) != []
    with_reason = text + "    no_doi: never registered\n"
    assert _json_errors(with_reason) == []


def test_json_schema_requires_url_for_web_pages_and_authors_otherwise() -> None:
    web = MINIMAL_PAGE + "  nccih:\n    type: web-page\n    title: X\n"
    assert any("'url' is a required property" in e for e in _json_errors(web))
    assert _json_errors(web + "    url: https://example.org\n") == []
    book = MINIMAL_PAGE + "  handbook:\n    type: book\n    title: X\n    year: 2020\n"
    assert any("'authors' is a required property" in e for e in _json_errors(book))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("last_reviewed:", "last_reviwed:"),
        ("status: published", "status: live"),
        ("id: minimal-page", "id: Minimal Page"),
        ("    text: Acu", "    ignore: [{rule: no-such-rule, reason: x}]\n    text: Acu"),
        ("    text: Acu", "    ignore: [{rule: evidence-old}]\n    text: Acu"),
    ],
)
def test_json_schema_rejects_what_the_linter_rejects(old: str, new: str) -> None:
    assert _json_errors(_replace(MINIMAL_PAGE, old, new)) != []


def test_bibliography_json_schema_accepts_a_bibliography() -> None:
    text = "id: shared\nreferences:\n  nccih:\n    type: web-page\n    title: X\n    url: https://example.org\n"
    assert _json_errors(text, "bibliography.schema.json") == []
    assert _json_errors(text.replace("id: shared\n", "title: x\n"), "bibliography.schema.json")


def test_json_schema_accepts_numbers_the_linter_accepts() -> None:
    text = MINIMAL_PAGE.replace('volume: "27"', "volume: 19").replace('pages: "58"', "pages: 455")
    assert _json_errors(text) == []
