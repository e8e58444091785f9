"""Politeness toward the registry: a request-rate limiter and a concurrency cap, both
adjustable at run time from the rate-limit headers the service sends."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

# Crossref's published limits since December 2025 (single-record requests).
POLITE = (10.0, 3)
"""With a mailto: 10 requests per second, 3 at a time."""
PUBLIC = (5.0, 1)
"""Without: 5 per second, 1 at a time."""


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float
    concurrency: int


RATE_BOUNDS = (1.0, 1000.0)
"""Requests per second the headers may set: a service that claims an infinite, zero or
absurd rate must neither divide by zero nor make the run wait for hours between
requests (Crossref's limits lie well inside)."""
CONCURRENCY_BOUNDS = (1, 10)
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|)\s*$", re.IGNORECASE)
_UNIT = {"ms": 0.001, "s": 1.0, "": 1.0, "m": 60.0}


def limits_from_headers(headers: Mapping[str, str]) -> Limits | None:
    """x-rate-limit-limit / x-rate-limit-interval / x-concurrency-limit (any case), read
    defensively: values that are not finite positive numbers are ignored, and the rest
    are brought within RATE_BOUNDS and CONCURRENCY_BOUNDS."""
    lower = {k.lower(): v for k, v in headers.items()}
    limit = _number(lower.get("x-rate-limit-limit") or lower.get("x-ratelimit-limit"))
    interval_text = lower.get("x-rate-limit-interval") or lower.get("x-ratelimit-interval")
    interval = _interval(interval_text) if interval_text else 1.0
    if limit is None or interval is None:
        return None
    low, high = RATE_BOUNDS
    concurrency = _number(lower.get("x-concurrency-limit"))
    cap = 0
    if concurrency is not None and concurrency >= 1:
        cap = int(min(max(concurrency, CONCURRENCY_BOUNDS[0]), CONCURRENCY_BOUNDS[1]))
    return Limits(min(max(limit / interval, low), high), cap)


def _number(text: str | None) -> float | None:
    """A finite positive number, or None."""
    if not text:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _interval(text: str) -> float | None:
    match = _INTERVAL.match(text)
    if match is None:
        return None
    seconds = float(match.group(1)) * _UNIT[match.group(2).lower()]
    return seconds if math.isfinite(seconds) and seconds > 0 else None


SAFETY_MARGIN = 1.05
"""Requests are spaced 5% wider than the limit: the service counts arrivals in a sliding
window, and arrivals jitter by tens of milliseconds when threads compete (measured with
bench/verify.py: at 2% one request in 200 drew a 429)."""


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart, across threads.

    One thread at a time waits for the next start (`_turn`), so starts are strictly
    sequential, and the next start is counted from when this one really began: a late
    wake-up only widens the gap, it never squeezes the next request closer. The schedule
    itself is behind a second lock that is only ever held for a moment, so that a new
    rate or a push-back (after a 429) applies at once, to the thread already waiting
    too, instead of queueing behind every thread waiting for its turn.
    """

    SLICE = 0.05
    """The waiting thread looks at the schedule again at least this often (seconds)."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = SAFETY_MARGIN / per_second
        self._next = 0.0
        self._last = -math.inf
        self._hold = 0.0
        self._changes = 0
        self._turn = threading.Lock()
        self._state = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    @property
    def per_second(self) -> float:
        return SAFETY_MARGIN / self._interval

    def set_rate(self, per_second: float) -> None:
        with self._state:
            self._interval = SAFETY_MARGIN / per_second
            self._next = self._last + self._interval
            self._changes += 1

    def acquire(self) -> None:
        with self._turn:
            while not self._waited():
                pass
            with self._state:
                now = self._clock()
                self._last = now
                self._next = now + self._interval

    def _waited(self) -> bool:
        """Wait for the start the schedule gives; False if it changed meanwhile."""
        with self._state:
            wait = max(self._next, self._hold) - self._clock()
            seen = self._changes
        slept = 0.0
        while slept < wait:
            step = min(self.SLICE, wait - slept)
            self._sleep(step)
            slept += step
            if self._changes != seen:
                return False
        return True

    def push_back(self, seconds: float) -> None:
        """Nobody starts a request for `seconds` (after a 429 or a Retry-After)."""
        with self._state:
            self._hold = max(self._hold, self._clock() + seconds)
            self._changes += 1


class ConcurrencyCap:
    """A semaphore whose size can change while it is in use."""

    def __init__(self, size: int) -> None:
        self._size = max(1, size)
        self._busy = 0
        self._peak = 0
        self._condition = threading.Condition()

    @property
    def size(self) -> int:
        return self._size

    @property
    def peak(self) -> int:
        return self._peak

    def resize(self, size: int) -> None:
        with self._condition:
            self._size = max(1, size)
            self._condition.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._condition:
            while self._busy >= self._size:
                self._condition.wait()
            self._busy += 1
            self._peak = max(self._peak, self._busy)
        try:
            yield
        finally:
            with self._condition:
                self._busy -= 1
                self._condition.notify()
