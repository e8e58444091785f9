"""Errors that end a command: the CLI turns them into an exit code and one line."""

from __future__ import annotations


class UsageError(Exception):
    """The command cannot run as asked; exit 2."""
