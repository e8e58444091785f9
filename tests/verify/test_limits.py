"""The rate limiter and the concurrency cap, on a fake clock: the schedule of request
starts is read from the clock, so a thread that oversleeps starts late without pushing
every later start back, and no burst of late starts outruns the service's window."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence

import pytest

from evidencelint.verify.limits import (
    SAFETY_MARGIN,
    WINDOW_MARGIN,
    ConcurrencyCap,
    RateLimiter,
)


class FakeClock:
    """Time that passes only when slept; each sleep oversleeps by `oversleep` (or by what
    `late` says for the n-th sleep), as a thread woken late by a busy machine does."""

    def __init__(self, oversleep: float = 0.0) -> None:
        self.now = 100.0
        self.oversleep = oversleep
        self.late: Callable[[int], float] = lambda n: self.oversleep
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[int], None] = lambda n: None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.on_sleep(len(self.sleeps))
        self.now += seconds + self.late(len(self.sleeps))
        self.sleeps.append(seconds)


SLACK = SAFETY_MARGIN - WINDOW_MARGIN
"""Seconds a start at 10/s may be late without moving the schedule: what is left of a
window's margin once the window's own margin is kept."""


def starts(limiter: RateLimiter, clock: FakeClock, n: int) -> list[float]:
    """When each of `n` requests in a row starts."""
    times = []
    for _ in range(n):
        limiter.acquire()
        times.append(clock.now)
    return times


def window_spans(times: Sequence[float], burst: int) -> list[float]:
    """The time from each start to the start `burst` later."""
    return [b - a for a, b in zip(times, times[burst:], strict=False)]


def test_starts_follow_the_clock_at_the_rate_with_its_margin() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    times = starts(limiter, clock, 30)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == pytest.approx([SAFETY_MARGIN / 10] * 29)
    assert times[0] == 100.0  # the first request waits for nobody


def test_oversleeping_does_not_add_to_every_gap() -> None:
    # Every wake-up is late: every start is that late, none later, so 200 starts take as
    # long as the schedule says and not 200 times the lateness more.
    late = SLACK / 2
    clock = FakeClock(oversleep=late)
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    times = starts(limiter, clock, 200)
    interval = SAFETY_MARGIN / 10
    assert times[-1] - times[0] == pytest.approx(199 * interval + late)
    slots = itertools.count(times[0] + interval, interval)
    assert all(
        slot - 1e-9 <= start <= slot + late + 1e-9
        for slot, start in zip(slots, times[1:], strict=False)
    )


def test_one_late_wake_up_never_lets_a_burst_outrun_the_window() -> None:
    # The 20th wait oversleeps by 400 ms: the starts behind it catch up, but never more
    # than the service allows in a second (10 at 10/s) within a second and a margin.
    clock = FakeClock()
    clock.late = lambda n: 0.4 if n == 20 else 0.0
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    times = starts(limiter, clock, 80)
    assert min(window_spans(times, 10)) >= 10 * WINDOW_MARGIN / 10 - 1e-9
    # and the schedule is back on its slots afterwards: the burst cost only the lateness
    interval = SAFETY_MARGIN / 10
    assert times[-1] - times[0] <= 79 * interval + 0.4 + 1e-9
    assert [b - a for a, b in itertools.pairwise(times[-20:])] == pytest.approx([interval] * 19)


def test_jittery_wake_ups_keep_every_window_and_the_average_rate() -> None:
    late = [0.0, 0.2, 0.9, 0.1, 0.4, 0.0, 0.7, 0.2, 0.1, 0.3]
    clock = FakeClock()
    clock.late = lambda n: 0.08 if n == 301 else late[n % len(late)] * SLACK
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    times = starts(limiter, clock, 300)
    assert min(window_spans(times, 10)) >= 10 * WINDOW_MARGIN / 10 - 1e-9
    # Only the one wake-up 80 ms late costs time; counting sleep steps would have cost
    # 299 times the mean lateness on top.
    assert times[-1] - times[0] <= 299 * SAFETY_MARGIN / 10 + 0.08 + SLACK


def test_a_request_that_left_late_holds_back_the_start_a_window_later() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    first = limiter.acquire()
    clock.now += 0.05  # the interpreter was busy: the request left 50 ms after its start
    limiter.sent(first)
    left = clock.now
    times = starts(limiter, clock, 10)
    assert times[-1] == pytest.approx(max(100 + 10 * SAFETY_MARGIN / 10, left + WINDOW_MARGIN))
    assert times[-1] - left >= WINDOW_MARGIN - 1e-9


def test_after_a_pause_the_next_start_is_at_once_and_no_credit_is_saved() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    starts(limiter, clock, 3)
    clock.now += 60.0
    resumed = clock.now
    later = starts(limiter, clock, 3)
    assert later[0] == resumed
    assert [b - a for a, b in itertools.pairwise(later)] == pytest.approx([SAFETY_MARGIN / 10] * 2)


def test_a_lower_rate_from_the_headers_applies_to_the_thread_already_waiting() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    first = clock.now
    clock.on_sleep = lambda n: limiter.set_rate(2.0) if n == 0 else None
    limiter.acquire()
    assert clock.now - first == pytest.approx(SAFETY_MARGIN / 2)
    assert limiter.per_second == 2.0
    limiter.acquire()
    assert clock.now - first == pytest.approx(2 * SAFETY_MARGIN / 2)


def test_a_higher_rate_applies_within_a_slice() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    first = clock.now
    clock.on_sleep = lambda n: limiter.set_rate(100.0) if n == 0 else None
    limiter.acquire()
    assert clock.now - first <= RateLimiter.SLICE + 1e-9
    times = starts(limiter, clock, 5)
    assert [b - a for a, b in itertools.pairwise(times)] == pytest.approx([SAFETY_MARGIN / 100] * 4)


def test_a_push_back_holds_every_start_until_it_ends() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.push_back(2.0)
    held_from = clock.now
    limiter.acquire()
    assert clock.now == pytest.approx(held_from + 2.0)
    # one pushed back while a thread waits holds that thread too
    first_sleep = len(clock.sleeps)
    clock.on_sleep = lambda n: limiter.push_back(3.0) if n == first_sleep else None
    waiting_from = clock.now
    limiter.acquire()
    assert clock.now == pytest.approx(waiting_from + 3.0)


def test_a_sleep_that_returns_at_once_ends_the_wait() -> None:
    # A stopped run's sleep returns at once; the limiter must not spin until the slot.
    limiter = RateLimiter(1.0, sleep=lambda seconds: None)
    limiter.push_back(30.0)
    started = time.monotonic()
    limiter.acquire()
    limiter.acquire()
    assert time.monotonic() - started < 1.0


def test_threads_share_one_schedule() -> None:
    rate = 500.0
    limiter = RateLimiter(rate)
    claimed: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                claimed.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # each start is at or after its slot, and the slots are an interval apart
    assert max(claimed) - min(claimed) >= 39 * SAFETY_MARGIN / rate - 1e-3


def test_the_cap_admits_no_more_than_a_size_lowered_while_it_is_full() -> None:
    cap = ConcurrencyCap(3)
    first_in = threading.Barrier(4)
    let_first_go = threading.Event()
    lock = threading.Lock()
    inside: dict[str, int] = {"first": 0, "rest": 0}
    most = {"rest": 0, "rest while first inside": 0}

    def request(group: str) -> None:
        with cap.slot():
            with lock:
                inside[group] += 1
                most["rest"] = max(most["rest"], inside["rest"])
                if group == "rest" and inside["first"]:
                    most["rest while first inside"] += 1
            if group == "first":
                first_in.wait(timeout=5)
                let_first_go.wait(timeout=5)
            else:
                time.sleep(0.002)
            with lock:
                inside[group] -= 1

    first = [threading.Thread(target=request, args=("first",)) for _ in range(3)]
    for thread in first:
        thread.start()
    first_in.wait(timeout=5)  # three in flight: the cap is full
    cap.resize(1)
    rest = [threading.Thread(target=request, args=("rest",)) for _ in range(4)]
    for thread in rest:
        thread.start()
    time.sleep(0.01)
    assert inside["rest"] == 0  # the cap is over its new size: nobody else gets in
    let_first_go.set()
    for thread in first + rest:
        thread.join()
    assert cap.peak == 3
    assert most == {"rest": 1, "rest while first inside": 0}
