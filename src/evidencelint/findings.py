"""The finding: one problem at one place, in the shape the JSON contract fixes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from evidencelint.rule_names import codes_by_name


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int = 1
    column: int = 1

    def __reduce__(self) -> tuple[type[Position], tuple[int, int]]:
        # Pages scanned in worker processes send thousands of positions back; the
        # default pickling of a frozen slots dataclass is several times slower.
        return (Position, (self.line, self.column))


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    page: str | None = None
    claim: str | None = None
    reference: str | None = None
    doi: str | None = None
    field: str | None = None
    expected: str | None = None
    actual: str | None = None

    @property
    def code(self) -> str:
        return codes_by_name()[self.name]

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.name)
