"""A progress bar on stderr for long verifications: only on a terminal, never in CI, and
only once a question goes to the service (a warm run shows none and never imports rich)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from evidencelint import environment

Callback = Callable[[int, int], None]


def wanted() -> bool:
    return sys.stderr.isatty() and not environment.get(environment.CI)


@contextmanager
def progress_bar(label: str) -> Iterator[Callback | None]:
    if not wanted():
        yield None
        return
    bar = _LazyBar(label)
    try:
        yield bar.update
    finally:
        bar.stop()


class _LazyBar:
    """Starts the rich bar on the first update; the verifier sends the first one when an
    answer is missing from the cache."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._live: AbstractContextManager[Callback] | None = None
        self._update: Callback | None = None

    def update(self, done: int, total: int) -> None:
        if self._update is None:
            self._live = contextmanager(_rich_bar)(self.label)
            self._update = self._live.__enter__()
        self._update(done, total)

    def stop(self) -> None:
        if self._live is not None:
            live, self._live = self._live, None
            live.__exit__(*sys.exc_info())


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
