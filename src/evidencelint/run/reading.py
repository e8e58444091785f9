"""One content file read: loaded, validated, and what the loader and the content model
say of it turned into findings (the rules of Kind.FILE), in this one place for pages and
shared bibliographies alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from evidencelint.content.documents import Problems
from evidencelint.findings import Finding
from evidencelint.load.yaml_loader import LoadedYaml, load_file
from evidencelint.validators import structure

Document = TypeVar("Document")


@dataclass(slots=True)
class ReadFile(Generic[Document]):
    doc: Document | None
    """None when the file is not a usable document; `findings` say why."""
    findings: list[Finding]


def read_file(
    shown: str,
    path: Path,
    max_bytes: int,
    validate: Callable[[str, LoadedYaml], tuple[Document | None, Problems]],
    *,
    is_page: bool,
    load: Callable[[Path, int], LoadedYaml] | None = None,
) -> ReadFile[Document]:
    """`load` reads the file (`load_file` unless given: shared bibliographies are read
    through the cache of their loads)."""
    loaded = (load or load_file)(path, max_bytes)
    findings = structure.load_findings(shown, loaded)
    if not loaded.usable:
        return ReadFile(None, findings)
    doc, problems = validate(shown, loaded)
    page_id = loaded.data.get("id") if is_page and isinstance(loaded.data, dict) else None
    findings += structure.schema_findings(
        shown, problems, page_id if isinstance(page_id, str) else None
    )
    return ReadFile(doc, findings)
