"""Where each value of a YAML document stands in its file.

Paths are the tuples pydantic uses for error locations: mapping keys as strings, list
indexes as integers (("claims", 2, "text")).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from evidencelint.findings import Position

Path = tuple[str | int, ...]


class Lines:
    """Character index -> 1-based line and column, counting lines at '\\n' only."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        # Each line starts one past the end of the one before: split and accumulate run
        # in C, and take 60 % of the time of one find call per line.
        self._starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))]
        self._starts.pop()

    def position(self, index: int) -> Position:
        return Position(*self.line_column(index))

    def line_column(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1


class Span(NamedTuple):
    """A node's character offsets in the text, made on request from the stored offsets;
    its line and column are worked out only when asked for."""

    start: int
    end: int
    lines: Lines

    @property
    def position(self) -> Position:
        return self.lines.position(self.start)


Offsets = tuple[int, int]
"""A node's start and end character offsets in its text."""


@dataclass(slots=True)
class SourceMap:
    """Where each value (and each mapping key) of a document stands. Offsets are stored,
    not positions: a page has hundreds of values and few ever appear in a finding."""

    lines: Lines = field(default_factory=lambda: Lines(""))
    values: dict[Path, Offsets] = field(default_factory=dict)
    keys: dict[Path, Offsets] = field(default_factory=dict)
    _children: dict[Path, list[Path]] | None = None

    def value(self, path: Path) -> Position:
        """Position of the value at `path`, or of its nearest ancestor that exists."""
        for i in range(len(path), -1, -1):
            offsets = self.values.get(path[:i])
            if offsets is not None:
                return self.lines.position(offsets[0])
        return Position()

    def key(self, path: Path) -> Position:
        """Position of the mapping key that introduces `path` (falls back to the value)."""
        offsets = self.keys.get(path)
        return self.lines.position(offsets[0]) if offsets is not None else self.value(path)

    def span(self, path: Path) -> Span | None:
        offsets = self.values.get(path)
        return Span(offsets[0], offsets[1], self.lines) if offsets is not None else None

    def detach(self, prefix: Path) -> DetachedSource:
        """The positions of the value at `prefix` and of its direct fields, without the
        rest of the map: a run keeps thousands of these and no whole page."""
        if self._children is None:
            self._children = {}
            for path in self.values:
                if path:
                    self._children.setdefault(path[:-1], []).append(path)
        fields = {
            path[-1]: self.lines.line_column(self.values[path][0])
            for path in self._children.get(prefix, ())
        }
        return DetachedSource(prefix, self.key(prefix), self.value(prefix), fields)


class Positions(Protocol):
    def key(self, path: Path) -> Position: ...

    def value(self, path: Path) -> Position: ...


@dataclass(frozen=True, slots=True)
class DetachedSource:
    """Where one value and its direct fields stand (see SourceMap.detach)."""

    prefix: Path
    key_position: Position
    value_position: Position
    fields: dict[str | int, tuple[int, int]]
    """Line and column of each field: plain tuples pickle fast (see scan_pages)."""

    def __reduce__(self) -> tuple[type[DetachedSource], tuple[Any, ...]]:
        return (
            DetachedSource,
            (self.prefix, self.key_position, self.value_position, self.fields),
        )

    def key(self, path: Path) -> Position:
        return self.key_position if path == self.prefix else self.value(path)

    def value(self, path: Path) -> Position:
        n = len(self.prefix)
        if path[:n] != self.prefix or len(path) == n:
            return self.value_position
        field = self.fields.get(path[n])
        return Position(*field) if field is not None else self.value_position
