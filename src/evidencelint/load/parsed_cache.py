"""Loaded shared bibliographies kept beside the answer cache, so that a one-page check
does not parse a 200-entry bibliography again each time (it was most of the work left).

An entry is JSON text, never a pickle: the cache folder is restored from CI and
untrusted, and reading it runs no code. One file per bibliography path holds the
load of one exact content: it is used only when its key, a hash of the file's bytes, the
size limit and this version, matches, and only when every part of it has the shape the
loader gives (types, paths, offsets inside the text). Anything else is a miss: the file
is parsed again, and the entry is rewritten atomically. Values keep their Python types
(a date stays a date), so validation and every position are those of a fresh parse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path as FsPath
from typing import Any

from evidencelint import __version__
from evidencelint.findings import Position
from evidencelint.load.positions import Lines, Path, SourceMap
from evidencelint.load.yaml_loader import (
    MAX_DEPTH,
    LoadedYaml,
    LoadProblem,
    decoded_text,
    load_text,
    read_limited,
)

FOLDER = "bibliographies"
FORMAT = 2
MAX_ENTRY_FACTOR = 16
"""An entry is read only up to this many times the file size limit (a real one is a
few times the file's size)."""


class _Unusable(Exception):
    """The entry is not one this module wrote for this content."""


def load_bibliography(path: FsPath, max_bytes: int, cache: FsPath | None) -> LoadedYaml:
    """What `load_file(path, max_bytes)` gives, from the cache in `cache` when it holds
    this content's load."""
    raw = read_limited(path, max_bytes)
    if isinstance(raw, LoadedYaml):
        return raw  # unreadable or too large: nothing worth keeping
    text = decoded_text(raw, max_bytes)
    if isinstance(text, LoadedYaml):
        return text
    if cache is None:
        return load_text(text)
    key = content_key(raw, max_bytes)
    entry = (
        cache / FOLDER / (hashlib.sha256(os.fsencode(os.path.abspath(path))).hexdigest() + ".json")
    )
    cached = _read(entry, key, text, max_bytes)
    if cached is not None:
        return cached
    loaded = load_text(text)
    _write(entry, key, loaded)
    return loaded


def content_key(raw: bytes, max_bytes: int) -> str:
    digest = hashlib.sha256(f"evidencelint {__version__} format {FORMAT} {max_bytes}\0".encode())
    digest.update(raw)
    return digest.hexdigest()


def _read(entry: FsPath, key: str, text: str, max_bytes: int) -> LoadedYaml | None:
    try:
        fd = os.open(
            entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            limit = MAX_ENTRY_FACTOR * max_bytes
            stored = handle.read(limit + 1)
        if len(stored) > limit:
            return None
        return decode(json.loads(stored), key, text)
    except Exception:  # whatever the entry holds, it is a miss, never an error
        return None


def _write(entry: FsPath, key: str, loaded: LoadedYaml) -> None:
    """Best effort: a cache that cannot take the entry just means parsing next time. A
    link or a special file in the entry's place is left alone, never written through."""
    from evidencelint.atomic import write_text_atomic

    try:
        encoded = encode(loaded, key)
        if not _same(decode(json.loads(encoded), key, loaded.text), loaded):
            return  # a value JSON cannot carry exactly (NaN): parse it each time
        folder = entry.parent
        folder.mkdir(parents=True, exist_ok=True)
        if folder.is_symlink() or not folder.is_dir():
            return
        try:
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                return
        except FileNotFoundError:
            pass
        write_text_atomic(entry, encoded)
    except Exception:  # WriteError, OSError, a value with no JSON form: parse next time
        return


def _same(a: LoadedYaml, b: LoadedYaml) -> bool:
    return (
        a.data == b.data
        and a.problems == b.problems
        and list(a.source.values.items()) == list(b.source.values.items())
        and list(a.source.keys.items()) == list(b.source.keys.items())
    )


def encode(loaded: LoadedYaml, key: str) -> str:
    """Compact, because reading the entry must cost well under a parse: strings, numbers,
    booleans, null and mappings are themselves; anything else is a list whose first item
    says what it is. A path is written once, as its parent's index and its last part."""
    index: dict[Path, int] = {}
    values: list[list[Any]] = []
    for path, (start, end) in loaded.source.values.items():
        parent = index[path[:-1]] if path else -1
        index[path] = len(values)
        values.append([parent, path[-1] if path else 0, start, end])
    # The key of a value a repeated key replaced has no value of its own: its whole path.
    keys = [
        [index.get(path, list(path)), start, end]
        for path, (start, end) in loaded.source.keys.items()
    ]
    return json.dumps(
        {
            "format": FORMAT,
            "key": key,
            "data": _value(loaded.data),
            "values": values,
            "keys": keys,
            "problems": [
                [p.name, p.position.line, p.position.column, p.message] for p in loaded.problems
            ],
        },
        ensure_ascii=False,
        allow_nan=False,
    )


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return ["f", repr(value)]  # JSON has no infinity (YAML's .inf)
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, list):
        return ["l", *(_value(v) for v in value)]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _value(v) for k, v in value.items()}
    raise _Unusable(f"no JSON form for {type(value).__name__}")


def decode(stored: Any, key: str, text: str) -> LoadedYaml:
    """The LoadedYaml an entry holds, checked part by part; _Unusable when any part is
    not what `encode` writes for this content."""
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != key:
        raise _Unusable("another format or another content")
    size = len(text)
    paths: list[Path] = []
    values: dict[Path, tuple[int, int]] = {}
    for item in _list(stored["values"]):
        parent, part, start, end = _list(item)
        if not (type(start) is int and type(end) is int and 0 <= start <= end <= size):
            raise _Unusable("offsets outside the text")
        if parent == -1 and not paths:
            path: Path = ()
        elif type(parent) is int and 0 <= parent < len(paths) and type(part) in (str, int):
            path = (*paths[parent], part)
            if len(path) > MAX_DEPTH + 1:
                raise _Unusable("a path deeper than the loader goes")
        else:
            raise _Unusable("a path is not one the loader makes")
        paths.append(path)
        values[path] = (start, end)
    keys: dict[Path, tuple[int, int]] = {}
    for item in _list(stored["keys"]):
        at, start, end = _list(item)
        if type(at) is int and 0 <= at < len(paths):
            path = paths[at]
        elif (
            type(at) is list and all(type(p) in (str, int) for p in at) and len(at) <= MAX_DEPTH + 1
        ):
            path = tuple(at)
        else:
            raise _Unusable("a key of no value")
        if not (type(start) is int and type(end) is int and 0 <= start <= end <= size):
            raise _Unusable("offsets outside the text")
        keys[path] = (start, end)
    problems = []
    for item in _list(stored["problems"]):
        name, line, column, message = _list(item)
        if not (isinstance(name, str) and isinstance(message, str)):
            raise _Unusable("a problem is not text")
        problems.append(LoadProblem(name, Position(_count(line), _count(column)), message))
    source = SourceMap(Lines(text), values, keys)
    return LoadedYaml(text, _decoded(stored["data"], 0), source, problems)


def _decoded(item: Any, depth: int) -> Any:
    kind = type(item)
    if kind is str or kind is int or kind is bool or item is None:
        return item
    if depth > MAX_DEPTH + 1:
        raise _Unusable("nested deeper than the loader allows")
    if kind is dict:
        return {k: _decoded(v, depth + 1) for k, v in item.items()}
    if kind is not list or not item:
        raise _Unusable("not a value the loader makes")
    tag = item[0]
    if tag == "l":
        return [_decoded(v, depth + 1) for v in item[1:]]
    if len(item) != 2 or type(item[1]) is not str:
        raise _Unusable("not a value the loader makes")
    if tag == "f":
        return float(item[1])
    if tag == "t":
        return dt.datetime.fromisoformat(item[1])
    if tag == "d":
        return dt.date.fromisoformat(item[1])
    raise _Unusable("an unknown tag")


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Unusable("a list was expected")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: Any) -> int:
    if not (_is_int(value) and value >= 1):
        raise _Unusable("a line or column is not a positive number")
    return int(value)
