"""Round-trip edits of one content file: comments, key order, quoting and layout kept.

The file is read with ruamel.yaml's round-trip loader. The untouched tree and the fixed
one are both written out, and only the lines that differ between those two replace the
file's lines: a line no fix touched stays as the editor wrote it, even where ruamel.yaml
would write it otherwise (an escape in a quoted string, a comment's column). When the
untouched tree does not even line up with the file line for line, the fixes are listed
and not applied (rewriting the layout is not a fix).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evidencelint.fix.safe import bare_doi, iso_date, tidy_text

_STYLES = ((2, 4, 2), (2, 2, 0), (2, 2, 2), (4, 4, 2), (4, 6, 4), (2, 4, 0))
"""(mapping, sequence, offset) indentations tried, the demo content's first."""


@dataclass(frozen=True, slots=True)
class Change:
    line: int
    name: str
    message: str
    safe: bool = True


@dataclass(slots=True)
class Edited:
    text: str
    changes: list[Change] = field(default_factory=list)
    suggestions: list[Change] = field(default_factory=list)
    problem: str = ""
    """Why the file was not edited (not YAML, its layout would change)."""


RegistryFixer = Callable[[str, Any, int], tuple[list[Change], list[Change]]]
"""(reference key, reference mapping, line) -> (unsafe changes made, suggestions)."""


def _yaml(style: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=style[0], sequence=style[1], offset=style[2])
    return yaml


def _dump(yaml: Any, tree: Any) -> str:
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def edit(text: str, registry: RegistryFixer | None = None) -> Edited:
    from ruamel.yaml.error import YAMLError

    style = None
    tree: Any = None
    untouched = ""
    lines = text.splitlines(keepends=True)
    for candidate in _STYLES:
        yaml = _yaml(candidate)
        try:
            tree = yaml.load(text)
            untouched = _dump(yaml, tree)
        except YAMLError as exc:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return Edited(text, problem=f"not valid YAML ({problem}); `check` says where")
        except Exception as exc:  # ruamel raises others on odd input (deep nesting...)
            return Edited(text, problem=f"cannot be read for editing ({type(exc).__name__})")
        if len(untouched.splitlines()) == len(lines):
            style = candidate
            break
    if tree is None or not hasattr(tree, "items"):
        return Edited(text, problem="" if tree is None else "not a mapping of fields")
    edited = Edited(text)
    _fix_tree(tree, edited)
    references = tree.get("references")
    if hasattr(references, "items"):
        for key, reference in references.items():
            if hasattr(reference, "items"):
                line = references.lc.key(key)[0] + 1
                _fix_reference(reference, edited)
                if registry is not None:
                    made, suggested = registry(str(key), reference, line)
                    edited.changes += made
                    edited.suggestions += suggested
    if not edited.changes:
        return edited
    if style is None:
        edited.problem = "written back it would change layout the fixes do not touch; fix by hand"
        return edited
    edited.text = _merge(lines, untouched, _dump(_yaml(style), tree))
    return edited


def _merge(original: list[str], untouched: str, fixed: str) -> str:
    """The original lines, with the lines the fixes changed (untouched -> fixed)."""
    import difflib

    before = untouched.splitlines(keepends=True)
    after = fixed.splitlines(keepends=True)
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        merged += original[i1:i2] if tag == "equal" else after[j1:j2]
    return "".join(merged)


def _fix_tree(node: Any, edited: Edited) -> None:
    """Stray whitespace and invisible characters in every plain or quoted string."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if hasattr(node, "items"):
        slots: list[tuple[Any, Any, int]] = [
            (key, value, node.lc.key(key)[0] + 1) for key, value in node.items()
        ]
    elif isinstance(node, list) and hasattr(node, "lc"):
        items: Any = node
        slots = [(i, value, items.lc.item(i)[0] + 1) for i, value in enumerate(node)]
    else:
        return
    for key, value, line in slots:
        if isinstance(value, LiteralScalarString | FoldedScalarString):
            continue  # block scalars keep their line breaks on purpose
        if isinstance(value, str):
            if key == "doi":
                continue  # _fix_reference writes the bare DOI
            tidy = tidy_text(value)
            if tidy != value and tidy:
                node[key] = _same_style(value, tidy)
                edited.changes.append(
                    Change(line, "whitespace", "stray whitespace or invisible characters removed")
                )
        else:
            _fix_tree(value, edited)


def _fix_reference(reference: Any, edited: Edited) -> None:
    doi = reference.get("doi")
    if isinstance(doi, str):
        bare = bare_doi(doi)
        if bare is not None:
            reference["doi"] = _same_style(doi, bare)
            edited.changes.append(
                Change(reference.lc.key("doi")[0] + 1, "doi-bare", f"DOI {doi!r} -> {bare}")
            )
    accessed = reference.get("accessed")
    date = iso_date(accessed)
    if date is not None:
        reference["accessed"] = date
        edited.changes.append(
            Change(
                reference.lc.key("accessed")[0] + 1,
                "accessed-iso",
                f"accessed {accessed!r} -> {date.isoformat()}",
            )
        )


def _same_style(old: str, new: str) -> str:
    from ruamel.yaml.scalarstring import ScalarString

    if isinstance(old, ScalarString):
        styled: str = type(old)(new)  # the same quotes as before
        return styled
    return new
