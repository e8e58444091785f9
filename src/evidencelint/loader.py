"""Read a YAML file into plain data plus a map of where every value stands.

PyYAML's C parser composes nodes carrying their marks; we build the Python values
ourselves so that we keep those marks, catch repeated keys (PyYAML silently keeps the
last one) and refuse documents that aliases blow up ("billion laughs"). Nothing here
raises for bad input: every problem becomes a finding and the caller moves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from evidencelint.findings import Position
from evidencelint.sourcemap import Path, SourceMap, Span

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing; slower but equivalent
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A problem found while loading; `name` is a finding name of the contract."""

    name: str
    position: Position
    message: str


@dataclass(slots=True)
class LoadedYaml:
    text: str
    data: Any = None
    source: SourceMap = field(default_factory=SourceMap)
    problems: list[LoadProblem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """True when `data` holds a whole document worth validating."""
        return not any(p.name != "duplicate-key" for p in self.problems)


class _TooLarge(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


def load_file(path: FsPath, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _failed(
                "",
                "schema",
                Position(),
                f"the file is {size / 1_048_576:.1f} MB, larger than the {max_bytes // 1024} KB "
                "allowed for one content file; split it into several pages",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return _failed("", "yaml-syntax", Position(), f"cannot read the file: {exc.strerror}")
    return load_bytes(raw, max_bytes=max_bytes)


def load_bytes(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    if len(raw) > max_bytes:
        return _failed(
            "",
            "schema",
            Position(),
            f"the file is {len(raw) / 1_048_576:.1f} MB, larger than the {max_bytes // 1024} KB "
            "allowed for one content file; split it into several pages",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(
            "",
            "yaml-syntax",
            Position(line, column),
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} here); "
            "save it with UTF-8 encoding",
        )
    return load_text(text)


def load_text(text: str) -> LoadedYaml:
    if "\x00" in text:
        index = text.index("\x00")
        return _failed(
            text,
            "yaml-syntax",
            _position_of(text, index),
            "the file contains a NUL character; it is not a text file",
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position()
        return _failed(text, "yaml-syntax", position, _describe_yaml_error(exc))
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError) as exc:
        return _failed(text, "yaml-syntax", Position(), f"the file cannot be parsed as YAML: {exc}")
    if node is None:
        return _failed(
            text,
            "schema",
            Position(),
            "the file is empty; a page needs at least id, title, status and claims",
        )
    builder = _Builder()
    loaded = LoadedYaml(text=text, source=builder.source, problems=builder.problems)
    try:
        loaded.data = builder.build(node, (), 0)
    except _TooLarge as exc:
        loaded.problems.append(LoadProblem("schema", exc.position, str(exc)))
        loaded.data = None
    return loaded


def _failed(text: str, name: str, position: Position, message: str) -> LoadedYaml:
    return LoadedYaml(text=text, problems=[LoadProblem(name, position, message)])


def _position_of(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    return Position(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "invalid YAML").strip()
    hint = ""
    if "found character '\\t'" in problem:
        hint = "; YAML indentation must use spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "; a value containing ': ' must be put in quotes"
    elif "expected a single document" in (exc.context or ""):
        problem = "the file holds more than one YAML document ('---')"
        hint = "; put each page in its own file"
    elif "found undefined alias" in problem:
        hint = "; an '*' starts an alias: put the value in quotes"
    context = f" {exc.context.strip()}" if exc.context and not hint else ""
    return f"invalid YAML: {problem}{context}{hint}"


class _Builder:
    """Turns a composed node graph into Python values, recording each node's span."""

    def __init__(self) -> None:
        self.source = SourceMap()
        self.problems: list[LoadProblem] = []
        self._constructor = SafeConstructor()
        self._count = 0

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self._count += 1
        start = node.start_mark
        if self._count > MAX_NODES:
            raise _TooLarge(
                f"the file expands to more than {MAX_NODES} values (through YAML aliases or sheer "
                "size); content files must not use aliases that multiply their size",
                Position(start.line + 1, start.column + 1),
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(
                f"values are nested more than {MAX_DEPTH} levels deep; the content format needs "
                "only a few levels",
                Position(start.line + 1, start.column + 1),
            )
        self.source.values.setdefault(path, _span(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                mark = key_node.start_mark
                self.problems.append(
                    LoadProblem(
                        "schema",
                        Position(mark.line + 1, mark.column + 1),
                        "a key must be plain text, not a list or mapping",
                    )
                )
                continue
            key = str(key_node.value)
            if key in first_seen:
                earlier = first_seen[key].start_mark
                mark = key_node.start_mark
                self.problems.append(
                    LoadProblem(
                        "duplicate-key",
                        Position(mark.line + 1, mark.column + 1),
                        f"key '{key}' appears twice in this mapping (first at line "
                        f"{earlier.line + 1}); YAML would silently keep only this one: "
                        "remove or rename one of them",
                    )
                )
                for stale in [p for p in self.source.values if p[: len(path) + 1] == (*path, key)]:
                    del self.source.values[stale]
            else:
                first_seen[key] = key_node
            child = (*path, key)
            self.source.keys[child] = _span(key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # An unknown tag or an impossible timestamp (2023-02-30): keep the text and
            # let validation say what is wrong with it.
            return str(node.value)


def _span(node: yaml.Node) -> Span:
    return Span(
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        node.start_mark.index,
        node.end_mark.index,
    )
