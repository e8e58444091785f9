"""The JSON Schema files under schema/, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evidencelint.atomic import write_text_atomic
from evidencelint.content.model import Bibliography, Page

SCHEMA_URL = "https://raw.githubusercontent.com/evidencelint/evidencelint/main/schema/"


def schemas() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for filename, model, title in (
        ("page.schema.json", Page, "evidencelint content page"),
        ("bibliography.schema.json", Bibliography, "evidencelint shared bibliography"),
    ):
        schema = model.model_json_schema()
        result[filename] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_URL + filename,
            **schema,
            "title": title,
        }
    return result


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for filename, schema in schemas().items():
        path = folder / filename
        write_text_atomic(path, render(schema))
        written.append(path)
    return written
