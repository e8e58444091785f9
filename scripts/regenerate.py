"""Rewrite every file generated from the rule registry and the content models:

- schema/*.schema.json (the JSON Schemas, with the rule-name enum),
- src/evidencelint/data/rules.json (the rule names the core reads),
- the rule table of README.md (between its markers).

    python scripts/regenerate.py

tests/validators/test_rule_registry.py fails while any of them differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from evidencelint.atomic import write_text_atomic
from evidencelint.content.schema import write_schemas
from evidencelint.report.formats import RULE_TABLE_END, RULE_TABLE_START, rule_table_markdown
from evidencelint.rule_names import codes_by_name
from evidencelint.validators.all_rules import rules_json

REPO = Path(__file__).resolve().parents[1]


def readme_with_rule_table(readme: str) -> str:
    start = readme.index(RULE_TABLE_START)
    end = readme.index(RULE_TABLE_END) + len(RULE_TABLE_END) + 1
    return readme[:start] + rule_table_markdown() + readme[end:]


def main() -> int:
    rules = REPO / "src/evidencelint/data/rules.json"
    write_text_atomic(rules, rules_json())
    codes_by_name.cache_clear()  # the schema's rule-name enum is read from that file
    written = write_schemas(REPO / "schema")
    readme = REPO / "README.md"
    write_text_atomic(readme, readme_with_rule_table(readme.read_text(encoding="utf-8")))
    for path in [*written, rules, readme]:
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
