"""Where each value of a YAML document stands in its file.

Paths are the tuples pydantic uses for error locations: mapping keys as strings, list
indexes as integers (("claims", 2, "text")).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evidencelint.findings import Position

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Span:
    """A node's start (1-based line/column) and its character offsets in the text."""

    line: int
    column: int
    start: int
    end: int

    @property
    def position(self) -> Position:
        return Position(self.line, self.column)


@dataclass(slots=True)
class SourceMap:
    values: dict[Path, Span] = field(default_factory=dict)
    keys: dict[Path, Span] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """Position of the value at `path`, or of its nearest ancestor that exists."""
        for i in range(len(path), -1, -1):
            span = self.values.get(path[:i])
            if span is not None:
                return span.position
        return Position()

    def key(self, path: Path) -> Position:
        """Position of the mapping key that introduces `path` (falls back to the value)."""
        span = self.keys.get(path)
        return span.position if span is not None else self.value(path)

    def span(self, path: Path) -> Span | None:
        return self.values.get(path)
