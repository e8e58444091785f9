"""Cold and warm verification of N distinct DOIs against the loopback Crossref server.

The server answers after 100 ms and allows 10 requests per second and 3 at a time
(Crossref's polite pool), advertises those limits in its headers and answers 429 beyond
them. It runs in a process of its own, as Crossref runs on machines of its own: in the
client's process its threads would compete with the client's for the interpreter, and
the arrival times it judges would jitter by what that costs, not by what the client does.

The ceiling is N/10 s; the target is to come within 1.04x of it with no 429 and never
more than 3 requests in flight, and a warm second run that makes no request at all.

    python bench/verify.py [N]
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.crossref_server import CrossrefServer  # noqa: E402

from evidencelint.verify.client import ClientSettings, CrossrefClient  # noqa: E402
from evidencelint.verify.verifier import CrossrefVerifier  # noqa: E402


def synthetic_work(i: int) -> dict[str, object]:
    return {
        "DOI": f"10.5555/bench.{i:05d}",
        "type": "journal-article",
        "title": [f"Synthetic work number {i}"],
        "author": [{"given": "A.", "family": "Author", "sequence": "first"}],
        "container-title": ["Journal of Benchmarks"],
        "issued": {"date-parts": [[2024, 1, 1]]},
    }


RATE, CONCURRENCY = 10, 3
"""What the server allows and advertises: Crossref's polite pool."""


def _serve(n: int, commands: Connection) -> None:
    """The server's process: serve the N works until told to stop, answering
    'counters' and 'reset' on the pipe."""
    server = CrossrefServer(
        latency=0.1, rate_limit=RATE, concurrency_limit=CONCURRENCY, advertise=(RATE, CONCURRENCY)
    )
    for i in range(n):
        server.add_work(synthetic_work(i))
    server.start()
    commands.send(server.url)
    try:
        while (command := commands.recv()) != "stop":
            counted = {
                "requests": len(server.requests),
                "sent_429": server.sent_429,
                "peak_in_flight": server.peak_in_flight,
            }
            if command == "reset":
                server.reset_counters()
            commands.send(counted)
    finally:
        server.stop()


def _ask(commands: Connection, command: str) -> Any:
    commands.send(command)
    return commands.recv()


def run(n: int) -> dict[str, float | int]:
    ours, theirs = multiprocessing.Pipe()
    # Forked before this process starts a thread; the child serves with its own.
    process = multiprocessing.get_context("fork").Process(target=_serve, args=(n, theirs))
    process.start()
    try:
        url = ours.recv()
        dois = [str(synthetic_work(i)["DOI"]) for i in range(n)]
        with tempfile.TemporaryDirectory() as cache:
            settings = ClientSettings(
                base_url=url, mailto="bench@example.org", cache_path=Path(cache)
            )
            client = CrossrefClient(settings)
            started = time.perf_counter()
            answers = CrossrefVerifier(client).verify(dois)
            cold = time.perf_counter() - started
            client.close()
            found = sum(1 for a in answers.values() if a.outcome == "found")
            counted = _ask(ours, "reset")  # the cold run's counts, then zero
            cold_requests, cold_429, peak = (
                counted["requests"],
                counted["sent_429"],
                counted["peak_in_flight"],
            )

            client = CrossrefClient(settings)
            started = time.perf_counter()
            CrossrefVerifier(client).verify(dois)
            warm = time.perf_counter() - started
            client.close()
            warm_requests = _ask(ours, "counters")["requests"]
    finally:
        ours.send("stop")
        process.join(10)
    ceiling = n / RATE
    return {
        "dois": n,
        "found": found,
        "cold_seconds": round(cold, 2),
        "ceiling_seconds": ceiling,
        "ratio_to_ceiling": round(cold / ceiling, 3),
        "cold_requests": cold_requests,
        "responses_429": cold_429,
        "peak_in_flight": peak,
        "advertised_concurrency": CONCURRENCY,
        "warm_seconds": round(warm, 3),
        "warm_requests": warm_requests,
    }


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    figures = run(n)
    print(json.dumps(figures, indent=2))
    ok = (
        figures["ratio_to_ceiling"] <= 1.04
        and figures["responses_429"] == 0
        and figures["peak_in_flight"] <= CONCURRENCY
        and figures["warm_requests"] == 0
        and figures["found"] == n
    )
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
