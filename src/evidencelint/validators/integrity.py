"""retracted, withdrawn, expression-of-concern, corrected, superseded: is the work current?

Read from the registry record: notices about the work (`updated-by`, which has carried
Retraction Watch data since 2025, and `update-to` entries that point at the work itself),
a "RETRACTED:" title prefix, later versions found by probing, and `relation`s; and from
PubMed's record, the notices it marks. The same notice from two sources (or from both
registries) is one finding; a record listing itself as its own new version is ignored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.rule import Kind, Rule
from evidencelint.validators import pubmed
from evidencelint.validators.base import ReferenceGroup, RuleContext, answered, report
from evidencelint.verify.pubmed_record import PubmedKind
from evidencelint.verify.record import Notice, WorkRecord
from evidencelint.verify.verdicts import Outcome, Verification

RETRACTED = Rule(
    code="EL501",
    name="retracted",
    severity=Severity.ERROR,
    inputs=(Kind.ANSWERS,),
    summary="the cited work has been retracted",
    why="A retracted work is no longer evidence: its data or conclusions were found "
    "unreliable. A health claim resting on it misleads readers.",
    example="doi: 10.1016/S0140-6736(97)11096-0   # retracted in 2010",
    fix="Remove the citation; find current evidence for the claim or withdraw the claim.",
)
WITHDRAWN = Rule(
    code="EL502",
    name="withdrawn",
    severity=Severity.ERROR,
    inputs=(Kind.ANSWERS,),
    summary="the cited work has been withdrawn",
    why="Withdrawn works (including withdrawn Cochrane reviews) are no longer endorsed by "
    "their authors or publisher.",
    example="a Cochrane review withdrawn because it is out of date",
    fix="Cite the work that replaced it, or other current evidence.",
)
EXPRESSION_OF_CONCERN = Rule(
    code="EL503",
    name="expression-of-concern",
    severity=Severity.WARNING,
    inputs=(Kind.ANSWERS,),
    summary="an expression of concern was published about the cited work",
    why="The publisher warns readers that the work's reliability is in doubt; a retraction "
    "often follows.",
    example="a trial whose data integrity is under investigation",
    fix="Read the notice; prefer other evidence for the claim.",
)
CORRECTED = Rule(
    code="EL504",
    name="corrected",
    severity=Severity.INFO,
    inputs=(Kind.ANSWERS,),
    summary="a correction or erratum was published about the cited work",
    why="Corrections can change numbers a claim quotes.",
    example="an erratum correcting a table of results",
    fix="Read the correction and check the claim still holds as written.",
)
SUPERSEDED = Rule(
    code="EL505",
    name="superseded",
    severity=Severity.WARNING,
    inputs=(Kind.ANSWERS,),
    summary="a newer version of the cited work exists",
    why="A newer version of a review (Cochrane .pub3 after .pub2) may reach other "
    "conclusions; the page cites outdated evidence.",
    example="doi: 10.1002/14651858.CD001218.pub2   # .pub3 exists",
    fix="Read the newer version, update the claim if needed, and cite it.",
)
RULES = (RETRACTED, WITHDRAWN, EXPRESSION_OF_CONCERN, CORRECTED, SUPERSEDED)

_RULE_OF_KIND = {
    "retraction": RETRACTED,
    "partial_retraction": RETRACTED,
    "withdrawal": WITHDRAWN,
    "removal": WITHDRAWN,
    "expression_of_concern": EXPRESSION_OF_CONCERN,
    "correction": CORRECTED,
    "erratum": CORRECTED,
    "corrigendum": CORRECTED,
    "addendum": CORRECTED,
    "clarification": CORRECTED,
    "new_version": SUPERSEDED,
    "new_edition": SUPERSEDED,
}
_RULE_OF_PUBMED = {
    PubmedKind.RETRACTED: RETRACTED,
    PubmedKind.EXPRESSION_OF_CONCERN: EXPRESSION_OF_CONCERN,
    PubmedKind.CORRECTED: CORRECTED,
    PubmedKind.SUPERSEDED: SUPERSEDED,
}
_PUBMED_VERB = {
    PubmedKind.RETRACTED: "is marked retracted",
    PubmedKind.EXPRESSION_OF_CONCERN: "is marked with an expression of concern",
    PubmedKind.CORRECTED: "is marked corrected",
    PubmedKind.SUPERSEDED: "is marked updated",
}
_ADVICE = {
    RETRACTED.name: "remove the citation and find current evidence for the claim",
    WITHDRAWN.name: "cite the work that replaced it, or other current evidence",
    EXPRESSION_OF_CONCERN.name: "read the notice and prefer other evidence",
    CORRECTED.name: "check that the claim still holds as corrected",
    SUPERSEDED.name: "read the newer version, update the claim if needed, and cite it",
}


def check_answers(groups: Iterable[ReferenceGroup], ctx: RuleContext) -> Iterator[Finding]:
    for group in groups:
        crossref = list(check(group.entries, group.page, ctx))
        yield from _with_pubmed(crossref, group.entries, group.page, ctx)


def _with_pubmed(
    crossref: list[Finding], entries: Iterable[ReferenceEntry], page: str | None, ctx: RuleContext
) -> Iterator[Finding]:
    """Crossref's findings, each naming PubMed too where PubMed marks the same notice, and
    the notices only PubMed marks."""
    index = {(f.path, f.reference, f.name): i for i, f in enumerate(crossref)}
    said: set[tuple[str, str, str]] = set()
    alone: list[Finding] = []
    for entry in entries:
        found = pubmed.record_of(entry, ctx)
        if found is None:
            continue
        record, field = found
        for kind, text in pubmed.marked(record).items():
            rule = _RULE_OF_PUBMED[kind]
            key = (entry.path, entry.key, rule.name)
            if key in said:
                continue  # one reference listed twice
            said.add(key)
            if key in index:
                i = index[key]
                message = f"{crossref[i].message} (PubMed marks it too: {text})"
                crossref[i] = dataclasses.replace(crossref[i], message=message)
                continue
            ref = entry.reference
            alone.append(
                report(
                    rule,
                    entry.path,
                    entry.field_position(field),
                    f"PMID {record.pmid} {_PUBMED_VERB[kind]} in PubMed: {text}; "
                    f"{_ADVICE[rule.name]}",
                    page=page,
                    reference=entry.key,
                    doi=normalise_doi(ref.doi) if ref is not None and ref.doi else None,
                )
            )
    yield from crossref
    yield from alone


def check(
    entries: Iterable[ReferenceEntry], page: str | None, ctx: RuleContext
) -> Iterator[Finding]:
    """Findings for the notices Crossref's records carry."""
    seen: set[tuple[str, str | None, str, str]] = set()
    for entry, doi, answer in answered(entries, ctx):
        if answer.outcome is not Outcome.FOUND or answer.record is None:
            continue
        for rule, message in _problems(doi, answer, entry.written_doi or doi):
            once = (entry.path, entry.key, doi, rule.name)
            if once in seen:
                continue  # one reference listed twice: its notices are said once
            seen.add(once)
            yield report(
                rule,
                entry.path,
                entry.field_position("doi"),
                f"{message}; {_ADVICE[rule.name]}",
                page=page,
                reference=entry.key,
                doi=doi,
            )


_GRAVITY = (RETRACTED, WITHDRAWN, EXPRESSION_OF_CONCERN, CORRECTED)
"""Most serious first. A work retracted (or withdrawn) is one problem: its other notices
are said in that finding's message, not as findings of their own."""


def _problems(doi: str, answer: Verification, shown: str) -> list[tuple[Rule, str]]:
    """`doi` normalised, for comparing; `shown` as the file writes it, for messages."""
    record = answer.record
    if record is None:
        return []
    notices: dict[str, list[Notice]] = {}
    for notice in _notices_about(record):
        rule = _RULE_OF_KIND.get(notice.kind)
        if rule is not None:
            notices.setdefault(rule.name, []).append(notice)
    _each_notice_once(notices)
    prefix = _title_prefix(record)
    problems: list[tuple[Rule, str]] = []
    for rule in _GRAVITY:
        found = notices.get(rule.name, [])
        if found:
            message = f"{shown} {_verb(rule)}: {_describe(found)}"
        elif prefix == rule.name:
            message = f"{shown} {_verb(rule)}: its registered title says so"
        else:
            continue
        if rule in (RETRACTED, WITHDRAWN):
            lesser = _GRAVITY[_GRAVITY.index(rule) + 1 :]
            also = [
                f"{_NOUN[other.name]}: {_describe(notices[other.name])}"
                for other in lesser
                if notices.get(other.name)
            ]
            if also:
                message += f" (also {'; '.join(also)})"
            problems.append((rule, message))
            break
        problems.append((rule, message))
    newer = [*answer.newer_versions]
    newer += [n.doi for n in notices.get(SUPERSEDED.name, []) if n.doi and n.doi != doi]
    newer += list(record.relations.get("is-replaced-by", ()))
    published = list(record.relations.get("is-preprint-of", ()))
    if newer:
        unique = list(dict.fromkeys(newer))
        problems.append((SUPERSEDED, f"a newer version of {shown} exists: {', '.join(unique)}"))
    elif published:
        problems.append(
            (
                SUPERSEDED,
                f"{shown} is a preprint, published since as {', '.join(dict.fromkeys(published))}",
            )
        )
    return problems


_NOUN = {
    WITHDRAWN.name: "withdrawn",
    EXPRESSION_OF_CONCERN.name: "expression of concern",
    CORRECTED.name: "corrected",
}


def _each_notice_once(notices: dict[str, list[Notice]]) -> None:
    """A notice deposited under two kinds (a retraction also typed as a correction) counts
    under the more serious one only."""
    claimed: set[str] = set()
    for rule in _GRAVITY:
        kept = [n for n in notices.get(rule.name, []) if not n.doi or n.doi not in claimed]
        claimed.update(n.doi for n in kept if n.doi)
        if rule.name in notices:
            notices[rule.name] = kept


def _notices_about(record: WorkRecord) -> Iterator[Notice]:
    for notice in record.updated_by:
        if notice.kind in {"new_version", "new_edition"} and notice.doi == record.doi:
            continue  # a record listing itself as its own new version
        yield notice
    for notice in record.update_to:
        if notice.doi == record.doi and notice.kind not in {"new_version", "new_edition"}:
            yield notice  # a publisher marking the work itself (a self-referencing notice)


_NOTICE_PREFIX = re.compile(r"^\s*(retracted|withdrawn)(?:\s+article)?\s*:", re.IGNORECASE)


def _title_prefix(record: WorkRecord) -> str:
    """'RETRACTED: ...' / 'RETRACTED ARTICLE: ...' as publishers mark the work itself; a
    title that merely starts with the word ('Retracted papers in ...') is not a mark."""
    match = _NOTICE_PREFIX.match(record.title)
    if match is None:
        return ""
    return RETRACTED.name if match.group(1).lower() == "retracted" else WITHDRAWN.name


def _verb(rule: Rule) -> str:
    return {
        RETRACTED.name: "has been retracted",
        WITHDRAWN.name: "has been withdrawn",
        EXPRESSION_OF_CONCERN.name: "is subject to an expression of concern",
        CORRECTED.name: "has been corrected",
    }[rule.name]


def _describe(notices: list[Notice]) -> str:
    """Each distinct notice once, with its earliest date and every source that lists it."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for notice in notices:
        date, sources = merged.get(notice.doi, (notice.date, []))
        if notice.date and (not date or notice.date < date):
            date = notice.date
        source = _SOURCES.get(notice.source, notice.source or "the registry")
        if source not in sources:
            sources.append(source)
        merged[notice.doi] = (date, sources)
    parts = []
    for doi, (date, sources) in sorted(merged.items()):
        name = f"notice {doi}" if doi else "a notice"
        when = f" of {date}" if date else ""
        parts.append(f"{name}{when} ({' and '.join(sources)})")
    return "; ".join(parts)


_SOURCES = {"retraction-watch": "Retraction Watch", "publisher": "the publisher"}
