"""Colour on a terminal: when to use it, and the severity labels it paints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from evidencelint import environment
from evidencelint.findings import Severity

_SGR = {Severity.ERROR: "1;31", Severity.WARNING: "33", Severity.INFO: "36"}


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """NO_COLOR (any value) turns colour off, FORCE_COLOR (any value) on, in that order
    (https://no-color.org, https://force-color.org); otherwise colour only on a terminal
    that is not 'dumb'."""
    environ = environment.current() if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def severity_label(severity: Severity, colour: bool) -> str:
    """'error:', 'warning:' or 'info:', as compilers write them (editors' problem
    matchers read the level from it), painted when `colour`."""
    label = f"{severity.value}:"
    return f"\x1b[{_SGR[severity]}m{label}\x1b[0m" if colour else label
