"""Every performance figure of evidencelint, against its target, as JSON and as a table.

    python bench/run.py [--quick] [--json FILE]

Builds synthetic trees (bench/generate.py) of 100, 1,000 and 10,000 pages of 10 claims
and 4 references each, plus a shared bibliography of 200 works, and a loopback Crossref
server (tests/crossref_server.py) serving every DOI they cite. Each `check` runs as its
own process, exactly as a user or a hook runs it, with the answer cache warmed first.
The largest tree is also read with PyYAML's `yaml.load` alone, in the same run and on the
same two cores: the warm check's throughput is given as a fraction of that floor.

Cold verification runs 3 times with 200 DOIs and once with 1,000, each against a fresh
loopback server that enforces Crossref's polite limits (bench/verify.py).

--quick stops at 1,000 pages and verifies 50 DOIs once (a smoke run; its figures are not
the ones the targets speak of).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402
from tests.crossref_server import CrossrefServer  # noqa: E402

import verify  # noqa: E402

TODAY = "2026-11-21"
POOL = 1000
SHARED = 200
Figures = dict[str, Any]


def _tree_memory_kib(pid: int) -> int:
    """Memory of a process and all its descendants (its scan workers): the sum of their
    proportional set sizes, so pages a forked worker shares with its parent count once."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(_tree_memory_kib(int(c)) for c in children.read().split())
    except (OSError, ValueError):
        pass
    return total


class _PeakSampler(threading.Thread):
    """Samples the process tree's memory every 10 ms; a process's own peak
    (ru_maxrss) would miss the workers."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, _tree_memory_kib(self.pid))


def timed_process(
    args: Sequence[str], cwd: Path, env: dict[str, str], memory: bool = False
) -> tuple[float, int, int, int]:
    """(wall seconds, exit code, peak KiB of it and its workers together, peak resident
    KiB of the main process alone) of one run. The process tree's memory is sampled only
    when asked: reading it every 10 ms slows the run measured by a fifth."""
    started = time.perf_counter()
    child = subprocess.Popen(
        list(args), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler = _PeakSampler(child.pid)
    if memory:
        sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if memory:
        sampler.done.set()
        sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if child.returncode not in (0, 1) or "Traceback" in stderr:
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}:\n{stderr}")
    return wall, child.returncode, sampler.peak, usage.ru_maxrss


def check_command(*paths: str) -> list[str]:
    return [
        sys.executable, "-m", "evidencelint", "check", *paths,
        "--today", TODAY, "--format", "json", "--output", os.devnull,
    ]  # fmt: skip


def environment(server: CrossrefServer, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        EVIDENCELINT_CROSSREF_URL=server.url,
        EVIDENCELINT_CACHE_DIR=str(cache),
        EVIDENCELINT_MAILTO="bench@example.org",
        # A cold run of a whole synthetic tree verifies thousands of DOIs: far more than
        # a commit hook's budget, which would measure the budget instead of the run.
        EVIDENCELINT_RUN_TIMEOUT="3600",
    )
    env.pop("CI", None)
    return env


def warm_throughput(sizes: Sequence[int], work: Path, server: CrossrefServer) -> Figures:
    cache = work / "cache"
    env = environment(server, cache)
    rows: list[Figures] = []
    for pages in sizes:
        shape = generate.Shape(pages=pages, pool=POOL, shared=SHARED)
        root = work / f"tree-{pages}"
        generate.write_tree(root, shape)
        timed_process(check_command("content"), root, env)  # warms the cache
        before = len(server.requests)
        repeats = 3 if pages <= 1000 else 2
        runs = [timed_process(check_command("content"), root, env) for _ in range(repeats)]
        wall = min(r[0] for r in runs)
        memory = timed_process(check_command("content"), root, env, memory=True)
        rows.append(
            {
                "pages": pages,
                "claims": shape.total_claims,
                "seconds": round(wall, 3),
                "claims_per_second": round(shape.total_claims / wall),
                "peak_memory_mb": round(memory[2] / 1024, 1),
                "main_process_peak_rss_mb": round(max(r[3] for r in [*runs, memory]) / 1024, 1),
                "requests_when_warm": len(server.requests) - before,
            }
        )
    growth = [round(b["seconds"] / a["seconds"], 2) for a, b in itertools.pairwise(rows)]
    return {"sizes": rows, "time_ratio_per_10x_pages": growth}


def compiled(env: dict[str, str], work: Path) -> dict[str, str]:
    """`env` with the bytecode of every module kept (in the bench's own folder), as in any
    installed environment: where PYTHONDONTWRITEBYTECODE is set, an editable install's
    modules are compiled again by every process, which costs evidencelint (about 90
    modules) far more than yamllint."""
    env = dict(env, PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


FLOOR_WORKERS = 2
"""The scan's pool on the project's two cores (run/pages.py uses one worker per core)."""


def _yaml_load_files(files: Sequence[str]) -> int:
    """PyYAML's own loader over each file, nothing else; the claims it found."""
    claims = 0
    for name in files:
        with open(name, encoding="utf-8") as handle:
            data = yaml.load(handle.read(), Loader=yaml.CSafeLoader)
        claims += len(data.get("claims") or []) if isinstance(data, dict) else 0
    return claims


def yaml_floor(root: Path) -> Figures:
    """How fast the tree's YAML alone loads: `yaml.load` with libyaml over every file, in
    a pool of two forked processes and chunks of 100 files, as the check scans; the best
    of 3. No check can be faster than reading its YAML, so this is the throughput's floor."""
    files = sorted(str(p) for p in (root / "content").rglob("*.yaml"))
    chunks = [files[i : i + 100] for i in range(0, len(files), 100)]
    walls, claims = [], 0
    for _ in range(3):
        started = time.perf_counter()
        with ProcessPoolExecutor(
            FLOOR_WORKERS, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            claims = sum(pool.map(_yaml_load_files, chunks))
        walls.append(time.perf_counter() - started)
    wall = min(walls)
    return {
        "files": len(files),
        "claims": claims,
        "seconds": round(wall, 3),
        "claims_per_second": round(claims / wall),
    }


def floor_ratio(warm: Figures, floor: Figures) -> float:
    """The largest tree's warm check throughput over its YAML floor."""
    largest = max(warm["sizes"], key=lambda row: row["pages"])
    ratio = float(largest["claims_per_second"]) / float(floor["claims_per_second"])
    return round(ratio, 3)


def one_file(work: Path, server: CrossrefServer, pages: int) -> Figures:
    """What a pre-commit hook costs: one changed page, resolved against the shared
    bibliography of a large tree, warm cache; and the package's import time."""
    root = work / f"tree-{pages}"
    env = compiled(environment(server, work / "cache"), work)
    target = "content/section-00/page-00001.yaml"
    timed_process(check_command(target), root, env)
    walls = [timed_process(check_command(target), root, env)[0] for _ in range(10)]
    five = [f"content/section-00/page-{i:05d}.yaml" for i in range(1, 6)]
    walls5 = [timed_process(check_command(*five), root, env)[0] for _ in range(5)]
    python = [timed_process([sys.executable, "-c", "pass"], root, env)[0] for _ in range(10)]
    # What `check` imports (the CLI module itself imports the rest on demand).
    check_modules = (
        "import evidencelint.cli, evidencelint.run.check, evidencelint.report.formats, "
        "evidencelint.verify.factory"
    )
    imports = [
        timed_process([sys.executable, "-c", check_modules], root, env)[0] for _ in range(10)
    ]
    return {
        "tree_pages": pages,
        "one_file_seconds_median": round(statistics.median(walls), 3),
        "one_file_seconds_max": round(max(walls), 3),
        "five_files_seconds_median": round(statistics.median(walls5), 3),
        "python_startup_seconds": round(statistics.median(python), 3),
        "import_seconds": round(statistics.median(imports) - statistics.median(python), 3),
        **against_yamllint(root, env, work, target),
    }


def against_yamllint(root: Path, env: dict[str, str], work: Path, target: str) -> Figures:
    """The hook against yamllint on the same file, in the same run: the three commands
    interleaved, 15 times, medians. `resident` is the check handed to the opt-in resident
    process (EVIDENCELINT_SERVER=1), which is started and warmed first and stopped after."""
    runtime = work / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    resident_env = dict(env, EVIDENCELINT_SERVER="1", XDG_RUNTIME_DIR=str(runtime))
    commands = {
        "check": (check_command(target), env),
        "yamllint": ([sys.executable, "-m", "yamllint", target], env),
        "resident": (check_command(target), resident_env),
    }
    try:
        timed_process(commands["yamllint"][0], root, env)
    except RuntimeError as exc:
        raise SystemExit(f"yamllint is the anchor: pip install -e '.[bench]'\n{exc}") from None
    _start_resident(root, resident_env, runtime)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for command, command_env in commands.values():
            timed_process(command, root, command_env)
        for _ in range(15):
            for name, (command, command_env) in commands.items():
                walls[name].append(timed_process(command, root, command_env)[0])
    finally:
        for sockets in runtime.glob("evidencelint-*"):
            shutil.rmtree(sockets)  # the resident process sees its socket gone and exits
    median = {name: statistics.median(times) for name, times in walls.items()}
    return {
        "hook_check_seconds_median": round(median["check"], 3),
        "hook_yamllint_seconds_median": round(median["yamllint"], 3),
        "hook_check_to_yamllint": round(median["check"] / median["yamllint"], 2),
        "hook_resident_seconds_median": round(median["resident"], 3),
        "hook_resident_to_yamllint": round(median["resident"] / median["yamllint"], 2),
    }


def _start_resident(root: Path, env: dict[str, str], runtime: Path) -> None:
    """The first command runs in its own process and starts the resident one; wait until
    it listens."""
    timed_process([sys.executable, "-m", "evidencelint", "--version"], root, env)
    deadline = time.monotonic() + 60
    while not any(runtime.glob("evidencelint-*/*.sock")):
        if time.monotonic() > deadline:
            raise RuntimeError("the resident process did not start")
        time.sleep(0.05)


def hook_targets(one: Figures) -> list[tuple[str, str, str, bool]]:
    """Issue 14, item 1: a one-page warm check no slower than yamllint on the same file."""
    rows = []
    for name, seconds, ratio in (
        ("one-file check", one["hook_check_seconds_median"], one["hook_check_to_yamllint"]),
        (
            "one-file check, resident",
            one["hook_resident_seconds_median"],
            one["hook_resident_to_yamllint"],
        ),
    ):
        rows.append((f"{name}, warm (s)", f"{seconds}", "<= 0.2", seconds <= 0.2))
        rows.append((f"{name} / yamllint, same file", f"{ratio}", "<= 1.0", ratio <= 1.0))
    return rows


def naive_baseline(n: int) -> Figures:
    """What a user would write: one requests.get at a time, no cache, no backoff."""
    import requests

    server = CrossrefServer(latency=0.1, rate_limit=10, concurrency_limit=3).start()
    try:
        dois = []
        for i in range(n):
            record = verify.synthetic_work(i)
            server.add_work(record)
            dois.append(str(record["DOI"]))
        started = time.perf_counter()
        found = 0
        with requests.Session() as session:
            for doi in dois:
                answer = session.get(f"{server.url}/works/{doi}", timeout=30)
                found += answer.status_code == 200
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    return {
        "dois": n,
        "seconds": round(seconds, 2),
        "ratio_to_ceiling": round(seconds / (n / 10), 3),
        "responses_429": server.sent_429,
        "verified": found,
        "warm_seconds": round(seconds, 2),  # no cache: a second run costs the same
    }


COLD_RUNS = (200, 200, 200, 1000)
COLD_RATIO = 1.04
"""Cold verification may take this many times the ceiling, n / the advertised rate."""


def cold_verification(sizes: Sequence[int]) -> Figures:
    """Cold runs of verification, one per size, each on its own server and cache."""
    runs = [verify.run(n) for n in sizes]
    ratios = [run["ratio_to_ceiling"] for run in runs]
    return {
        "runs": runs,
        "median_ratio_to_ceiling": statistics.median(ratios),
        "worst_ratio_to_ceiling": max(ratios),
    }


def cold_targets(cold: Figures) -> list[tuple[str, str, str, bool]]:
    """A row per cold run: its ratio to the ceiling, 429s and most requests in flight."""
    rows = []
    for number, run in enumerate(cold["runs"], start=1):
        allowed = run["advertised_concurrency"]
        met = (
            run["ratio_to_ceiling"] <= COLD_RATIO
            and run["responses_429"] == 0
            and run["peak_in_flight"] <= allowed
            and run["found"] == run["dois"]
        )
        rows.append(
            (
                f"cold verification, run {number}: {run['dois']} DOIs",
                f"{run['ratio_to_ceiling']:.3f} x, {run['responses_429']} x 429, "
                f"{run['peak_in_flight']} at once",
                f"<= {COLD_RATIO} x, 0, {allowed}",
                met,
            )
        )
    return rows


def targets(figures: Figures) -> list[tuple[str, str, str, bool]]:
    sizes = {row["pages"]: row for row in figures["warm"]["sizes"]}
    largest = sizes[max(sizes)]
    cold = figures["cold_verification"]
    one = figures["one_file"]
    floor = figures["yaml_floor"]
    rows = [
        (
            f"warm claims/s at {largest['pages']} pages",
            f"{largest['claims_per_second']}",
            ">= 5000",
            largest["claims_per_second"] >= 5000,
        ),
        (
            f"warm claims/s / yaml.load's at {largest['pages']} pages",
            f"{floor['check_over_floor']} ({floor['claims_per_second']} claims/s)",
            ">= 0.8",
            floor["check_over_floor"] >= 0.8,
        ),
        (
            "time at 10x pages / time at 1x",
            ", ".join(str(g) for g in figures["warm"]["time_ratio_per_10x_pages"]),
            "<= 10.5",
            all(g <= 10.5 for g in figures["warm"]["time_ratio_per_10x_pages"]),
        ),
        (
            f"peak memory at {largest['pages']} pages (MB, PSS)",
            f"{largest['peak_memory_mb']}",
            "<= 300",
            largest["peak_memory_mb"] <= 300,
        ),
        *hook_targets(one),
        *cold_targets(cold),
    ]
    return rows


def table(figures: Figures) -> str:
    lines = [f"{'figure':44} {'measured':>24} {'target':>16}  met"]
    for name, value, target, met in targets(figures):
        lines.append(f"{name:44} {value:>24} {target:>16}  {'yes' if met else 'NO'}")
    lines.append("")
    lines.append(f"{'pages':>7} {'claims':>8} {'seconds':>8} {'claims/s':>9} {'mem MB':>7}")
    for row in figures["warm"]["sizes"]:
        lines.append(
            f"{row['pages']:>7} {row['claims']:>8} {row['seconds']:>8} "
            f"{row['claims_per_second']:>9} {row['peak_memory_mb']:>7}"
        )
    floor = figures["yaml_floor"]
    lines.append(
        f"yaml.load alone (CSafeLoader, {FLOOR_WORKERS} processes): {floor['files']} files, "
        f"{floor['claims']} claims in {floor['seconds']} s, {floor['claims_per_second']} "
        "claims/s"
    )
    one = figures["one_file"]
    lines.append("")
    lines.append(
        f"one file {one['one_file_seconds_median']} s (max {one['one_file_seconds_max']}), "
        f"five files {one['five_files_seconds_median']} s, python itself "
        f"{one['python_startup_seconds']} s, importing what check needs "
        f"+{one['import_seconds']} s"
    )
    lines.append(
        f"same file, same run (median of 15): check {one['hook_check_seconds_median']} s, "
        f"yamllint {one['hook_yamllint_seconds_median']} s, resident check "
        f"{one['hook_resident_seconds_median']} s"
    )
    lines.append("")
    lines.extend(cold_lines(figures["cold_verification"], figures["naive_client"]))
    return "\n".join(lines)


def cold_lines(cold: Figures, naive: Figures) -> list[str]:
    lines = []
    for run in cold["runs"]:
        lines.append(
            f"cold {run['dois']} DOIs: {run['cold_seconds']} s for a ceiling of "
            f"{run['ceiling_seconds']} s ({run['ratio_to_ceiling']:.3f} x), "
            f"{run['responses_429']} x 429, at most {run['peak_in_flight']} in flight "
            f"(advertised {run['advertised_concurrency']}); warm re-run {run['warm_seconds']} s "
            f"with {run['warm_requests']} requests"
        )
    lines.append(
        f"cold verification / ceiling: median {cold['median_ratio_to_ceiling']:.3f}, "
        f"worst {cold['worst_ratio_to_ceiling']:.3f}"
    )
    lines.append(
        f"naive client on {naive['dois']} DOIs: {naive['seconds']} s "
        f"({naive['responses_429']} x 429, {naive['verified']} verified, no cache)"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sizes = (100, 1000) if args.quick else (100, 1000, 10_000)
    dois = 50 if args.quick else 200

    server = CrossrefServer(advertise=(1000, 50))
    for record in generate.works(POOL):
        server.add_work(record)
    server.start()
    figures: Figures = {
        "date": time.strftime("%Y-%m-%d"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    try:
        with tempfile.TemporaryDirectory(prefix="evidencelint-bench-") as folder:
            work = Path(folder)
            figures["warm"] = warm_throughput(sizes, work, server)
            figures["yaml_floor"] = yaml_floor(work / f"tree-{max(sizes)}")
            figures["yaml_floor"]["check_over_floor"] = floor_ratio(
                figures["warm"], figures["yaml_floor"]
            )
            figures["one_file"] = one_file(work, server, max(sizes))
    finally:
        server.stop()
    figures["cold_verification"] = cold_verification((dois,) if args.quick else COLD_RUNS)
    figures["naive_client"] = naive_baseline(dois)

    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print()
    print(table(figures))
    return 0 if all(met for *_, met in targets(figures)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
