"""The rule registry: every rule evidencelint knows, and the checks the run calls.

A rule family is a module of this package that declares `RULES` (each rule's identity,
doc, default severity and the kinds of input it reads; see `evidencelint.rule`) and one
check for each kind its rules read:

- `check_page(page, ctx)`: one resolved page (Kind.PAGE);
- `check_answers(groups, ctx)`: the registries' answers about each group of references
  (Kind.ANSWERS);
- `check_run(run, ctx)`: the whole run at once, across pages (Kind.RUN).

Rules of Kind.FILE (YAML and schema problems) have no check: the run reports what the
loader and the content model say of each file it reads (`evidencelint.run.reading`).
Families are found here by listing the package, so adding a rule to a family, or a new
family, touches no other module (CONTRIBUTING.md, "Adding a rule").
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType

from evidencelint.findings import Finding
from evidencelint.resolve.resolver import ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import ReferenceGroup, RuleContext, WholeRun

PageCheck = Callable[[ResolvedPage, RuleContext], Iterable[Finding]]
AnswersCheck = Callable[[Sequence[ReferenceGroup], RuleContext], Iterable[Finding]]
RunCheck = Callable[[WholeRun, RuleContext], Iterable[Finding]]

CHECK_OF_KIND = {Kind.PAGE: "check_page", Kind.ANSWERS: "check_answers", Kind.RUN: "check_run"}
"""The function a family defines for each kind of input its rules read."""

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


def _checks(kind: Kind) -> tuple[Callable[..., Iterable[Finding]], ...]:
    name = CHECK_OF_KIND[kind]
    return tuple(getattr(family, name) for family in FAMILIES if hasattr(family, name))


PAGE_CHECKS: tuple[PageCheck, ...] = _checks(Kind.PAGE)
"""What the run calls on every resolved page."""
ANSWERS_CHECKS: tuple[AnswersCheck, ...] = _checks(Kind.ANSWERS)
"""What the run calls once the registries have answered, on every group of references."""
RUN_CHECKS: tuple[RunCheck, ...] = _checks(Kind.RUN)
"""What the run calls last, on everything it read."""

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
