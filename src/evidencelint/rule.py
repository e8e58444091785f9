"""A rule's identity and documentation (its logic lives in a validators module)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from evidencelint.findings import Severity


class Kind(Enum):
    """The input a rule's check reads; the run calls each family's check for it
    (`evidencelint.validators.all_rules`)."""

    FILE = "file"
    """A file as read: what the YAML loader and the content model say of it. The run
    turns these problems into findings itself, as it reads each file."""
    PAGE = "page"
    """One resolved page: `check_page(page, ctx)`, before any registry answer."""
    ANSWERS = "answers"
    """The registries' answers about the references: `check_answers(groups, ctx)`."""
    RUN = "run"
    """Everything the run read at once (across pages): `check_run(run, ctx)`."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str
    inputs: tuple[Kind, ...]
    """The kinds of input whose checks report this rule."""
    severity_note: str = ""
    """How the default severity varies (by field, by page status), in words."""
    severity_label: str = ""
    """The default severities in short ('error/warning') when they vary."""
