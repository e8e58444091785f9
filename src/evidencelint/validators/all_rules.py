"""The rule registry: every rule evidencelint knows, and the checks the run calls.

A rule family is a module of this package that declares `RULES` (each rule's identity,
doc and default severity; see `evidencelint.rule.Rule`) and the checks for the kinds of
input its rules read (`Kind`):

- `check_page(page, ctx)`: one resolved page;
- the checks of DOI answers and of the whole run, which the run calls by name (see
  `evidencelint.run.check`).

Families are found here by listing the package, so adding a rule to a family, or a
family of page rules, touches no other module (CONTRIBUTING.md, "Adding a rule").
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

from evidencelint.findings import Finding
from evidencelint.resolve.resolver import ResolvedPage
from evidencelint.rule import Rule
from evidencelint.validators.base import RuleContext

PageCheck = Callable[[ResolvedPage, RuleContext], Iterable[Finding]]

FAMILY_ORDER = (
    "structure",
    "citations",
    "references",
    "dois",
    "pubmed",
    "integrity",
    "dates",
    "wording",
)
"""The order of the families in `evidencelint rules` and the README table; a family not
named here comes after these, in the order of its module name."""


def _families() -> tuple[ModuleType, ...]:
    import evidencelint.validators as package

    folder = Path(package.__file__ or ".").parent
    names = sorted(path.stem for path in folder.glob("*.py") if not path.stem.startswith("_"))
    modules = [importlib.import_module(f"{package.__name__}.{name}") for name in names]
    families = [module for module in modules if hasattr(module, "RULES")]
    order = {name: index for index, name in enumerate(FAMILY_ORDER)}
    return tuple(
        sorted(
            families,
            key=lambda m: (order.get(m.__name__.rsplit(".", 1)[1], len(order)), m.__name__),
        )
    )


FAMILIES: tuple[ModuleType, ...] = _families()
RULES: tuple[Rule, ...] = tuple(rule for family in FAMILIES for rule in family.RULES)
PAGE_CHECKS: tuple[PageCheck, ...] = tuple(
    family.check_page for family in FAMILIES if hasattr(family, "check_page")
)
"""What the run calls on every resolved page, each with the same two arguments."""

RULE_NAMES: frozenset[str] = frozenset(rule.name for rule in RULES)
_BY_NAME = {rule.name: rule for rule in RULES}
_BY_CODE = {rule.code.upper(): rule for rule in RULES}


def rule_by_name(name: str) -> Rule:
    return _BY_NAME[name]


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_NAME.get(name_or_code) or _BY_CODE.get(name_or_code.upper())


def rules_json() -> str:
    """`data/rules.json`: the names and codes `evidencelint.rule_names` reads."""
    rows = [{"name": rule.name, "code": rule.code} for rule in RULES]
    return json.dumps(rows, indent=1) + "\n"
