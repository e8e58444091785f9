"""Reporters: pure functions from a run's findings to text, JSON, GitHub or SARIF."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence

from evidencelint import __version__
from evidencelint.escape import (
    github_data,
    github_property,
    json_text,
    terminal,
    terminal_path,
    uri_path,
)
from evidencelint.findings import Finding, Severity
from evidencelint.results import RunResult, check_document, plural, summary
from evidencelint.rule import Kind
from evidencelint.terminal import severity_label
from evidencelint.validators.all_rules import RULES, find_rule
from evidencelint.verify.verdicts import OFFLINE_NO_CACHE, SILENT

FORMATS = ("text", "json", "github", "sarif", "markdown")
INFORMATION_URI = "https://github.com/evidencelint/evidencelint"


def render(fmt: str, result: RunResult, today: dt.date, colour: bool = False) -> str:
    if fmt == "text":
        return render_text(result, today, colour)
    renderers: dict[str, Callable[[RunResult, dt.date], str]] = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
        "sarif": render_sarif,
        "markdown": render_markdown,
    }
    return renderers[fmt](result, today)


def render_text(result: RunResult, today: dt.date, colour: bool = False) -> str:
    """`path:line:col: CODE name severity: message` a line (the contract's
    `path:line:col: CODE name message`, the message led by the severity after page
    status and configuration), one line for the DOIs Crossref did not answer and one for
    the identifiers NCBI did not, the counts, then what blocks the commit."""
    shown, notices = unanswered_notices(result.findings)
    lines = [
        f"{terminal_path(f.path)}:{f.line}:{f.column}: {f.code} {f.name} "
        f"{severity_label(f.severity, colour)} {terminal(f.message)}"
        for f in shown
    ]
    lines += [terminal(notice) for notice in notices]
    s = summary(result)
    blocking = f"; {blocking_note(result.findings)}" if result.findings else ""
    lines.append(
        f"{plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')}, "
        f"{plural(s['infos'], 'info')} in {plural(s['files'], 'file')} "
        f"({plural(s['pages'], 'page')}, {plural(s['claims'], 'claim')}, "
        f"{plural(s['references'], 'reference')}){blocking}"
    )
    return "\n".join(lines) + "\n"


def blocking_note(findings: Sequence[Finding]) -> str:
    """What stops the commit (exit 1), by rule; or that nothing does."""
    errors = Counter(f"{f.code} {f.name}" for f in findings if f.severity is Severity.ERROR)
    if not errors:
        return "nothing blocks the commit (warnings and infos do not)"
    total = sum(errors.values())
    rules = ", ".join(f"{rule} ({n})" for rule, n in sorted(errors.items()))
    verb = "blocks" if total == 1 else "block"
    return f"{plural(total, 'error')} {verb} the commit: {rules}"


def unanswered_notices(findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """The findings to print one a line, and the lines in place of those that say a
    service failed, when there are several: the `doi-unverified` findings of DOIs Crossref
    did not answer in time, and the `pmid-unverified` findings of identifiers NCBI could
    not be asked about (not those of an --offline run, nor answers served from the cache).
    An outage is one fact, not one line per identifier. JSON, SARIF and the other formats
    keep one finding per identifier."""
    kept, lines = findings, []
    for outage in (_crossref_outage, _ncbi_outage):
        kept, line = outage(kept)
        if line:
            lines.append(line)
    return kept, lines


def _crossref_outage(findings: list[Finding]) -> tuple[list[Finding], str]:
    def silent(f: Finding) -> bool:
        return f.name == "doi-unverified" and _SILENT_MARK in f.message

    def why(f: Finding) -> str:
        return f.message.partition(_SILENT_MARK)[2].removeprefix(" (").removesuffix(")")

    return _collapsed(findings, silent, lambda f: f.doi or "", why, SILENT, "DOI")


def _ncbi_outage(findings: list[Finding]) -> tuple[list[Finding], str]:
    def failed(f: Finding) -> bool:
        if f.name != "pmid-unverified" or _UNVERIFIED not in f.message:
            return False
        return not f.message.endswith(f"{_UNVERIFIED}{OFFLINE_NO_CACHE}")

    def identifier(f: Finding) -> str:
        return f.message.partition(_UNVERIFIED)[0]

    def why(f: Finding) -> str:
        return f.message.partition(_UNVERIFIED)[2]

    return _collapsed(findings, failed, identifier, why, "NCBI did not answer", "PubMed identifier")


def _collapsed(
    findings: list[Finding],
    collapses: Callable[[Finding], bool],
    identifier: Callable[[Finding], str],
    why: Callable[[Finding], str],
    what_failed: str,
    noun: str,
) -> tuple[list[Finding], str]:
    gone = [f for f in findings if collapses(f)]
    identifiers = {identifier(f) for f in gone}
    if len(identifiers) < 2:
        return findings, ""
    reason = Counter(why(f) for f in gone).most_common(1)[0][0]
    worst = min((f.severity for f in gone), key=lambda severity: severity.rank)
    notice = (
        f"{what_failed}: {plural(len(identifiers), noun)} not checked ({reason}); each is "
        f"a {gone[0].name} {worst.value}, listed one by one with --format json"
    )
    return [f for f in findings if not collapses(f)], notice


_UNVERIFIED = " could not be verified: "
_SILENT_MARK = f"could not be verified: {SILENT}"


def render_markdown(result: RunResult, today: dt.date) -> str:
    from evidencelint.report.markdown import render_check

    return render_check(check_document(result, today))


def render_json(result: RunResult, today: dt.date) -> str:
    return json_text(json.dumps(check_document(result, today), indent=2, ensure_ascii=False)) + "\n"


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


ANNOTATION_CAP = 10
"""GitHub shows at most 10 error, 10 warning and 10 notice annotations of a step."""
_IMPORTANCE = ("EL5", "EL4", "EL1", "EL2", "EL6", "EL3")
"""Within a level, which findings matter most: changed evidence, wrong DOIs, files that
cannot be read as written, citations, review dates, references."""


def _importance(finding: Finding) -> tuple[int, int]:
    prefix = finding.code[:3]
    rank = _IMPORTANCE.index(prefix) if prefix in _IMPORTANCE else len(_IMPORTANCE)
    if finding.name == "doi-unverified":  # says nothing about the content: last
        rank = len(_IMPORTANCE) + 1
    return (finding.severity.rank, rank)


def annotated(findings: Sequence[Finding]) -> tuple[list[Finding], dict[Severity, int]]:
    """The findings GitHub will show, most important first, leaving room on the
    highest level that overflows for one annotation that counts the others; and how
    many of each level are left out."""
    ordered = sorted(findings, key=_importance)
    by_level = {s: [f for f in ordered if f.severity is s] for s in Severity}
    overflowing = [s for s in Severity if len(by_level[s]) > ANNOTATION_CAP]
    shown: list[Finding] = []
    hidden: dict[Severity, int] = {}
    for level, rows in by_level.items():
        room = ANNOTATION_CAP - (1 if overflowing and level is overflowing[0] else 0)
        shown += rows[:room]
        if len(rows) > room:
            hidden[level] = len(rows) - room
    return shown, hidden


def _more_annotation(level: Severity, hidden: dict[Severity, int]) -> str:
    total = sum(hidden.values())
    counts = ", ".join(plural(n, s.value) for s, n in hidden.items())
    title = github_property(f"evidencelint: {total} more")
    return (
        f"::{_GITHUB_LEVEL[level]} title={title}::{total} more findings ({counts}) are not "
        f"annotated: GitHub shows at most {ANNOTATION_CAP} of each level per step. The job "
        "summary lists every finding."
    )


def render_github(result: RunResult, today: dt.date) -> str:
    lines = []
    shown, hidden = annotated(result.findings)
    first_hidden = next((s for s in Severity if s in hidden), None)
    for i, f in enumerate(shown):
        props = ",".join(
            f"{key}={github_property(value)}"
            for key, value in (
                ("file", f.path),
                ("line", str(f.line)),
                ("col", str(f.column)),
                ("title", f"{f.code} {f.name}"),
            )
        )
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{github_data(f.message)}")
        last_of_level = i + 1 == len(shown) or shown[i + 1].severity is not f.severity
        if f.severity is first_hidden and last_of_level:
            lines.append(_more_annotation(f.severity, hidden))
    s = summary(result)
    lines.append(
        f"evidencelint: {plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')}, "
        f"{plural(s['infos'], 'info')} in {plural(s['files'], 'file')}"
    )
    return "\n".join(lines) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(result: RunResult, today: dt.date) -> str:
    index = {rule.name: i for i, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {
                "text": f"{rule.why}\n\nExample:\n{rule.example}\n\nFix: {rule.fix}",
                "markdown": f"{rule.why}\n\n**Example**\n\n```yaml\n{rule.example}\n```\n\n"
                f"**Fix**: {rule.fix}",
            },
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.name],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(f.path)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "properties": {
                key: value
                for key, value in (
                    ("name", f.name),
                    ("page", f.page),
                    ("claim", f.claim),
                    ("reference", f.reference),
                    ("doi", f.doi),
                    ("field", f.field),
                    ("expected", f.expected),
                    ("actual", f.actual),
                )
                if value is not None
            },
        }
        for f in result.findings
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "evidencelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"today": today.isoformat()},
            }
        ],
    }
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def explain(name_or_code: str) -> str | None:
    rule = find_rule(name_or_code)
    if rule is None:
        return None
    severity = rule.severity_note or rule.severity.value
    return (
        f"{rule.code} {rule.name} ({severity})\n\n{rule.summary}.\n\nWhy it matters:\n"
        f"  {rule.why}\n\nExample:\n"
        + "\n".join(f"  {line}" for line in rule.example.splitlines())
        + f"\n\nHow to fix:\n  {rule.fix}\n"
        + f"\nAutomatic fix (`evidencelint fix`):\n  {_autofix(rule.name)}\n"
        + "\nChecked on:\n"
        + "".join(f"  {_CHECKED_ON[kind]}\n" for kind in rule.inputs)
    )


_CHECKED_ON = {
    Kind.FILE: "each file, as it is read",
    Kind.PAGE: "each page on its own, before any registry is asked",
    Kind.ANSWERS: "the registries' answers about each reference",
    Kind.RUN: "every page and shared bibliography of the run at once",
}


def _autofix(name: str) -> str:
    from evidencelint.fix.catalogue import AUTOFIX

    return AUTOFIX.get(name, "none")


def list_rules() -> str:
    """One line a rule: code, name, default severity (both levels where they depend on
    the field or the page), summary, and when the severity varies, how."""
    width = max(len(rule.name) for rule in RULES)
    levels = max(len(rule.severity_label or rule.severity.value) for rule in RULES)
    return "".join(
        f"{rule.code}  {rule.name:<{width}}  {rule.severity_label or rule.severity.value:<{levels}}"
        f"  {rule.summary}{f' ({rule.severity_note})' if rule.severity_note else ''}\n"
        for rule in RULES
    )


RULE_TABLE_START = "<!-- rule table: generated from the registry by scripts/regenerate.py -->"
RULE_TABLE_END = "<!-- end of rule table -->"


def rule_table_markdown() -> str:
    """The README's rule table, between its two markers."""
    rows = [
        f"| {rule.code} | `{rule.name}` | {rule.severity_label or rule.severity.value} "
        f"| {rule.summary}{f' ({rule.severity_note})' if rule.severity_note else ''} |"
        for rule in RULES
    ]
    lines = [RULE_TABLE_START, "| code | name | default | finds |", "|---|---|---|---|"]
    return "\n".join([*lines, *rows, RULE_TABLE_END]) + "\n"
