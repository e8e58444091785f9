"""A rule's identity and documentation (its logic lives in a validators module)."""

from __future__ import annotations

from dataclasses import dataclass

from evidencelint.findings import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str
    severity_note: str = ""
    """How the default severity varies (by field, by page status), in words."""
    severity_label: str = ""
    """The default severities in short ('error/warning') when they vary."""
