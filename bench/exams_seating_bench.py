"""Seat 100,000 candidates (target: under 3 s on the 2-core box) and print time and peak memory.

Run: .venv/bin/python bench/exams_seating_bench.py [candidates]
Instance: 12 subject groups, 400 employers with Zipf-like sizes (a few large ones), rooms of
6 x 6 desks with 4 spare seats (32 seats) over 20 sites, employer separation on; then the same
with 40 % of all candidates from one employer (the hard case for separation).
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc

from exams.rules.seating import Room, SeatingCandidate, SeatingPolicy, allocate_seats


def instance(n: int, seed: int = 7, big_share: float = 0.0) -> tuple[list[SeatingCandidate], list[Room]]:
    """`big_share` of the candidates come from one employer on top of the Zipf-like others."""
    rng = random.Random(seed)
    employers = [f"E{i:03d}" for i in range(400)]
    weights = [1 / (i + 1) for i in range(400)]
    groups = [f"G{i:02d}" for i in range(12)]
    candidates = [
        SeatingCandidate(
            f"C{i:06d}",
            rng.choice(groups),
            "BIG" if rng.random() < big_share else rng.choices(employers, weights)[0] if rng.random() < 0.9 else None,
        )
        for i in range(n)
    ]
    rooms_needed = n // 32 + 40
    rooms = [Room(f"S{r % 20:02d}", r // 20 + 1, 6, 6, spare_seats=4) for r in range(rooms_needed)]
    return candidates, rooms


def run(n: int, big_share: float) -> None:
    candidates, rooms = instance(n, big_share=big_share)
    started = time.perf_counter()
    plan = allocate_seats(candidates, rooms, SeatingPolicy(seed=2026))
    elapsed = time.perf_counter() - started
    # Memory is measured in a second run: tracemalloc slows Python code down by about 2x.
    tracemalloc.start()
    allocate_seats(candidates, rooms, SeatingPolicy(seed=2026))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"candidates={n} one-employer share={big_share:.0%} rooms={len(rooms)} seated={len(plan.assignments)} "
        f"unseated={len(plan.unseated)} neighbour conflicts={len(plan.conflicts)}"
    )
    print(f"  allocate_seats: {elapsed:.2f} s, peak traced memory {peak / 2**20:.1f} MiB")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for share in (0.0, 0.4):
        run(n, share)


if __name__ == "__main__":
    main()
