"""Read a YAML file into plain data plus a map of where every value stands.

PyYAML's C parser composes nodes carrying their marks; we build the Python values
ourselves so that we keep those marks, catch repeated keys (PyYAML silently keeps the
last one) and refuse documents that aliases blow up ("billion laughs"). Nothing here
raises for bad input: every problem becomes a finding and the caller moves on.

Lines are counted at "\\n" only, as editors, git and CI annotations count them; libyaml
also breaks lines at U+2028, U+2029, U+0085 and a lone CR, so positions are computed
from the character index of each mark, never from libyaml's line numbers.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, BinaryIO

import yaml
from yaml.constructor import SafeConstructor

from evidencelint.findings import Position
from evidencelint.load.positions import Lines, Path, SourceMap

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - libyaml missing; slower but equivalent
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """The safe loader with a leaner tag resolution for scalars, which it does once per
    value: the inherited method builds a new list of candidate patterns every time, and
    the tag of a short plain scalar (a key, 'journal-article', a year) is remembered."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = self._plain_tag(value)
            if len(value) <= _REMEMBERED_UP_TO:
                if len(_PLAIN_TAGS) >= _REMEMBERED:
                    _PLAIN_TAGS.clear()
                _PLAIN_TAGS[value] = tag
        return tag

    def _plain_tag(self, value: str) -> str:
        resolvers: dict[Any, list[tuple[str, Any]]] = self.yaml_implicit_resolvers
        for first in (value[:1], None):
            for tag, regexp in resolvers.get(first, ()):
                if regexp.match(value):
                    return tag
        return self.DEFAULT_SCALAR_TAG


_PLAIN_TAGS: dict[str, str] = {}
"""Plain scalar -> its tag: the same keys and values come back in every page."""
_REMEMBERED = 20_000
_REMEMBERED_UP_TO = 100


_STR_TAG = "tag:yaml.org,2002:str"
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64
_NESTING_CHARS = "[{:-?"
_PRESCAN_ABOVE = 2000
"""Composing recurses on the C stack once per nesting level, and a few thousand levels
crash the process. When the file has this many characters that can open a level, its
depth is first measured from the (iterative) event stream."""


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


class _Refused(Exception):
    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1_048_576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _too_large(size: int, max_bytes: int, more: bool = False) -> LoadedYaml:
    at_least = "more than " if more else ""
    return _failed(
        "",
        "schema",
        Position(),
        f"the file is {at_least}{size_text(size)}, larger than the {size_text(max_bytes)} "
        "allowed for one content file; split it into several pages",
    )


def load_file(path: FsPath, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    """A regular file's YAML, at most `max_bytes` read. A FIFO, a device (a link to
    /dev/zero) or a folder is refused without reading: opened non-blocking, it cannot
    hang the run, and the bytes read are counted, not taken from `st_size`."""
    raw = read_limited(path, max_bytes)
    return raw if isinstance(raw, LoadedYaml) else load_bytes(raw, max_bytes=max_bytes)


def read_limited(path: FsPath, max_bytes: int = MAX_FILE_BYTES) -> bytes | LoadedYaml:
    """The bytes of a regular file of at most `max_bytes`, or the failed load that says
    why it cannot be read (see load_file)."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY)
    except OSError as exc:
        return _failed("", "yaml-syntax", Position(), f"cannot read the file: {exc.strerror}")
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return _failed("", "yaml-syntax", Position(), not_regular(info.st_mode))
            if info.st_size > max_bytes:
                return _too_large(info.st_size, max_bytes)
            raw = _read_at_most(handle, max_bytes + 1)
        except OSError as exc:
            return _failed("", "yaml-syntax", Position(), f"cannot read the file: {exc.strerror}")
    if len(raw) > max_bytes:  # it grew, or its size was not what it said
        return _too_large(max(len(raw), info.st_size), max_bytes, more=True)
    return raw


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes, in pieces: a large limit is not allocated up front."""
    chunks, total = [], 0
    while total < limit:
        chunk = handle.read(min(1 << 16, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"not read: this is {kind}, not a regular file; content files are plain files"


def load_bytes(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    text = decoded_text(raw, max_bytes)
    return text if isinstance(text, LoadedYaml) else load_text(text)


def decoded_text(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> str | LoadedYaml:
    """The text of a file's bytes, or the failed load that says why they are not text."""
    if len(raw) > max_bytes:
        return _too_large(len(raw), max_bytes)
    try:
        return raw.decode("utf-8-sig")
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


def load_text(text: str) -> LoadedYaml:
    lines = Lines(text)
    if "\x00" in text:
        return _failed(
            text,
            "yaml-syntax",
            lines.position(text.index("\x00")),
            "the file contains a NUL character; it is not a text file",
        )
    try:
        if sum(text.count(c) for c in _NESTING_CHARS) > _PRESCAN_ABOVE:
            _check_depth(text)
        node = yaml.compose(text, Loader=_Loader)
    except _Refused as exc:
        return _failed(text, "schema", lines.position(exc.index), str(exc))
    except yaml.MarkedYAMLError as exc:
        if (too_deep := _depth_refusal(text)) is not None:
            return _failed(text, "schema", lines.position(too_deep.index), str(too_deep))
        mark = exc.problem_mark or exc.context_mark
        position = lines.position(mark.index) if mark is not None else Position()
        return _failed(text, "yaml-syntax", position, _describe_yaml_error(exc, text))
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError) as exc:
        if (too_deep := _depth_refusal(text)) is not None:
            return _failed(text, "schema", lines.position(too_deep.index), str(too_deep))
        return _failed(text, "yaml-syntax", Position(), f"the file cannot be parsed as YAML: {exc}")
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        return _failed(
            text,
            "schema",
            Position(),
            "the file is empty; a page needs at least id, title, status and claims",
        )
    builder = _Builder(lines)
    loaded = LoadedYaml(text=text, source=builder.source, problems=builder.problems)
    try:
        loaded.data = builder.build(node, (), 0)
    except _Refused as exc:
        loaded.problems.append(LoadProblem("schema", lines.position(exc.index), str(exc)))
        loaded.data = None
    return loaded


def _check_depth(text: str, loader: Any = _Loader) -> None:
    depth = -1  # the top-level collection is level 0, as in _Builder.build
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _Refused(_too_deep(), mark.index if mark is not None else 0)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _depth_refusal(text: str) -> _Refused | None:
    """Our depth limit, measured after the parser gave up.

    Parsers have limits of their own (libyaml 0.2.6, bundled from PyYAML 6.0.4 on, stops
    at 1,000 levels with "exceeded maximum nesting depth"; the pure-Python parser runs
    out of recursion): whichever stops first, a document nested past MAX_DEPTH gets the
    same finding at the same place, the first value too deep. libyaml's scanner reads a
    flow collection to its end before it yields the first event, so the depth is measured
    with the pure-Python parser, which yields events as it goes."""
    try:
        _check_depth(text, yaml.SafeLoader)
    except _Refused as exc:
        return exc
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError):
        return None
    return None


def _too_deep() -> str:
    return (
        f"values are nested more than {MAX_DEPTH} levels deep; the content format needs only "
        "a few levels"
    )


def _failed(text: str, name: str, position: Position, message: str) -> LoadedYaml:
    return LoadedYaml(text=text, problems=[LoadProblem(name, position, message)])


def _describe_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = (exc.problem or "invalid YAML").strip()
    mark = exc.problem_mark
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    hint = ""
    if at == "\t" or "found character '\\t'" in problem:
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

    def __init__(self, lines: Lines) -> None:
        self.source = SourceMap(lines)
        self.problems: list[LoadProblem] = []
        self._constructor = SafeConstructor()
        self._count = 0

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise _Refused(
                f"the file expands to more than {MAX_NODES} values (through YAML aliases or "
                "sheer size); content files must not use aliases that multiply their size",
                node.start_mark.index,
            )
        if depth > MAX_DEPTH:
            raise _Refused(_too_deep(), node.start_mark.index)
        self.source.values.setdefault(path, (node.start_mark.index, node.end_mark.index))
        if type(node) is yaml.ScalarNode and node.tag == _STR_TAG:
            return node.value  # most values: no need for the constructor's dispatch
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
                self.problems.append(
                    LoadProblem(
                        "schema",
                        self.source.lines.position(key_node.start_mark.index),
                        "a key must be plain text, not a list or mapping",
                    )
                )
                continue
            key = str(key_node.value)
            if key in first_seen:
                earlier = self.source.lines.position(first_seen[key].start_mark.index)
                self.problems.append(
                    LoadProblem(
                        "duplicate-key",
                        self.source.lines.position(key_node.start_mark.index),
                        f"key '{key}' appears twice in this mapping (first at line "
                        f"{earlier.line}); YAML would silently keep only this one: "
                        "remove or rename one of them",
                    )
                )
                for stale in [p for p in self.source.values if p[: len(path) + 1] == (*path, key)]:
                    del self.source.values[stale]
            else:
                first_seen[key] = key_node
            child = (*path, key)
            self.source.keys[child] = (key_node.start_mark.index, key_node.end_mark.index)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:
            # An unknown or mis-valued tag (!!bool maybe) or an impossible timestamp
            # (2023-02-30): keep the text and let validation say what is wrong with it.
            return str(node.value)
