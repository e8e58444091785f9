"""The names and codes of every rule, for the stages before the rules (config, content).

The rules themselves live in `evidencelint.validators`, which imports those stages; this
list lets them recognise a rule name without importing the rules. It is generated from the
rule registry (`python scripts/regenerate.py`) into `data/rules.json`, and a test fails
when it differs from the registry.
"""

from __future__ import annotations

import json
import os
from functools import cache

DATA_FILE = "rules.json"
DATA_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
"""The package's data files, read as plain files: importlib.resources (and the tempfile
module it brings) cost a one-page check more than reading them."""


@cache
def codes_by_name() -> dict[str, str]:
    """Rule name -> its code (EL601), in the registry's order."""
    with open(os.path.join(DATA_FOLDER, DATA_FILE), encoding="utf-8") as data:
        raw = data.read()
    table: list[dict[str, str]] = json.loads(raw)
    return {row["name"]: row["code"] for row in table}


@cache
def _names_by_code() -> dict[str, str]:
    return {code.upper(): name for name, code in codes_by_name().items()}


def rule_names() -> list[str]:
    return sorted(codes_by_name())


def rule_codes() -> list[str]:
    return sorted(codes_by_name().values())


def rule_name(name_or_code: str) -> str | None:
    """The rule's name for its name or its code (EL601, el601), or None."""
    text = name_or_code.strip()
    if text in codes_by_name():
        return text
    return _names_by_code().get(text.upper())


def unknown_rule_hint(text: str) -> str:
    """' (did you mean `review-overdue`?)' for a mistyped rule name, or ''."""
    import difflib

    close = difflib.get_close_matches(text.strip().lower(), rule_names(), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
