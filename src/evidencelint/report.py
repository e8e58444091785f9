"""Reporters: pure functions from a run's findings to text, JSON, GitHub or SARIF."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from evidencelint import __version__
from evidencelint.catalogue import RULES, find_rule
from evidencelint.engine import RunResult
from evidencelint.findings import Finding, Severity
from evidencelint.verification import SILENT

FORMATS = ("text", "json", "github", "sarif", "markdown")
INFORMATION_URI = "https://github.com/evidencelint/evidencelint"


def render(fmt: str, result: RunResult, today: dt.date) -> str:
    renderers: dict[str, Callable[[RunResult, dt.date], str]] = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
        "sarif": render_sarif,
        "markdown": render_markdown,
    }
    return renderers[fmt](result, today)


def summary(result: RunResult) -> dict[str, int]:
    counts = Counter(f.severity for f in result.findings)
    return {
        "files": result.files,
        "pages": len(result.pages),
        "claims": result.claims,
        "references": result.references,
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


def render_text(result: RunResult, today: dt.date) -> str:
    shown, notice = unanswered_notice(result.findings)
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.name} {f.message}" for f in shown]
    if notice:
        lines.append(notice)
    s = summary(result)
    lines.append(
        f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}, "
        f"{_plural(s['infos'], 'info')} in {_plural(s['files'], 'file')} "
        f"({_plural(s['pages'], 'page')}, {_plural(s['claims'], 'claim')}, "
        f"{_plural(s['references'], 'reference')})"
    )
    return "\n".join(lines) + "\n"


def unanswered_notice(findings: list[Finding]) -> tuple[list[Finding], str]:
    """The findings to print one a line, and one line in place of the `doi-unverified`
    findings of DOIs that Crossref did not answer in time, when there are several: an
    outage is one fact, not one line per DOI ("" when there is nothing to collapse).
    JSON, SARIF and the other formats keep one finding per DOI."""
    silent = [f for f in findings if f.name == "doi-unverified" and _SILENT_MARK in f.message]
    dois = {f.doi for f in silent}
    if len(dois) < 2:
        return findings, ""
    reasons = Counter(
        f.message.partition(_SILENT_MARK)[2].removeprefix(" (").removesuffix(")") for f in silent
    )
    why = reasons.most_common(1)[0][0]
    worst = min((f.severity for f in silent), key=_SEVERITY_ORDER.index)
    kept = [f for f in findings if not (f.name == "doi-unverified" and _SILENT_MARK in f.message)]
    notice = (
        f"{SILENT}: {_plural(len(dois), 'DOI')} not checked ({why}); each is a "
        f"doi-unverified {worst.value}, listed one by one with --format json"
    )
    return kept, notice


_SILENT_MARK = f"could not be verified: {SILENT}"
_SEVERITY_ORDER = [Severity.ERROR, Severity.WARNING, Severity.INFO]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "page": finding.page,
        "claim": finding.claim,
        "reference": finding.reference,
        "doi": finding.doi,
        "field": finding.field,
        "expected": finding.expected,
        "actual": finding.actual,
    }


def render_markdown(result: RunResult, today: dt.date) -> str:
    from evidencelint.report_markdown import render_check

    return render_check(check_document(result, today))


def check_document(result: RunResult, today: dt.date) -> dict[str, Any]:
    return {
        "tool": "evidencelint",
        "version": __version__,
        "today": today.isoformat(),
        "findings": [finding_json(f) for f in result.findings],
        "summary": summary(result),
    }


def render_json(result: RunResult, today: dt.date) -> str:
    return json.dumps(check_document(result, today), indent=2, ensure_ascii=False) + "\n"


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: RunResult, today: dt.date) -> str:
    lines = []
    for f in result.findings:
        props = ",".join(
            f"{key}={_escape_property(value)}"
            for key, value in (
                ("file", f.path),
                ("line", str(f.line)),
                ("col", str(f.column)),
                ("title", f"{f.code} {f.name}"),
            )
        )
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape_data(f.message)}")
    s = summary(result)
    lines.append(
        f"evidencelint: {_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}, "
        f"{_plural(s['infos'], 'info')} in {_plural(s['files'], 'file')}"
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
                        "artifactLocation": {"uri": quote(PurePath(f.path).as_posix())},
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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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
    )


def list_rules() -> str:
    width = max(len(rule.name) for rule in RULES)
    return "".join(
        f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}\n"
        for rule in RULES
    )
