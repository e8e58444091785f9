"""The imported page as YAML text, comments included (ruamel.yaml)."""

from __future__ import annotations

import io
from typing import Any

from evidencelint.importer.build import ImportedPage
from evidencelint.importer.yaml_dump import yaml_dumper


def _comment(lines: list[str]) -> str:
    """Comment text that stays a comment: no line break or control character of the page
    (or of its file's name) can end it and start YAML of its own."""
    return "\n".join(
        " ".join("".join(c if c.isprintable() else " " for c in line).split()) for line in lines
    )


def render(page: ImportedPage) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    root = CommentedMap()
    for key, value in page.values.items():
        root[key] = value
    claims = CommentedSeq()
    for number, claim in enumerate(page.claims, start=1):
        item = CommentedMap()
        item["id"] = f"claim-{number:02d}"
        item["text"] = claim.text
        if claim.cites:
            item["cites"] = list(claim.cites)
        claims.append(item)
        notes = []
        if not claim.cites:
            notes.append("to cite: no citation printed; cite the work it rests on")
        if claim.markers:
            notes.append(f"printed markers with no reference: {', '.join(claim.markers)}")
        if notes:
            claims.yaml_set_comment_before_after_key(number - 1, before=_comment(notes), indent=2)
    root["claims"] = claims
    references = CommentedMap()
    trailing: list[str] = []
    for entry in page.references:
        if entry.values is None:
            trailing += entry.comments
            continue
        references[entry.key] = _reference(entry.values)
        before = trailing + entry.comments
        trailing = []
        references.yaml_set_comment_before_after_key(entry.key, before=_comment(before), indent=2)
    if references:
        root["references"] = references
    for key, lines in page.comments.items():
        if key in root and lines:
            root.yaml_set_comment_before_after_key(key, before=_comment(lines))
    root.yaml_set_start_comment(_comment(page.header))
    stream = io.StringIO()
    yaml_dumper().dump(root, stream)
    text = stream.getvalue()
    if trailing:
        indent = "  " if references else ""
        if not references:
            text += "references: {}\n"
        text += "".join(f"{indent}# {line}\n" for line in _comment(trailing).split("\n"))
    return text


def _reference(values: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    item = CommentedMap()
    for key, value in values.items():
        if key in ("volume", "issue", "pages", "pmid", "pmcid") and isinstance(value, str):
            value = DoubleQuotedScalarString(value)  # as the demo content writes them
        item[key] = value
    return item
