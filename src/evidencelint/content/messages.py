"""Pydantic validation errors in words an editor can act on, at the right position."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from evidencelint.content.model import (
    KEY_PATTERN,
    SLUG_PATTERN,
    URL_PATTERN,
    Bibliography,
    Claim,
    Page,
    Reference,
    Suppression,
)
from evidencelint.findings import Position
from evidencelint.load.positions import Path, SourceMap

# pydantic adds union member names ("str", "list[constrained-str]") to error locations;
# these fields are unions, so we report their errors once, at the field itself.
_UNION_FIELDS = frozenset({"reviewed_by"})


def schema_problems(
    errors: list[ErrorDetails], source: SourceMap, root: type[BaseModel]
) -> list[tuple[Position, str]]:
    # Errors of one union field come as a group (one per member type): report it once,
    # where the first of them stood.
    grouped: dict[Path | int, list[ErrorDetails]] = {}
    for index, error in enumerate(errors):
        union_at = _union_prefix(tuple(error["loc"]))
        grouped.setdefault(union_at if union_at is not None else index, []).append(error)
    return [
        _one(group[0], tuple(group[0]["loc"]), source, root)
        if isinstance(key, int)
        else _union_problem(key, group, source)
        for key, group in grouped.items()
    ]


def _union_problem(at: Path, group: list[ErrorDetails], source: SourceMap) -> tuple[Position, str]:
    """One finding for a field that may be a name or a list of names."""
    for error in group:
        loc = tuple(error["loc"])
        if len(loc) > len(at) + 1 and isinstance(loc[len(at) + 1], int):
            item = (*at, loc[len(at) + 1])
            got = _describe_input(error.get("input"))
            return (source.value(item), f"each entry of `{at[-1]}` must be a name, got {got}")
    got = _describe_input(group[0].get("input"))
    return (source.value(at), f"`{at[-1]}` must be a name or a list of names, got {got}")


def _union_prefix(loc: Path) -> Path | None:
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in _UNION_FIELDS and i + 1 < len(loc):
            return loc[: i + 1]
    return None


def _one(
    error: ErrorDetails, loc: Path, source: SourceMap, root: type[BaseModel]
) -> tuple[Position, str]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = _field_name(loc)
    if kind == "string_pattern_mismatch" and len(loc) == 3 and loc[-1] == "[key]":
        key_path = loc[:-1]
        return (
            source.key(key_path),
            f"reference key '{key_path[-1]}' may use only letters, digits and _ . : - "
            "and must start with a letter or digit",
        )
    if kind == "missing":
        return (source.value(loc[:-1]), f"missing required field `{name}`{_what_needs(loc)}")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc, root)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return (
            source.key(loc),
            f"unknown field `{name}`{hint} (allowed here: {', '.join(allowed)})",
        )
    position = source.value(loc)
    if kind == "string_pattern_mismatch":
        return (position, _pattern_message(name, str(ctx.get("pattern", "")), value))
    if kind in {"string_type", "string_sub_type"}:
        return (position, f"`{name}` must be text, got {_describe_input(value)}")
    if kind == "string_too_short":
        return (position, f"`{name}` must not be empty")
    if kind == "enum":
        return (
            position,
            f"`{name}` must be one of {ctx.get('expected', '')}, got {_describe_input(value)}",
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return (
            position,
            f"`{name}` must be a whole number such as 2016, got {_describe_input(value)}",
        )
    if kind in {"greater_than_equal", "less_than_equal"}:
        return (position, f"`{name}` must be a four-digit year, got {_describe_input(value)}")
    if kind == "list_type":
        return (
            position,
            f"`{name}` must be a list (one '- ' line per item), got {_describe_input(value)}",
        )
    if (
        kind in {"dict_type", "model_type", "model_attributes_type"}
        and loc
        and isinstance(loc[-1], int)
    ):
        return (
            position,
            f"each entry of `{name}` must be a mapping of fields ('key: value' lines), "
            f"got {_describe_input(value)}",
        )
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return (
            position,
            f"{_where(name)} must be a mapping of fields ('key: value' lines), "
            f"got {_describe_input(value)}",
        )
    if kind == "iso_date":
        # "'2020-13-10' is not a real calendar date" already quotes the value.
        message = str(error["msg"])
        if str(value) not in message:
            message += f", got {_describe_input(value)}"
        return (position, f"`{name}` {message}")
    if kind == "published_without_claims":
        return (source.value(("claims",)), str(error["msg"]))
    if kind in {"type_requirements", "unknown_rule"}:
        return (position, str(error["msg"]))
    return (position, f"`{name}`: {error['msg']}")


def _field_name(loc: Path) -> str:
    for i in range(len(loc) - 1, -1, -1):
        part = loc[i]
        # pydantic marks dict-key errors with a trailing "[key]"; a field may be named so.
        if isinstance(part, str) and not (
            part == "[key]"
            and i == len(loc) - 1
            and i > 0
            and loc[0] == "references"
            and len(loc) == 3
        ):
            return part
    return "page"


def _where(name: str) -> str:
    return "the file" if name == "page" else f"`{name}`"


def _what_needs(loc: Path) -> str:
    if len(loc) == 1:
        return " (every page needs id, title, status and claims)"
    if len(loc) >= 4 and loc[0] == "claims" and loc[2] == "ignore":
        return " in this ignore entry (every suppression says why)"
    if len(loc) >= 2 and loc[0] == "claims":
        return " in this claim"
    if len(loc) >= 2 and loc[0] == "references":
        return f" in reference '{loc[1]}'"
    return ""


def _allowed_fields(loc: Path, root: type[BaseModel]) -> list[str]:
    model: type[BaseModel] = root
    if len(loc) >= 3 and loc[0] == "references":
        model = Reference
    if len(loc) >= 3 and loc[0] == "claims":
        model = Claim
    if len(loc) >= 5 and loc[0] == "claims" and loc[2] == "ignore":
        model = Suppression
    if root is Bibliography and len(loc) == 1:
        model = Bibliography
    if root is Page and len(loc) == 1:
        model = Page
    return list(model.model_fields)


def _pattern_message(name: str, pattern: str, value: Any) -> str:
    got = _describe_input(value)
    if pattern == SLUG_PATTERN:
        return (
            f"`{name}` must be a slug: lower-case letters, digits and hyphens, starting with "
            f"a letter or digit (like `acupuncture-migraine`), got {got}"
        )
    if pattern == KEY_PATTERN:
        return (
            f"reference key {got} may use only letters, digits and _ . : - and must start "
            "with a letter or digit"
        )
    if pattern == URL_PATTERN:
        return f"`{name}` must be a web address starting with http:// or https://, got {got}"
    return f"`{name}` does not have the expected form, got {got}"


def _describe_input(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return (
            f"{str(value).lower()} (YAML reads yes/no/true/false/on/off as true or false: "
            "put the value in quotes)"
        )
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if isinstance(value, int | float):
        return f"the number {text}"
    return f"'{text}'"
