"""Property tests: whatever the registry answers, checking a reference never raises.

Random JSON shaped like Crossref `/works/{doi}` and `/works/{doi}/agency` answers, from
three sources: real records (the project fixtures, with fragments of recorded answers
grafted on) mutated field by field, records built from every field the linter reads with
odd values, and arbitrary JSON. Odd values: wrong types everywhere, nulls, numbers as
strings, date-parts like [[null]] or [["2020", "x"]], huge and negative numbers,
100,000-character strings, combining marks, bidirectional controls, U+2028, NUL,
zero-width and astral characters, "RETRACTED:" prefixes, notices and relations of every
shape.

(a) The record reader and the rules that turn a record and a cited reference into
findings, called directly: they never raise, and every finding is well formed.
(b) The whole check of a page, against the loopback server answering with the generated
body: never a traceback, never `doi-not-found` for a garbled answer, and `doi-unverified`
for a 200 answer that carries no work object.

The default run is quick;
`HYPOTHESIS_PROFILE=fuzz python -m pytest tests/end_to_end/test_fuzz_registry.py`
runs 10,000 examples per property.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from evidencelint.config import Config, Policy
from evidencelint.content.documents import validate_page
from evidencelint.content.model import Reference
from evidencelint.findings import Finding, Severity
from evidencelint.load.yaml_loader import load_text
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry, resolve_page
from evidencelint.run.check import run_check
from evidencelint.validators import dois as doi_rules
from evidencelint.validators import integrity
from evidencelint.validators.all_rules import RULE_NAMES
from evidencelint.validators.base import RuleContext
from evidencelint.validators.matching import compare
from evidencelint.verify.answers import NOT_FOUND_BODY, CacheMode
from evidencelint.verify.client import ClientSettings, CrossrefClient
from evidencelint.verify.record import MAX_TEXT, WorkRecord, parse_work
from evidencelint.verify.verdicts import Outcome, Verification
from evidencelint.verify.verifier import CrossrefVerifier
from tests.crossref_server import FIXTURES, CrossrefServer, status
from tests.helpers import TODAY

_HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "fuzz-registry", max_examples=10_000, deadline=None, suppress_health_check=_HEALTH
)
settings.register_profile(
    "fuzz-registry-quick", max_examples=300, deadline=None, suppress_health_check=_HEALTH
)
settings.register_profile(
    "fuzz-registry-end-to-end-quick",
    max_examples=60,
    deadline=None,
    suppress_health_check=_HEALTH,
)
_FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# Applied per test (not loaded globally), so other test modules keep their own settings.
FUZZ = settings.get_profile("fuzz-registry" if _FUZZING else "fuzz-registry-quick")
FUZZ_END_TO_END = settings.get_profile(
    "fuzz-registry" if _FUZZING else "fuzz-registry-end-to-end-quick"
)

REPO = Path(__file__).resolve().parents[2]
REGISTRY_NAMES = frozenset(rule.name for rule in (*doi_rules.RULES, *integrity.RULES))
INTEGRITY_NAMES = frozenset(rule.name for rule in integrity.RULES)
MISMATCH_FIELDS = frozenset({"title", "authors", "year", "journal", "volume", "issue", "pages"})
NOTICE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --- real shapes ------------------------------------------------------------------------


def _fixture_messages() -> dict[str, dict[str, Any]]:
    messages: dict[str, dict[str, Any]] = {}
    for path in sorted((FIXTURES / "works").glob("*.json")):
        message = json.loads(path.read_bytes())["message"]
        messages[message["DOI"].lower()] = message
    return messages


def _content_entries() -> list[ReferenceEntry]:
    """Every reference of the demo pages that has a DOI, with its place in its file."""
    entries: list[ReferenceEntry] = []
    for path in sorted((REPO / "content").glob("*.yaml")):
        doc, _ = validate_page(str(path), load_text(path.read_text(encoding="utf-8")))
        assert doc is not None, path
        for entry in resolve_page(doc, []).local:
            if entry.reference is not None and entry.reference.doi is not None:
                entries.append(entry)
    return entries


FIXTURE_MESSAGES = _fixture_messages()
ENTRIES = _content_entries()
BASE_MESSAGES = list(FIXTURE_MESSAGES.values())

# Fragments of real answers recorded from api.crossref.org (the team's recorded set),
# grafted onto the fixtures so that notices, relations and partial dates are real.
RECORDED_FRAGMENTS: list[dict[str, Any]] = [
    {
        "updated-by": [
            {
                "DOI": "10.1021/acsami.9b11759",
                "type": "retraction",
                "label": "Retraction",
                "source": "retraction-watch",
                "updated": {
                    "date-parts": [[2019, 7, 26]],
                    "date-time": "2019-07-26T00:00:00Z",
                    "timestamp": 1564099200000,
                },
                "record-id": "20946",
            }
        ]
    },
    {
        "updated-by": [
            {
                "DOI": "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda",
                "type": "correction",
                "label": "Correction",
                "source": "publisher",
                "updated": {
                    "date-parts": [[2012, 5, 8]],
                    "date-time": "2012-05-08T00:00:00Z",
                    "timestamp": 1336435200000,
                },
            }
        ]
    },
    {
        "relation": {
            "has-review": [
                {"id-type": "doi", "id": "10.3410/f.3904957.3650055", "asserted-by": "object"}
            ]
        }
    },
    {
        "relation": {
            "is-preprint-of": [
                {"id-type": "doi", "id": "10.1021/acs.jpcb.7b11820", "asserted-by": "subject"}
            ]
        }
    },
    {"relation": {"has-preprint": [{"id-type": "doi", "id": "10.1101/171108"}]}},
    {"relation": {"is-review-of": [{"id-type": "doi", "id": "10.7717/peerj.3819"}]}},
    {"issued": {"date-parts": [[None]]}},
    {"published": {"date-parts": [[2001]]}, "issued": {"date-parts": [[2001]]}},
    {"article-number": "e000776", "page": "e000776"},
    {"title": ["RETRACTED: Acupuncture for chronic pain"]},
    {"subtitle": ["an individual patient data meta-analysis"]},
    {"author": [{"name": "Acupuncture Trialists' Collaboration", "sequence": "additional"}]},
]
AGENCY_MESSAGES: list[dict[str, Any]] = [  # recorded /agency answers
    {"DOI": "10.1038/jid.2009.428", "agency": {"id": "crossref", "label": "Crossref"}},
    {"DOI": "10.1430/8105", "agency": {"id": "medra", "label": "mEDRA"}},
    {"DOI": "10.5284/1011335", "agency": {"id": "datacite", "label": "DataCite"}},
]


# --- odd values ---------------------------------------------------------------------------

ODD_PIECES = [
    "\u0301",  # combining acute
    "\u0316",  # combining grave below (another combining class)
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",  # Arabic
    "\u2028",
    "\u2029",
    "\u200b",  # zero-width space
    "\u200d",
    "\ufeff",
    "\x00",
    "\x1b",
    "\U0001d54f",
    "\U0001f600",
    "\U000e0041",  # tag character
    "\uffff",
    "ﬃ",
    "ǅ",
    "İ",
    "ß",
    "²",
    "٢٠٢٠",
    "½",
    "<",
    ">",
    "<i>",
    "</i>",
    "<mml:math>",
    "&amp;",
    "&lt;i&gt;",
    "&#0;",
    "&#x110000;",
    "&",
    ":",
    " - ",
    "–",
    "-",
    ".",
    ",",
    "  ",
    "\n",
    "\t",
    "RETRACTED: ",
    "RETRACTED ARTICLE: ",
    "Withdrawn: ",
    "retracted",
    "et al.",
    "Jr",
    "van der",
    "10.1000/x",
    "pp. ",
    "e20476",
]
HUGE_SEEDS = ["a", "a ", " ", "<", "<a", "&", "-", " -", "\u0301", "\u0301\u0316", "9", "Smith "]
REAL_TEXTS = [
    "2020",
    " 2020 ",
    "2020.0",
    "1e3",
    "-2020",
    "99999",
    "0",
    "",
    "19",
    "5",
    "455-474",
    "455-74",
    "e20476",
    "CD004046",
    "journal-article",
    "J Pain",
    "The Journal of Pain",
    "Vickers",
    "A. J.",
    "publisher",
    "retraction-watch",
    "doi",
    "DOI",
]


def _repeat(seed: str, length: int) -> str:
    return (seed * (length // len(seed) + 1))[:length]


huge_texts = st.builds(
    lambda head, seed, length, tail: head + _repeat(seed, length) + tail,
    st.sampled_from(["", "x", "RETRACTED: ", "Acupuncture "]),
    st.one_of(st.sampled_from(HUGE_SEEDS), st.text(min_size=1, max_size=3)),
    st.sampled_from([1_000, 10_000, 100_000]),
    st.sampled_from(["", "x", ": end", "-2"]),
)
odd_texts = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.sampled_from(ODD_PIECES), st.text(max_size=3)), max_size=12).map("".join),
    st.sampled_from(REAL_TEXTS),
    st.integers(-(10**30), 10**30).map(str),
    huge_texts,
)
numbers = st.one_of(
    st.integers(),
    st.integers(-10_000, 100_000),
    st.sampled_from([0, -1, 99999, -2020, 2**63, 10**20]),
    st.builds(pow, st.just(10), st.just(4000)),  # JSON reads integers of up to 4300 digits
    st.floats(),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, odd_texts)
WORK_KEYS = [
    "DOI",
    "type",
    "title",
    "subtitle",
    "author",
    "name",
    "family",
    "given",
    "container-title",
    "short-container-title",
    "issued",
    "published",
    "published-print",
    "published-online",
    "date-parts",
    "volume",
    "issue",
    "page",
    "article-number",
    "updated-by",
    "update-to",
    "relation",
    "id",
    "id-type",
    "source",
    "updated",
    "label",
    "message",
    "agency",
]
json_keys = st.one_of(st.sampled_from(WORK_KEYS), st.text(max_size=8))
json_values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(json_keys, children, max_size=5)
    ),
    max_leaves=20,
)
texts_or_anything = st.one_of(odd_texts, odd_texts, json_values)
text_lists = st.one_of(st.lists(texts_or_anything, max_size=4), texts_or_anything)

date_parts_values = st.one_of(
    st.lists(
        st.lists(st.one_of(numbers, odd_texts, st.none(), st.booleans()), max_size=4),
        max_size=3,
    ),
    st.sampled_from(
        [
            [[None]],
            [["2020", "x"]],
            [[]],
            [],
            None,
            "2020",
            [2020],
            [[2020, 13, 45]],
            [[99999]],
            [[-2020, -1, -1]],
            [["2020", "8", "17"]],
            [[2020.5]],
            [[True]],
            [[2020, None, 1]],
            [[10**20]],
            [["٢٠٢٠"]],
            [[" 2020 "]],
            [["2_020"]],
            [[2020, 0, 0]],
        ]
    ),
    json_values,
)
dates = st.one_of(
    st.fixed_dictionaries(
        {"date-parts": date_parts_values},
        optional={"date-time": odd_texts, "timestamp": numbers},
    ),
    st.fixed_dictionaries({}, optional={"date-parts": date_parts_values}),
    json_values,
)
authors = st.one_of(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "given": texts_or_anything,
                    "family": texts_or_anything,
                    "name": texts_or_anything,
                    "sequence": st.sampled_from(["first", "additional", 1]),
                    "affiliation": st.one_of(st.just([]), json_values),
                    "ORCID": odd_texts,
                },
            ),
            json_values,
        ),
        max_size=6,
    ),
    json_values,
)
NOTICE_KINDS = [
    "retraction",
    "partial_retraction",
    "withdrawal",
    "removal",
    "expression_of_concern",
    "expression-of-concern",
    "correction",
    "erratum",
    "corrigendum",
    "addendum",
    "clarification",
    "new_version",
    "new_edition",
    "Retraction",
    " RETRACTION ",
    "retraction\u200b",
    "unknown",
    "",
]
DOIS = [
    "10.1000/el.fuzz",
    "10.1000/EL.FUZZ",
    "10.1002/14651858.CD007587.pub3",
    "10.1002/14651858.CD007587.pub2",
    "10.1186/s40001-022-00682-3",
    "10.1021/acsami.9b11759",
    "",
    " 10.1000/el.fuzz ",
]
dois = st.one_of(st.sampled_from(DOIS), odd_texts, json_values)
notices = st.one_of(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "DOI": dois,
                    "type": st.one_of(st.sampled_from(NOTICE_KINDS), texts_or_anything),
                    "label": texts_or_anything,
                    "source": st.one_of(
                        st.sampled_from(["publisher", "retraction-watch"]), texts_or_anything
                    ),
                    "updated": dates,
                    "record-id": st.one_of(odd_texts, numbers),
                },
            ),
            json_values,
        ),
        max_size=5,
    ),
    json_values,
)
RELATION_KINDS = [
    "is-replaced-by",
    "is-preprint-of",
    "has-preprint",
    "has-review",
    "is-review-of",
    "replaces",
]
relations = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(RELATION_KINDS), st.text(max_size=6)),
        st.one_of(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "id-type": st.one_of(
                                st.sampled_from(["doi", "DOI", " doi ", "uri", "issn"]),
                                texts_or_anything,
                            ),
                            "id": dois,
                            "asserted-by": st.sampled_from(["subject", "object"]),
                        },
                    ),
                    json_values,
                ),
                max_size=4,
            ),
            json_values,
        ),
        max_size=4,
    ),
    json_values,
)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "DOI": dois,
    "type": st.one_of(st.sampled_from(["journal-article", "posted-content"]), texts_or_anything),
    "title": text_lists,
    "subtitle": text_lists,
    "container-title": text_lists,
    "short-container-title": text_lists,
    "author": authors,
    "issued": dates,
    "published": dates,
    "published-print": dates,
    "published-online": dates,
    "volume": texts_or_anything,
    "issue": texts_or_anything,
    "page": texts_or_anything,
    "article-number": texts_or_anything,
    "updated-by": notices,
    "update-to": notices,
    "relation": relations,
}

# Every field optional, each one odd.
shaped_works = st.fixed_dictionaries({}, optional=FIELD_VALUES)


@st.composite
def mutated_works(draw: st.DrawFn) -> dict[str, Any]:
    """A real record, perhaps with recorded fragments grafted on, mutated 1-6 times."""
    message = dict(draw(st.sampled_from(BASE_MESSAGES)))
    for fragment in draw(st.lists(st.sampled_from(RECORDED_FRAGMENTS), max_size=3)):
        message.update(fragment)
    for _ in range(draw(st.integers(1, 6))):
        message = _mutate(draw, message, 0)
    return message


def _mutate(draw: st.DrawFn, value: Any, depth: int) -> Any:
    """`value` with one change somewhere inside it (at the top when it is a leaf)."""
    # Containers are copied, never changed in place: sampled values are shared.
    if isinstance(value, dict) and value and depth < 5 and draw(st.integers(0, 3)):
        value = dict(value)
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.sampled_from(["descend", "descend", "delete", "set", "graft"]))
        if action == "delete":
            del value[key]
        elif action == "set":
            value[key] = draw(FIELD_VALUES.get(key, json_values))
        elif action == "graft":
            name = draw(st.sampled_from(sorted(FIELD_VALUES)))
            value[name] = draw(FIELD_VALUES[name])
        else:
            value[key] = _mutate(draw, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and depth < 5 and draw(st.integers(0, 3)):
        value = list(value)
        index = draw(st.integers(0, len(value) - 1))
        action = draw(st.sampled_from(["descend", "descend", "delete", "duplicate", "append"]))
        if action == "delete":
            del value[index]
        elif action == "duplicate":
            value.insert(index, value[index])
        elif action == "append":
            value.append(draw(json_values))
        else:
            value[index] = _mutate(draw, value[index], depth + 1)
        return value
    return _transform(draw, value)


def _transform(draw: st.DrawFn, value: Any) -> Any:
    kind = draw(
        st.sampled_from(
            ["null", "wrap", "unwrap", "stringify", "number", "odd", "any", "prefix", "huge"]
        )
    )
    if kind == "null":
        return None
    if kind == "wrap":
        return [value]
    if kind == "unwrap":
        if isinstance(value, list) and value:
            return value[0]
        if isinstance(value, dict) and value:
            return next(iter(value.values()))
        return value
    if kind == "stringify":
        return value if isinstance(value, str) else json.dumps(value)
    if kind == "number":
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                return draw(numbers)
        return draw(numbers)
    if kind == "odd":
        return draw(odd_texts)
    if kind == "prefix":
        return draw(st.sampled_from(["RETRACTED: ", "Withdrawn: ", "\u202e", "\x00"])) + str(value)
    if kind == "huge":
        return _repeat(str(value) or "x", draw(st.sampled_from([10_000, 100_000])))
    return draw(json_values)


work_messages = st.one_of(mutated_works(), mutated_works(), shaped_works, json_values)
"""What a /works/{doi} answer's `message` may be."""

agency_messages = st.one_of(
    st.sampled_from(AGENCY_MESSAGES),
    st.fixed_dictionaries(
        {},
        optional={
            "DOI": dois,
            "agency": st.one_of(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "id": st.one_of(
                            st.sampled_from(["crossref", "CROSSREF", "datacite", "medra", ""]),
                            texts_or_anything,
                        ),
                        "label": texts_or_anything,
                    },
                ),
                json_values,
            ),
        },
    ),
    json_values,
)


# --- (a) the record reader and the rules, called directly ---------------------------------


def _assert_well_formed_record(record: WorkRecord) -> None:
    assert isinstance(record.doi, str)
    assert isinstance(record.type, str)
    for text in (*record.titles, *record.containers):
        assert isinstance(text, str) and text and text == text.strip()
        assert len(text) <= 2 * MAX_TEXT + 2  # at most a title and its subtitle, joined
    for author in record.authors:
        assert isinstance(author.family, str) and author.family
        assert isinstance(author.given, str)
    assert all(isinstance(y, int) and 1000 <= y <= 9999 for y in record.years)
    for field in (record.volume, record.issue, record.page, record.article_number):
        assert isinstance(field, str)
    for notice in (*record.updated_by, *record.update_to):
        assert notice.kind and isinstance(notice.kind, str)
        assert isinstance(notice.doi, str)
        assert isinstance(notice.source, str)
        assert notice.date == "" or NOTICE_DATE.match(notice.date), notice
    for kind, ids in record.relations.items():
        assert isinstance(kind, str)
        assert ids and all(isinstance(i, str) and i for i in ids), (kind, ids)


def _assert_well_formed(finding: Finding, entry: ReferenceEntry, doi: str) -> None:
    assert finding.name in RULE_NAMES, finding
    assert finding.name in REGISTRY_NAMES, finding
    assert isinstance(finding.severity, Severity)
    assert isinstance(finding.message, str) and finding.message.strip(), finding
    assert finding.line >= 1 and finding.column >= 1, finding
    assert finding.path == entry.path
    assert finding.reference == entry.key
    assert finding.doi == doi
    assert "internal error" not in finding.message, finding
    if finding.name == "metadata-mismatch":
        assert finding.field in MISMATCH_FIELDS, finding
        assert isinstance(finding.expected, str) and isinstance(finding.actual, str)


cited_texts = st.one_of(
    st.text(min_size=1, max_size=30),
    st.lists(st.one_of(st.sampled_from(ODD_PIECES), st.text(max_size=3)), min_size=1).map("".join),
    st.sampled_from([t for t in REAL_TEXTS if t]),
)
REFERENCE_CHANGES: dict[str, st.SearchStrategy[Any]] = {
    "authors": st.lists(
        st.one_of(cited_texts, st.sampled_from(["et al.", "Et Al", "Vickers AJ", "Smith SC Jr"])),
        min_size=1,
        max_size=4,
    ),
    "title": cited_texts,
    "journal": cited_texts,
    "year": st.integers(1000, 9999),
    "volume": cited_texts,
    "issue": cited_texts,
    "pages": cited_texts,
}


def _cited(index: int, changes: dict[str, Any]) -> ReferenceEntry:
    """Reference `index` of the demo content, with `changes` when they leave it valid."""
    entry = ENTRIES[index]
    assert entry.reference is not None
    if not changes:
        return entry
    fields = {**entry.reference.model_dump(exclude_none=True), **changes}
    try:
        changed = Reference.model_validate(fields)
    except ValidationError:
        return entry
    return dataclasses.replace(entry, reference=changed)


reference_changes = st.one_of(st.just({}), st.fixed_dictionaries({}, optional=REFERENCE_CHANGES))


@st.composite
def record_answers(draw: st.DrawFn, entry: ReferenceEntry) -> Any:
    """Mostly the cited work's own record, mutated, so that the comparison goes deep."""
    assert entry.reference is not None and entry.reference.doi is not None
    own = FIXTURE_MESSAGES.get(normalise_doi(entry.reference.doi) or "")
    if own is not None and draw(st.booleans()):
        message = dict(own)
        for fragment in draw(st.lists(st.sampled_from(RECORDED_FRAGMENTS), max_size=2)):
            message.update(fragment)
        for _ in range(draw(st.integers(0, 5))):
            message = _mutate(draw, message, 0)
        return message
    return draw(work_messages)


def _rule_findings(entry: ReferenceEntry, answer: Verification) -> list[Finding]:
    ctx = RuleContext(Policy(), TODAY, {answer.doi: answer})
    return [
        *doi_rules.check([entry], "page", ctx),
        *integrity.check([entry], "page", ctx),
    ]


@settings(FUZZ, deadline=dt.timedelta(seconds=2))  # a few ms each; seconds means a hang
@given(st.data())
def test_registry_answers_become_well_formed_findings(data: st.DataObject) -> None:
    entry = _cited(
        data.draw(st.integers(0, len(ENTRIES) - 1), label="reference"),
        data.draw(reference_changes, label="changes to the reference"),
    )
    assert entry.reference is not None and entry.reference.doi is not None
    doi = normalise_doi(entry.reference.doi)
    assert doi is not None
    message = data.draw(record_answers(entry), label="message")
    record = parse_work(message)
    if record is None:
        assert not _is_work(message)
        answer = Verification(doi, Outcome.UNVERIFIED, "the registry's answer was not a work")
    else:
        _assert_well_formed_record(record)
        for mismatch in compare(entry.reference, record):
            assert mismatch.field in MISMATCH_FIELDS
            assert mismatch.detail
        answer = Verification(
            doi,
            Outcome.FOUND,
            record=record,
            newer_versions=tuple(data.draw(st.lists(st.sampled_from(DOIS[:6]), max_size=2))),
            stale_since=data.draw(st.sampled_from(["", "2026-01-01"])),
        )
    findings = _rule_findings(entry, answer)
    for finding in findings:
        _assert_well_formed(finding, entry, doi)
    if record is not None:
        assert not {"doi-not-found", "doi-not-crossref"} & {f.name for f in findings}
        if not answer.stale_since:
            assert "doi-unverified" not in {f.name for f in findings}
    event(f"record: {'none' if record is None else 'found'}")
    event(f"findings: {sorted({f.name for f in findings})}")


@FUZZ
@given(
    st.sampled_from(ENTRIES),
    st.sampled_from(list(Outcome)),
    st.one_of(odd_texts, st.just("")),
)
def test_every_outcome_with_any_detail_is_well_formed(
    entry: ReferenceEntry, outcome: Outcome, detail: str
) -> None:
    assert entry.reference is not None and entry.reference.doi is not None
    doi = normalise_doi(entry.reference.doi)
    assert doi is not None
    findings = _rule_findings(entry, Verification(doi, outcome, detail))
    for finding in findings:
        _assert_well_formed(finding, entry, doi)
    assert len(findings) == (0 if outcome is Outcome.FOUND else 1)


@FUZZ
@given(st.one_of(leaves, st.lists(json_values, max_size=3)))
def test_a_message_that_is_not_an_object_is_not_a_work(message: Any) -> None:
    assert parse_work(message) is None


# --- regressions: inputs the fuzzer found -------------------------------------------------

MAURER_DOI = "10.1155/2019/6976892"


def _maurer(**changes: Any) -> WorkRecord:
    record = parse_work({**FIXTURE_MESSAGES[MAURER_DOI], **changes})
    assert record is not None
    return record


def test_a_citation_naming_only_et_al_is_compared_without_raising() -> None:
    """compare() raised IndexError: every cited author was 'et al.'."""
    (entry,) = [e for e in ENTRIES if e.key == "maurer2019meridians"]
    assert entry.reference is not None
    cited = Reference.model_validate(
        {
            **entry.reference.model_dump(exclude_none=True),
            "journal": "0",
            "authors": ["et al."],
        }
    )
    assert [m.field for m in compare(cited, _maurer())] == ["journal"]


@pytest.mark.parametrize(
    ("parts", "date"),
    [
        ([[99999]], ""),
        ([[-2020, 7, 26]], ""),
        ([[2019, 13, 26]], "2019"),
        ([[2019, 7, 0]], "2019-07"),
        ([[2019, 7, 26]], "2019-07-26"),
        ([["2019", "7"]], "2019-07"),
    ],
)
def test_a_notice_date_out_of_range_is_cut_where_it_stops_being_a_date(
    parts: list[list[Any]], date: str
) -> None:
    """A notice dated [[99999]] read as '99999' and was quoted as the notice's date."""
    notice = {"DOI": "10.1000/el.fuzz", "type": "retraction", "source": "publisher"}
    record = _maurer(**{"updated-by": [{**notice, "updated": {"date-parts": parts}}]})
    (read,) = record.updated_by
    assert read.date == date


def test_a_relation_entry_without_an_id_names_no_newer_version() -> None:
    """{'id-type': 'doi'} with no id gave 'a newer version of ... exists: ' (naming none)."""
    record = _maurer(relation={"is-replaced-by": [{"id-type": "doi"}]})
    assert record.relations == {}
    entry = next(e for e in ENTRIES if e.key == "maurer2019meridians")
    answer = Verification(MAURER_DOI, Outcome.FOUND, record=record)
    assert [f.name for f in _rule_findings(entry, answer)] == []


@pytest.mark.parametrize(
    "field",
    [
        {"title": ["x" + "\u0316\u0301" * 50_000]},  # the fuzzer's: 45 s
        {"title": ["x" + " " * 100_000 + "x"]},
        {"title": ["<" * 100_000]},
        {"title": ["<a" * 50_000]},
        {"page": "1" + " " * 100_000 + "2"},
        {"author": [{"family": "a" + "\u0301\u0316" * 50_000, "given": "b" + " " * 100_000}]},
    ],
    ids=["combining-marks", "blanks", "angle-brackets", "unclosed-tags", "page", "author"],
)
def test_a_huge_garbled_field_is_compared_in_linear_time(field: dict[str, Any]) -> None:
    """Each of these took from seconds to minutes (quadratic regexes and normalisation)."""
    (entry,) = [e for e in ENTRIES if e.key == "maurer2019meridians"]
    assert entry.reference is not None
    cited = Reference.model_validate(
        {**entry.reference.model_dump(exclude_none=True), "pages": "1-2"}
    )
    started = time.perf_counter()
    compare(cited, _maurer(**field))
    assert time.perf_counter() - started < 5.0


# --- (b) end to end: the loopback server answers with the generated body ------------------

PLAIN_DOI = "10.1000/el.fuzz"
COCHRANE_DOI = "10.1002/14651858.cd007587.pub2"
COCHRANE_NEXT = "10.1002/14651858.cd007587.pub3"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    agency: Answer | None = None
    """What /agency answers, when /works answers 404."""


def _envelope(message: Any, ascii_only: bool) -> bytes:
    document = {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": message,
    }
    return json.dumps(document, ensure_ascii=ascii_only).encode()


def _parse(body: bytes) -> tuple[str, Any]:
    """('json', document), ('invalid', None), or ('too-deep', None) for JSON nested past
    what the parser takes."""
    try:
        return "json", json.loads(body)
    except RecursionError:
        return "too-deep", None
    except ValueError:
        return "invalid", None


def _message(body: bytes) -> tuple[str, Any]:
    """('message', the `message`), or why there is none: 'invalid' or 'too-deep'."""
    kind, document = _parse(body)
    if kind != "json":
        return kind, None
    if not isinstance(document, dict) or document.get("message") is None:
        return "invalid", None
    return "message", document["message"]


def _deep(depth: int) -> bytes:
    return b'{"status":"ok","message":' + b"[" * depth + b"]" * depth + b"}"


@st.composite
def odd_bodies(draw: st.DrawFn) -> bytes:
    """Bodies that are not a JSON document with a `message` object, or barely are."""
    message = draw(st.one_of(work_messages, agency_messages))
    valid = _envelope(message, draw(st.booleans()))
    kind = draw(
        st.sampled_from(
            ["bytes", "truncated", "no-message", "list", "scalar", "utf-16", "bom", "html", "deep"]
        )
    )
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "truncated":
        return valid[: draw(st.integers(0, max(0, len(valid) - 1)))]
    if kind == "no-message":
        return json.dumps({"status": "ok", "message-type": "work", "items": message}).encode()
    if kind == "list":
        return json.dumps([message]).encode()
    if kind == "scalar":
        return json.dumps(draw(leaves)).encode()
    if kind == "utf-16":
        return valid.decode().encode("utf-16")
    if kind == "bom":
        return b"\xef\xbb\xbf" + valid
    if kind == "html":
        return b"<html><body>Resource not found.</body></html>"
    # Far below or far beyond what the parser takes, in any thread: Hypothesis raises the
    # recursion limit while it runs a test.
    return _deep(draw(st.sampled_from([10, 500, 100_000])))


bodies = st.one_of(
    st.builds(_envelope, work_messages, st.booleans()),
    st.builds(_envelope, work_messages, st.booleans()),
    st.builds(_envelope, st.one_of(leaves, st.lists(json_values, max_size=3)), st.booleans()),
    odd_bodies(),
)
ERROR_STATUSES = [400, 401, 403, 405, 410, 418, 422, 429, 500, 501, 502, 503, 504]
agency_answers = st.one_of(
    st.builds(
        Answer,
        st.just(200),
        st.one_of(
            agency_messages.map(lambda m: json.dumps({"status": "ok", "message": m}).encode()),
            odd_bodies(),
        ),
    ),
    st.builds(Answer, st.sampled_from(ERROR_STATUSES), st.binary(max_size=50)),
)
answers = st.one_of(
    st.builds(Answer, st.just(200), bodies),
    st.builds(Answer, st.just(200), bodies),
    st.builds(Answer, st.sampled_from(ERROR_STATUSES), st.binary(max_size=50)),
    st.builds(
        Answer,
        st.just(404),
        st.one_of(st.just(NOT_FOUND_BODY), st.binary(max_size=20)),
        agency_answers,
    ),
)


def _is_work(message: Any) -> bool:
    """A work object names its DOI (as every Crossref work does)."""
    if not isinstance(message, dict):
        return False
    doi = message.get("DOI")
    if isinstance(doi, str):
        return bool(doi.strip())
    return isinstance(doi, int | float) and not isinstance(doi, bool)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    newer: tuple[str, ...] = ()
    unchecked: bool = False
    """Probing for a newer version got no answer: superseded or not is unknown."""


def _verdicts(answer: Answer, next_version: Answer | None, doi: str) -> Verdict:
    """The right verdict for `doi`. `next_version` answers the probe of a found Cochrane
    review's .pub(N+1). A 404 counts only in Crossref's own words, and a record only when
    it names the DOI asked for (a record of another DOI says nothing about this one)."""
    if answer.status == 404:
        if answer.agency is None or answer.body.strip() != NOT_FOUND_BODY:
            return Verdict(Outcome.UNVERIFIED)  # a proxy's or a mirror's 404
        return _agency_verdict(answer.agency, doi)
    if answer.status != 200:
        return Verdict(Outcome.UNVERIFIED)
    if not _record_of(answer.body, doi):
        return Verdict(Outcome.UNVERIFIED)  # no work object, or another DOI's
    if next_version is None:
        return Verdict(Outcome.FOUND)
    if next_version.status == 404 and next_version.body.strip() == NOT_FOUND_BODY:
        return Verdict(Outcome.FOUND)  # no newer version
    if next_version.status != 200 or not _an_answer(next_version.body):
        return Verdict(Outcome.FOUND, unchecked=True)  # the probe got no answer
    newer = _record_of(next_version.body, COCHRANE_NEXT)
    return Verdict(Outcome.FOUND, (COCHRANE_NEXT,) if newer else ())


def _an_answer(body: bytes) -> bool:
    """A JSON work answer with a `message` (what the client takes as an answer at all)."""
    kind, _ = _message(body)
    _, document = _parse(body)
    return kind == "message" and document.get("message-type", "work") == "work"


def _record_of(body: bytes, doi: str) -> bool:
    """A work answer (not one of another message type) whose record names `doi`."""
    _, document = _parse(body)
    if isinstance(document, dict) and document.get("message-type", "work") != "work":
        return False
    _, message = _message(body)
    return _is_work(message) and _names(message, doi)


def _names(message: Any, doi: str) -> bool:
    named = message.get("DOI") if isinstance(message, dict) else None
    return isinstance(named, str) and named.strip().lower() == doi


def _agency_verdict(agency: Answer, doi: str) -> Verdict:
    """Crossref has no record: the agency endpoint decides (it never answers 404 here)."""
    if agency.status != 200:
        return Verdict(Outcome.UNVERIFIED)
    _, document = _parse(agency.body)
    if isinstance(document, dict) and document.get("message-type", "work-agency") != "work-agency":
        return Verdict(Outcome.UNVERIFIED)  # not an agency answer
    _, message = _message(agency.body)
    if not _names(message, doi):
        return Verdict(Outcome.UNVERIFIED)  # an answer about another DOI
    named = message.get("agency") if isinstance(message, dict) else None
    name = named.get("id") if isinstance(named, dict) else None
    if isinstance(name, str) and name:
        crossref = name.lower() == "crossref"  # registered there, yet no record: unverified
        return Verdict(Outcome.UNVERIFIED if crossref else Outcome.OTHER_AGENCY)
    return Verdict(Outcome.UNVERIFIED)


def _naming(answer: Answer, doi: str) -> Answer:
    """The answer with its record (or its agency answer) naming `doi`: most fuzzed
    records are copies of other DOIs' records, which are never a verdict on this one."""
    kind, document = _parse(answer.body)
    agency = _naming(answer.agency, doi) if answer.agency is not None else None
    if kind != "json" or not isinstance(document, dict):
        return Answer(answer.status, answer.body, agency)
    message = document.get("message")
    if not isinstance(message, dict) or "DOI" not in message:
        return Answer(answer.status, answer.body, agency)
    renamed = {**document, "message": {**message, "DOI": doi}}
    return Answer(answer.status, json.dumps(renamed).encode(), agency)


FINDINGS_OF: dict[Outcome, Callable[[list[str]], bool]] = {
    Outcome.UNVERIFIED: lambda names: names == ["doi-unverified"],
    Outcome.OTHER_AGENCY: lambda names: names == ["doi-not-crossref"],
    Outcome.FOUND: lambda names: set(names) <= {"metadata-mismatch", *INTEGRITY_NAMES},
}
"""The reference's findings for each verdict (never doi-not-found: no agency said 404)."""


class Recording:
    """The real verifier, remembering its last answers."""

    def __init__(self, verifier: CrossrefVerifier) -> None:
        self.verifier = verifier
        self.answers: dict[str, Verification] = {}

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        self.answers = dict(self.verifier.verify(dois))
        return self.answers


class EndToEnd:
    """One loopback server and one content tree for every example; a client (no cache,
    one attempt, no waiting) per example, as per run: a client gives up for the rest of
    its run after a 429, and one example's 429 must not answer the next ones."""

    def __init__(self, root: Path) -> None:
        self.server = CrossrefServer().start()
        self.settings = ClientSettings(
            base_url=self.server.url,
            cache_path=None,
            mode=CacheMode.DISABLED,
            max_attempts=1,
            connect_timeout=10.0,
            read_timeout=30.0,
        )
        self.config = Config(root=root, content=root / "content")
        self.pages = {
            PLAIN_DOI: self._write(root, "plain", PLAIN_DOI, "10.1186/s40001-022-00682-3"),
            COCHRANE_DOI: self._write(root, "cochrane", COCHRANE_DOI, COCHRANE_DOI),
        }

    @staticmethod
    def _write(root: Path, name: str, doi: str, like: str) -> Path:
        """A page citing one reference: the demo reference to `like`, with DOI `doi`."""
        (entry,) = [
            e
            for e in ENTRIES
            if e.reference and normalise_doi(e.reference.doi or "") == like.lower()
        ]
        assert entry.reference is not None
        reference = entry.reference.model_dump(mode="json", exclude_none=True)
        page = {
            "id": name,
            "title": "Acupuncture",
            "status": "published",
            "last_reviewed": "2026-01-10",
            "claims": [
                {
                    "id": "c1",
                    "text": "Acupuncture helps [@ref].",
                    "ignore": [{"rule": "evidence-old", "reason": "only the DOI is fuzzed"}],
                }
            ],
            "references": {"ref": {**reference, "doi": doi}},
        }
        path = root / "content" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(page, allow_unicode=True, sort_keys=False))
        return path

    def answer(self, doi: str, answer: Answer) -> None:
        self.server.script(doi, [status(answer.status, answer.body)])
        agency = [status(answer.agency.status, answer.agency.body)] if answer.agency else []
        self.server.script(doi, agency, agency=True)

    def check(self, doi: str) -> tuple[list[Finding], Verification]:
        """The findings of the page citing `doi`, and the verifier's answer for it."""
        client = CrossrefClient(self.settings, sleep=lambda seconds: None)
        verifier = Recording(CrossrefVerifier(client))
        try:
            result = run_check([str(self.pages[doi])], self.config, TODAY, verifier)
        finally:
            client.close()
        return result.findings, verifier.answers[doi]

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="module")
def end_to_end(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndToEnd]:
    run = EndToEnd(tmp_path_factory.mktemp("fuzz-registry"))
    yield run
    run.stop()


@pytest.mark.slow
@FUZZ_END_TO_END
@given(st.sampled_from([PLAIN_DOI, COCHRANE_DOI]), answers, answers, st.booleans())
def test_the_check_survives_any_registry_answer(
    end_to_end: EndToEnd, doi: str, answer: Answer, next_version: Answer, own: bool
) -> None:
    if own:  # the answers name the DOIs asked for, as Crossref's do
        answer, next_version = _naming(answer, doi), _naming(next_version, COCHRANE_NEXT)
    note(f"works answer: {answer.status} {answer.body[:2000]!r}")
    end_to_end.answer(doi, answer)
    end_to_end.answer(COCHRANE_NEXT, next_version)  # probed after a found Cochrane review
    findings, verification = end_to_end.check(doi)
    names = sorted(f.name for f in findings)
    for finding in findings:
        assert finding.name in RULE_NAMES, finding
        assert finding.doi == doi, finding
        assert isinstance(finding.message, str) and finding.message.strip(), finding
        assert finding.line >= 1 and finding.column >= 1, finding
    assert "doi-not-found" not in names, findings
    expected = _verdicts(answer, next_version if doi == COCHRANE_DOI else None, doi)
    assert "internal error" not in verification.detail, verification
    unchecked = bool(verification.versions_unchecked)
    assert Verdict(verification.outcome, verification.newer_versions, unchecked) == expected, (
        verification
    )
    if unchecked:  # said as an info, and no verdict on supersession
        assert "doi-unverified" in names, findings
        names = [n for n in names if n != "doi-unverified"]
    assert FINDINGS_OF[verification.outcome](names), (verification, findings)
    event(f"{answer.status}: {sorted(set(names))}")


# Faults the end-to-end property found in the client and verifier, now fixed.


def test_json_nested_too_deep_is_unverified_without_an_internal_error(
    end_to_end: EndToEnd,
) -> None:
    end_to_end.answer(PLAIN_DOI, Answer(200, _deep(100_000)))
    _, verification = end_to_end.check(PLAIN_DOI)
    assert verification.outcome is Outcome.UNVERIFIED
    assert "internal error" not in verification.detail, verification


def test_an_agency_answer_naming_no_agency_is_unverified(end_to_end: EndToEnd) -> None:
    end_to_end.answer(
        PLAIN_DOI, Answer(404, NOT_FOUND_BODY, Answer(200, b'{"status":"ok","message":{}}'))
    )
    findings, verification = end_to_end.check(PLAIN_DOI)
    assert [f.name for f in findings] == ["doi-unverified"], verification


def test_a_garbled_answer_for_the_next_version_is_no_newer_version(
    end_to_end: EndToEnd,
) -> None:
    end_to_end.answer(COCHRANE_DOI, Answer(200, _envelope(FIXTURE_MESSAGES[COCHRANE_DOI], True)))
    end_to_end.answer(COCHRANE_NEXT, Answer(200, b'{"status":"ok","message":["odd"]}'))
    _, verification = end_to_end.check(COCHRANE_DOI)
    assert verification.outcome is Outcome.FOUND
    assert verification.newer_versions == (), verification
