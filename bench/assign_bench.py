"""Benchmark the `assign` command from CSV to CSV: wall time and peak RSS.

    python bench/assign_bench.py            # all cases, 3 runs each (median)
    python bench/assign_bench.py --runs 1

Each run is a fresh subprocess (`--child`) that runs the click command in-process and reports its
own peak RSS from resource.getrusage, so runs do not share memory. Wall time is measured by the
parent around the subprocess (interpreter start and imports included). Instances are generated with
bench/assign_generate.py into bench/out/ on first use (seeds fixed).

Targets: `large` (2,000 items x 10,000 experts, k=5, load<=6, 300 candidates per item, 2%
conflicts) under 5 s and 500 MB. `small_tight` / `large_tight` (supply 1.2x demand, topic-skewed)
show the fair mode's weakest item against the optimal mode's.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

INSTANCES = {
    "large": ["--items", "2000", "--experts", "10000", "--seed", "2"],
    "small_tight": ["--items", "500", "--experts", "1000", "--topics", "30", "--seed", "3"],
    "large_tight": ["--items", "2000", "--experts", "4000", "--topics", "30", "--seed", "4"],
}
CASES = [
    ("large", "optimal", 6),
    ("large", "random", 6),
    ("small_tight", "optimal", 3),
    ("small_tight", "fair", 3),
    ("large_tight", "optimal", 3),
    ("large_tight", "fair", 3),
]


def ensure_instance(name: str) -> Path:
    folder = OUT / name
    if not (folder / "S.csv").exists():
        subprocess.run(
            [sys.executable, str(HERE / "assign_generate.py"), *INSTANCES[name], "--out", str(folder)], check=True
        )
    return folder


def child(arguments: list[str]) -> None:
    from expert_pool.commands import assign_command

    try:
        assign_command.main(arguments, standalone_mode=False)
    finally:
        print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


def run_case(instance: str, mode: str, load: int) -> dict[str, float | str]:
    folder = ensure_instance(instance)
    arguments = [
        "--scores", str(folder / "S.csv"), "--conflicts", str(folder / "C.csv"),
        "--per-item", "5", "--max-load", str(load), "--mode", mode, "--seed", "1",
        "--out", str(folder / f"A_{mode}.csv"),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *arguments],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    wall = time.perf_counter() - started
    figures: dict[str, float | str] = {"wall_s": wall}
    for key, pattern in [
        ("command_s", r"time: ([\d.]+) s"),
        ("rss_mb", r"peak_rss_mb: (\d+)"),
        ("total", r"total affinity: ([\d.]+)"),
        ("weakest", r"weakest item affinity: ([\d.]+)"),
        ("bound", r"weakest item upper bound: ([\d.]+)"),
        ("expected", r"expected affinity: ([\d.]+)"),
    ]:
        found = re.search(pattern, done.stdout)
        if found:
            figures[key] = float(found.group(1))
    return figures


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="run only cases whose instance name contains this")
    args = parser.parse_args()
    print("instance      mode     wall_s  command_s  rss_mb   total affinity  weakest  (bound)  expected")
    for instance, mode, load in CASES:
        if args.only not in instance:
            continue
        runs = [run_case(instance, mode, load) for _ in range(args.runs)]
        best = {key: statistics.median(float(r[key]) for r in runs) for key in runs[0]}
        print(
            f"{instance:13s} {mode:8s} {best['wall_s']:6.2f}  {best['command_s']:9.2f}  {best['rss_mb']:6.0f}"
            f"   {best['total']:14.4f}  {best['weakest']:7.4f}  {best.get('bound', float('nan')):7.4f}"
            f"  {best.get('expected', float('nan')):.4f}"
        )


if __name__ == "__main__":
    main()
