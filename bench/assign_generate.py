"""Generate an assignment instance in openreview-matcher CSV format (S.csv, C.csv).

    python bench/assign_generate.py --items 2000 --experts 10000 --candidates 300 \
        --conflict-share 0.02 --seed 2 --out bench/out/large

Plain mode: each item scores `candidates` random experts with affinity U(0, 1); conflicts are a
`conflict-share` of all item x expert pairs, drawn uniformly. Topic mode (`--topics T`): items get
topics with Zipf(1) popularity, experts uniform topics; same-topic affinity U(.5, 1), else U(0, .5);
half of the conflicts fall on scored pairs with probability proportional to affinity. Topic mode
with max load 3 and 1.2x supply is the "tight" instance where fairness matters.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def generate(
    items: int, experts: int, candidates: int, conflict_share: float, seed: int, topics: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cand = np.empty((items, candidates), dtype=np.int64)
    for i in range(items):
        cand[i] = rng.choice(experts, size=candidates, replace=False)
    pair_item = np.repeat(np.arange(items), candidates)
    pair_expert = cand.ravel()
    if topics:
        popularity = 1.0 / np.arange(1, topics + 1)
        item_topic = rng.choice(topics, size=items, p=popularity / popularity.sum())
        expert_topic = rng.integers(0, topics, size=experts)
        same = item_topic[pair_item] == expert_topic[pair_expert]
        score = np.where(same, rng.uniform(0.5, 1.0, len(pair_item)), rng.uniform(0.0, 0.5, len(pair_item)))
    else:
        score = rng.uniform(0.0, 1.0, len(pair_item))
    n_conflicts = round(conflict_share * items * experts)
    uniform = n_conflicts // 2 if topics else n_conflicts
    c_item = rng.integers(0, items, size=uniform)
    c_expert = rng.integers(0, experts, size=uniform)
    if topics:
        picked = rng.choice(len(score), size=n_conflicts - uniform, replace=False, p=score / score.sum())
        c_item = np.concatenate([c_item, pair_item[picked]])
        c_expert = np.concatenate([c_expert, pair_expert[picked]])
    keys = np.unique(c_item * experts + c_expert)
    return pair_item, pair_expert, score, keys // experts, keys % experts


def write_csv(path: Path, items: np.ndarray, experts: np.ndarray, values: list[str]) -> None:
    lines = [f"i{i},e{e},{v}\n" for i, e, v in zip(items.tolist(), experts.tolist(), values, strict=True)]
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=10000)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--conflict-share", type=float, default=0.02)
    parser.add_argument("--topics", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="directory for S.csv and C.csv")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pi, pe, score, ci, ce = generate(
        args.items, args.experts, args.candidates, args.conflict_share, args.seed, args.topics
    )
    write_csv(args.out / "S.csv", pi, pe, [f"{s:.6f}" for s in score.tolist()])
    write_csv(args.out / "C.csv", ci, ce, ["-1"] * len(ci))
    print(f"wrote {len(pi)} scores and {len(ci)} conflicts to {args.out}")


if __name__ == "__main__":
    main()
