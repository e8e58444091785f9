"""yaml-syntax, duplicate-key, schema: is the file a well-formed page or bibliography?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from evidencelint.content.documents import PageSummary
from evidencelint.findings import Finding, Position, Severity
from evidencelint.load.yaml_loader import LoadedYaml
from evidencelint.resolve.resolver import ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import RuleContext, WholeRun, report

YAML_SYNTAX = Rule(
    code="EL101",
    name="yaml-syntax",
    severity=Severity.ERROR,
    inputs=(Kind.FILE,),
    summary="the file is not valid YAML",
    why="A file that cannot be parsed cannot be checked or published; everything in it is "
    "unverified until it parses.",
    example="title: Acupuncture: what you need to know   # a second ': ' inside a plain value",
    fix="Follow the message to the line and column. Put values containing ': ' or starting "
    "with a quote, '*' or '&' in quotes, indent with spaces (never tabs), and save as UTF-8.",
)
DUPLICATE_KEY = Rule(
    code="EL102",
    name="duplicate-key",
    severity=Severity.ERROR,
    inputs=(Kind.FILE,),
    summary="a mapping repeats a key",
    why="YAML keeps only the last of two equal keys, silently: the first value (often the "
    "one an editor just wrote) is thrown away.",
    example="title: Acupuncture\n...\ntitle: Acupuncture for pain   # the first title is lost",
    fix="Keep one of the two keys; merge their values if both matter.",
)
SCHEMA = Rule(
    code="EL103",
    name="schema",
    severity=Severity.ERROR,
    inputs=(Kind.FILE, Kind.PAGE, Kind.RUN),
    summary="the file does not fit the content format",
    why="Every later check (citations, DOIs, review dates) relies on the fields the content "
    "format defines; a misspelt or missing field silently disables them.",
    example="last_reviewed: 05/16/2023   # dates are written YYYY-MM-DD",
    fix="Correct the field the message names. The JSON Schema in schema/ gives completion and "
    "inline errors in editors that support yaml-language-server.",
)
RULES = (YAML_SYNTAX, DUPLICATE_KEY, SCHEMA)
_BY_NAME = {rule.name: rule for rule in RULES}


def load_findings(path: str, loaded: LoadedYaml) -> list[Finding]:
    return [
        report(_BY_NAME[problem.name], path, problem.position, problem.message)
        for problem in loaded.problems
    ]


def unread_file(path: str, why: str) -> Finding:
    """A file or folder the run refused to read (a link out of the tree, a folder it
    may not list): nothing in it was checked, so it cannot pass."""
    return report(YAML_SYNTAX, path, Position(), why)


def schema_findings(
    path: str, problems: Sequence[tuple[Position, str]], page: str | None = None
) -> list[Finding]:
    return [report(SCHEMA, path, position, message, page=page) for position, message in problems]


def check_run(run: WholeRun, ctx: RuleContext) -> Iterator[Finding]:
    return duplicate_page_ids(run.pages)


def duplicate_page_ids(pages: Iterable[PageSummary]) -> Iterator[Finding]:
    """Page ids are unique across the run's files."""
    first_by_id: dict[str, PageSummary] = {}
    for page in pages:
        earlier = first_by_id.setdefault(page.id, page)
        if earlier is not page:
            yield report(
                SCHEMA,
                page.path,
                page.id_position,
                f"page id '{page.id}' is already used by {earlier.path}; page ids must be "
                "unique across the content tree",
                page=page.id,
            )


def check_page(resolved: ResolvedPage, ctx: RuleContext) -> Iterator[Finding]:
    """Claim ids unique within the page; no page-local key repeating a shared one."""
    doc = resolved.doc
    yield from _claim_ids(resolved)
    for local, shared in resolved.shared_key_clashes:
        yield report(
            SCHEMA,
            doc.path,
            local.position,
            f"reference key '{local.key}' is also defined in the shared bibliography "
            f"{shared.path} (line {shared.position.line}); keys must be unique across a "
            "page and the shared bibliographies: rename one",
            page=doc.page.id,
            reference=local.key,
        )


def _claim_ids(resolved: ResolvedPage) -> Iterator[Finding]:
    doc = resolved.doc
    seen: dict[str, int] = defaultdict(int)
    for claim in resolved.claims:
        seen[claim.claim.id] += 1
        if seen[claim.claim.id] == 2:
            first = next(c for c in resolved.claims if c.claim.id == claim.claim.id)
            yield report(
                SCHEMA,
                doc.path,
                doc.source.value((*claim.path, "id")),
                f"claim id '{claim.claim.id}' is already used on this page (line "
                f"{doc.source.value((*first.path, 'id')).line}); claim ids must be unique "
                "within a page",
                page=doc.page.id,
                claim=claim.claim.id,
            )
