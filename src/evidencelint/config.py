"""Configuration: `[tool.evidencelint]` in pyproject.toml, or evidencelint.toml.

Discovery walks up from the working directory. Paths in the file are relative to the
file's folder. Unknown keys are an error: a misspelt policy key must not silently
fall back to the default.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from evidencelint import environment
from evidencelint.escape import terminal
from evidencelint.findings import Severity
from evidencelint.rule_names import rule_name, unknown_rule_hint

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
STATUSES = ("draft", "in-review", "published", "archived")


class ConfigError(Exception):
    """The configuration cannot be used; the command exits 2."""


@dataclass(frozen=True, slots=True)
class Policy:
    review_interval_months: int = 36
    """NHS practice: health information is reviewed at least every three years."""
    due_soon_days: int = 90
    evidence_max_age_years: int = 5
    severity: Mapping[str, Severity | None] = field(default_factory=dict)
    """Per-rule severity overrides; None switches a rule off."""
    gated_statuses: frozenset[str] = frozenset({"published", "in-review"})
    """Statuses whose errors fail the run; a draft's errors are reported as warnings."""
    evidence_grade_statuses: frozenset[str] = frozenset()
    """Statuses on which evidence-grade-missing is reported; none by default (off)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "review_interval_months": self.review_interval_months,
            "due_soon_days": self.due_soon_days,
            "evidence_max_age_years": self.evidence_max_age_years,
            "severity": {k: (v.value if v else "off") for k, v in sorted(self.severity.items())},
            "gated_statuses": sorted(self.gated_statuses),
            "evidence_grade_statuses": sorted(self.evidence_grade_statuses),
        }


@dataclass(frozen=True, slots=True)
class Budget:
    """How long verification may take: `doi` seconds for one DOI's lookups (retries,
    agency and newer versions included), `run` seconds for all of a run's."""

    doi: float
    run: float


CHECK_BUDGET = Budget(doi=10.0, run=20.0)
"""`check` runs in a commit hook: an editor waits seconds, never minutes."""
AUDIT_BUDGET = Budget(doi=60.0, run=3600.0)
"""The scheduled audit re-asks every DOI (about 10 a second in the polite pool)."""


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    source: Path | None = None
    content: Path = Path("content")
    bibliographies: tuple[Path, ...] = ()
    policy: Policy = field(default_factory=Policy)
    crossref_url: str = DEFAULT_CROSSREF_URL
    mailto: str | None = None
    cache_dir: Path | None = None
    ncbi_url: str | None = None
    """One base URL for E-utilities and the PMC ID Converter (a stand-in server); None:
    NCBI's own hosts."""
    ncbi_api_key: str | None = None
    max_file_bytes: int = 1024 * 1024
    check_budget: Budget = CHECK_BUDGET
    audit_budget: Budget = AUDIT_BUDGET


_BUDGET_KEYS = {
    "check_doi_timeout": ("check", "doi"),
    "check_run_timeout": ("check", "run"),
    "audit_doi_timeout": ("audit", "doi"),
    "audit_run_timeout": ("audit", "run"),
}
_KEYS = {
    *_BUDGET_KEYS,
    "content",
    "bibliographies",
    "review_interval_months",
    "due_soon_days",
    "evidence_max_age_years",
    "severity",
    "gated_statuses",
    "evidence_grade_statuses",
    "crossref_url",
    "ncbi_url",
    "mailto",
    "cache_dir",
    "max_file_bytes",
}


def discover(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "evidencelint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _configures_us(pyproject):
            return pyproject
    return None


_OURS = re.compile(rb'^\s*\[+\s*tool\s*\.\s*"?evidencelint\b', re.MULTILINE)


def _configures_us(pyproject: Path) -> bool:
    """Whether a pyproject.toml met on the way up holds [tool.evidencelint]. One that
    cannot be read or parsed stops the run only if it looks like ours: a broken file of
    another project in a parent folder is skipped, with a warning."""
    try:
        tool = _read_toml(pyproject).get("tool", {})
    except ConfigError as exc:
        try:
            ours = _OURS.search(pyproject.read_bytes()) is not None
        except OSError:
            ours = False
        if ours:
            raise
        sys.stderr.write(
            f"evidencelint: warning: {terminal(exc)}; skipped, as it has no [tool.evidencelint]\n"
        )
        return False
    return isinstance(tool, dict) and "evidencelint" in tool


def load_config(
    explicit: Path | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    cwd = cwd or Path.cwd()
    environ = environment.current() if environ is None else environ
    source = explicit if explicit is not None else discover(cwd)
    if explicit is not None and explicit.is_dir():
        raise ConfigError(
            f"configuration file {explicit} is a folder; give the TOML file itself "
            "(evidencelint.toml or pyproject.toml)"
        )
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"configuration file {explicit} does not exist")
    table: dict[str, Any] = {}
    root = cwd
    if source is not None:
        data = _read_toml(source)
        tool = data.get("tool", {})
        if source.name == "pyproject.toml":
            table = tool.get("evidencelint", {}) if isinstance(tool, dict) else {}
        else:
            table = tool.get("evidencelint", data) if isinstance(tool, dict) else data
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [tool.evidencelint] must be a table")
        root = source.parent
    return _build(table, root, source, environ)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: it is not UTF-8 text (byte {exc.start + 1} cannot be "
            "read); save it as UTF-8"
        ) from None


def _build(
    table: Mapping[str, Any], root: Path, source: Path | None, environ: Mapping[str, str]
) -> Config:
    where = str(source) if source else "configuration"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(_KEYS))}"
        )
    content = root / _get(table, "content", str, "content")
    bibliographies = tuple(root / p for p in _get_list(table, "bibliographies"))
    if "bibliographies" in table:
        for bib in bibliographies:
            if not bib.is_file():
                raise ConfigError(f"{where}: bibliography {bib} does not exist")
    else:
        default_bib = content / "references.yaml"
        bibliographies = (default_bib,) if default_bib.is_file() else ()
    gated = frozenset(_get_list(table, "gated_statuses", ["published", "in-review"]))
    graded = frozenset(_get_list(table, "evidence_grade_statuses", []))
    for key, statuses in (("gated_statuses", gated), ("evidence_grade_statuses", graded)):
        bad_status = sorted(statuses - set(STATUSES))
        if bad_status:
            raise ConfigError(
                f"{where}: {key} has {', '.join(bad_status)}; statuses are " + ", ".join(STATUSES)
            )
    policy = Policy(
        review_interval_months=_bounded(
            _positive(table, "review_interval_months", 36, where),
            "review_interval_months",
            MAX_REVIEW_INTERVAL_MONTHS,
            where,
        ),
        due_soon_days=_positive(table, "due_soon_days", 90, where, allow_zero=True),
        evidence_max_age_years=_positive(table, "evidence_max_age_years", 5, where),
        severity=_severities(table.get("severity", {}), where),
        gated_statuses=gated,
        evidence_grade_statuses=graded,
    )
    cache_dir = environ.get(environment.CACHE_DIR) or _get(table, "cache_dir", str, "")
    crossref_url = _crossref_url(table, environ, where)
    budgets = {"check": CHECK_BUDGET, "audit": AUDIT_BUDGET}
    for key, (command, part) in _BUDGET_KEYS.items():
        if key in table:
            seconds = _seconds(table[key], f"{where}: `{key}`")
            budget = budgets[command]
            budgets[command] = (
                Budget(seconds, budget.run) if part == "doi" else Budget(budget.doi, seconds)
            )
    return Config(
        root=root,
        source=source,
        content=content,
        bibliographies=bibliographies,
        policy=policy,
        crossref_url=crossref_url,
        mailto=environ.get(environment.MAILTO) or _get(table, "mailto", str, "") or None,
        ncbi_url=(environ.get(environment.NCBI_URL) or _get(table, "ncbi_url", str, "")).rstrip("/")
        or None,
        ncbi_api_key=environ.get(environment.NCBI_API_KEY, "").strip() or None,
        cache_dir=(root / cache_dir) if cache_dir else None,
        max_file_bytes=_positive(table, "max_file_bytes", 1024 * 1024, where),
        check_budget=budgets["check"],
        audit_budget=budgets["audit"],
    )


def _crossref_url(table: Mapping[str, Any], environ: Mapping[str, str], where: str) -> str:
    """The registry's address: an http(s) URL with a host, else no DOI could be checked
    (and a typo would silently turn verification off)."""
    from_env = environ.get(environment.CROSSREF_URL)
    url = from_env or _get(table, "crossref_url", str, DEFAULT_CROSSREF_URL)
    source = "EVIDENCELINT_CROSSREF_URL" if from_env else f"{where}: `crossref_url`"
    try:
        parts = urlsplit(url.strip())
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        usable = False
    if not usable or parts.query or parts.fragment:
        raise ConfigError(
            f"{source} must be an http:// or https:// address such as "
            f"{DEFAULT_CROSSREF_URL}, got {url!r}"
        )
    return url.strip().rstrip("/")


def seconds_setting(text: str, name: str) -> float:
    """A positive finite number of seconds written as text (an environment variable)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigError(f"{name} must be a positive number of seconds, got {text!r}")
    return seconds


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)


_KIND_NAMES = {str: "string", int: "whole number", list: "list"}


def _get(table: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind):
        raise ConfigError(
            f"`{key}` must be a {_KIND_NAMES.get(kind, kind.__name__)}, got {value!r}"
        )
    return value


def _get_list(table: Mapping[str, Any], key: str, default: list[str] | None = None) -> list[str]:
    value = table.get(key, default or [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")
    return value


def _positive(
    table: Mapping[str, Any], key: str, default: int, where: str, allow_zero: bool = False
) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        raise ConfigError(f"{where}: `{key}` must be a positive whole number, got {value!r}")
    return value


MAX_REVIEW_INTERVAL_MONTHS = 1200
"""A hundred years: any longer interval is a typing error, not a review policy."""


def _bounded(value: int, key: str, limit: int, where: str) -> int:
    if value > limit:
        raise ConfigError(f"{where}: `{key}` must be at most {limit}, got {value}")
    return value


def _severities(table: Any, where: str) -> dict[str, Severity | None]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: `severity` must be a table of rule = level")
    result: dict[str, Severity | None] = {}
    for written, level in table.items():
        name = rule_name(written)
        if name is None:
            raise ConfigError(
                f"{where}: `severity` names unknown rule {written!r}{unknown_rule_hint(written)}"
                " (`evidencelint rules` lists the names and codes)"
            )
        if level == "off":
            result[name] = None
        elif level in {s.value for s in Severity}:
            result[name] = Severity(level)
        else:
            raise ConfigError(
                f"{where}: severity of {name} must be error, warning, info or off, got {level!r}"
            )
    return result
