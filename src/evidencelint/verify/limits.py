"""Politeness toward the registry: a request-rate limiter and a concurrency cap, both
adjustable at run time from the rate-limit headers the service sends."""

from __future__ import annotations

import itertools
import math
import re
import threading
import time
from collections import deque
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


SAFETY_MARGIN = 1.02
"""Request starts are scheduled 2% wider apart than the limit allows."""
WINDOW_MARGIN = 1.015
"""At most `burst` requests, what the service allows in a second at its rate, are sent in
any `burst / rate * WINDOW_MARGIN` seconds, counting when each was really sent: the
service counts arrivals in a sliding window, and a request can leave tens of milliseconds
after its start when threads compete for the interpreter or the machine is busy. The
rest of SAFETY_MARGIN absorbs small delays without moving the schedule. Both margins were
chosen with bench/verify.py on a busy machine (docs/performance.md)."""


@dataclass(slots=True)
class Start:
    """One request: when the limiter let it start, then when it was sent (`sent`)."""

    at: float


class RateLimiter:
    """Schedules request starts from the clock, across threads.

    The next start is due at the last slot plus the interval, or at once when that has
    passed: a thread that wakes late starts late, but the next slot stays where the
    schedule put it, so oversleeping never adds to every gap. What a late start could do
    instead, let the starts after it catch up into a burst, is bounded by a sliding window
    over when requests were sent (WINDOW_MARGIN). One thread at a time waits for the next
    slot (`_turn`), looking at the schedule again at least every SLICE seconds, so that a
    new rate or a push-back (after a 429) applies to the thread already waiting too.
    """

    SLICE = 0.05
    """The waiting thread looks at the schedule again at least this often (seconds)."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = SAFETY_MARGIN,
    ) -> None:
        self._margin = margin
        self._rate = per_second
        self._last_slot = -math.inf
        self._starts: deque[Start] = deque(maxlen=2 * math.ceil(RATE_BOUNDS[1]))
        self._hold = -math.inf
        self._turn = threading.Lock()
        self._state = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    @property
    def per_second(self) -> float:
        return self._rate

    @property
    def interval(self) -> float:
        """Seconds between scheduled starts."""
        return self._margin / self._rate

    def set_rate(self, per_second: float) -> None:
        with self._state:
            self._rate = per_second

    def push_back(self, seconds: float) -> None:
        """Nobody starts a request for `seconds` (after a 429 or a Retry-After)."""
        with self._state:
            self._hold = max(self._hold, self._clock() + seconds)

    def acquire(self) -> Start:
        """Return at this thread's start. A `sleep` that returns early (the run is being
        stopped, or a test's) ends the wait once it has been asked for the whole wait."""
        with self._turn:
            entered = self._clock()
            asked = 0.0
            while True:
                with self._state:
                    slot = self._next_slot(entered)
                    now = self._clock()
                    if now >= slot or asked >= slot - entered:
                        self._last_slot = slot
                        start = Start(now)
                        self._starts.append(start)
                        return start
                step = min(self.SLICE, slot - now)
                self._sleep(step)
                asked += step

    def sent(self, start: Start) -> None:
        """The request of `start` has left now (its bytes are with the network)."""
        with self._state:
            start.at = max(start.at, self._clock())

    def _next_slot(self, entered: float) -> float:
        slot = max(entered, self._last_slot + self.interval, self._hold)
        burst = math.ceil(self._rate - 1e-9)
        if len(self._starts) >= burst:
            # Requests can leave out of order: the burst-th latest of the recent ones.
            recent = sorted(s.at for s in itertools.islice(reversed(self._starts), 2 * burst))
            slot = max(slot, recent[-burst] + burst * WINDOW_MARGIN / self._rate)
        return slot


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
