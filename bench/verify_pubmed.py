"""PubMed verification against the loopback E-utilities stand-in, which enforces NCBI's
limits (3 requests a second without an API key, 10 with one; 429 beyond, no Retry-After)
and answers after 100 ms.

Three runs of N PMIDs: one PMID a request without a key and with one (what the rate
limiter alone achieves: the ceiling is N/3 s, and with a key N x 100 ms, since requests
go one after another and each takes the latency), then the way `check` asks, 200 PMIDs
a request, and a warm re-run from the cache. Targets: no 429 and never more requests
begun within a second than the limit, in every run; within 1.2x of the ceiling without a
key (where the limiter sets the pace); a warm run that makes no request. With a key, one
request at a time cannot reach 10 a second against 100 ms answers, so that figure is
printed, not a target: `check` asks 200 PMIDs a request and never needs to.

    python bench/verify_pubmed.py [N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.pubmed_server import PubmedServer  # noqa: E402

from evidencelint.verify.answers import CacheMode  # noqa: E402
from evidencelint.verify.pubmed import NcbiSettings, PubmedLookup  # noqa: E402
from evidencelint.verify.verdicts import Outcome  # noqa: E402


def synthetic_summary(pmid: str) -> dict[str, object]:
    return {
        "uid": pmid,
        "pubdate": "2024 Jan",
        "source": "J Bench",
        "fulljournalname": "Journal of benchmarks",
        "title": f"Synthetic work number {pmid}.",
        "authors": [{"name": "Author A", "authtype": "Author"}],
        "articleids": [{"idtype": "doi", "idtypen": 3, "value": f"10.5555/bench.{pmid}"}],
    }


def _run(
    server: PubmedServer,
    pmids: list[str],
    cache: Path,
    *,
    key: str | None,
    batch: int,
    mode: CacheMode,
) -> dict[str, float | int]:
    server.reset_counters()
    settings = NcbiSettings(
        eutils_url=server.url,
        pmc_url=server.url,
        api_key=key,
        cache_path=cache,
        mode=mode,
        batch=batch,
    )
    lookup = PubmedLookup(settings)
    started = time.perf_counter()
    answers = lookup.verify(pmids)
    elapsed = time.perf_counter() - started
    lookup.close()
    limit = 10 if key else 3
    requests = len(server.requests)
    # Requests go one after another: the ceiling is the rate limit's, or the latency's
    # when that is longer (at 10/s with 100 ms answers). Batching makes both moot.
    ceiling = max((requests - 1) / limit, requests * server.latency) if requests > 1 else 0.0
    return {
        "pmids": len(pmids),
        "found": sum(a.outcome is Outcome.FOUND for a in answers.pmids.values()),
        "requests": requests,
        "seconds": round(elapsed, 2),
        "ceiling_seconds": round(ceiling, 2),
        "ratio_to_ceiling": round(elapsed / ceiling, 3) if ceiling else 0.0,
        "responses_429": server.sent_429,
        "peak_per_second": server.peak_per_second,
        "limit_per_second": limit,
    }


def run(n: int) -> dict[str, dict[str, float | int]]:
    server = PubmedServer(latency=0.1).start()
    try:
        pmids = [str(38_000_000 + i) for i in range(n)]
        for pmid in pmids:
            server.add_summary(synthetic_summary(pmid))
        figures = {}
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder)
            figures["one_a_request_no_key"] = _run(
                server, pmids, cache, key=None, batch=1, mode=CacheMode.DISABLED
            )
            figures["one_a_request_with_key"] = _run(
                server, pmids, cache, key="bench", batch=1, mode=CacheMode.DISABLED
            )
            figures["batched_cold"] = _run(
                server, pmids, cache, key=None, batch=200, mode=CacheMode.NORMAL
            )
            figures["batched_warm"] = _run(
                server, pmids, cache, key=None, batch=200, mode=CacheMode.NORMAL
            )
    finally:
        server.stop()
    return figures


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    figures = run(n)
    print(json.dumps(figures, indent=2))
    slow = figures["one_a_request_no_key"]
    ok = (
        all(
            f["responses_429"] == 0 and f["peak_per_second"] <= f["limit_per_second"]
            for f in figures.values()
        )
        and slow["ratio_to_ceiling"] <= 1.2
        and all(f["found"] == n for f in figures.values())
        and figures["batched_warm"]["requests"] == 0
    )
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
