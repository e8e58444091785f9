"""A progress bar on stderr for long verifications: only on a terminal, never in CI."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from evidencelint import environment

Callback = Callable[[int, int], None]


def wanted() -> bool:
    return sys.stderr.isatty() and not environment.get(environment.CI)


@contextmanager
def progress_bar(label: str) -> Iterator[Callback | None]:
    if not wanted():
        yield None
        return
    yield from _rich_bar(label)


def _rich_bar(label: str) -> Iterator[Callback]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f}/s" if task.speed else "")

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
