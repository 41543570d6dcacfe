"""The `assign` CSV command, end to end through click's runner, and the real PrefLib data."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from expert_pool.commands import assign_command, read_triples
from expert_pool.rules import solve
from expert_pool.rules.problem import Problem, problem_from_arrays

# shared/ lies beside the repository (on developers' machines and in CI alike).
SHARED = Path(__file__).resolve().parents[3] / "shared"
PREFLIB = SHARED / "research-data" / "assignment" / "multistage_reviewing_bounds"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_assign_writes_the_optimal_pairs_and_prints_the_figures(tmp_path: Path) -> None:
    scores = write(tmp_path / "S.csv", "p1,r1,0.9\np1,r2,0.8\np1,r3,0.1\np2,r1,0.7\np2,r2,0.2\np2,r3,0.6\n")
    conflicts = write(tmp_path / "C.csv", "p1,r2,-1\n")
    out = tmp_path / "A.csv"
    args = ["--scores", str(scores), "--conflicts", str(conflicts), "--per-item", "2", "--max-load", "2"]
    result = CliRunner().invoke(assign_command, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == ["p1,r1,0.9", "p1,r3,0.1", "p2,r1,0.7", "p2,r3,0.6"]
    assert "total affinity: 2.3000" in result.output
    assert "weakest item affinity: 1.0000" in result.output
    assert "time: " in result.output


def test_assign_refuses_with_the_reasons_and_writes_nothing(tmp_path: Path) -> None:
    scores = write(tmp_path / "S.csv", "item,expert,score\np1,r1,0.9\np1,r2,0.8\n")
    conflicts = write(tmp_path / "C.csv", "p1,r2,-1\n")
    out = tmp_path / "A.csv"
    args = ["--scores", str(scores), "--conflicts", str(conflicts), "--per-item", "2", "--max-load", "1"]
    result = CliRunner().invoke(assign_command, [*args, "--out", str(out)])
    assert result.exit_code == 1
    assert "[item_short_of_experts] item p1 needs 2 more experts but only 1 are eligible" in result.output
    assert "评审项目 p1 还需 2 名专家" in result.output
    assert not out.exists()


def test_random_draw_replays_from_the_printed_seed_and_forced_rows_are_kept(tmp_path: Path) -> None:
    rows = [f"p{i},r{j},{(i * 7 + j * 3) % 10 / 10}" for i in range(6) for j in range(8)]
    scores = write(tmp_path / "S.csv", "\n".join(rows) + "\n")
    constraints = write(tmp_path / "C.csv", "p0,r0,-1\np1,r7,1\n")
    base = ["--scores", str(scores), "--conflicts", str(constraints), "--per-item", "2", "--max-load", "2"]
    outputs = []
    for name in ("a.csv", "b.csv"):
        result = CliRunner().invoke(
            assign_command, [*base, "--mode", "random", "--seed", "42", "--out", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output
        assert "seed: 42" in result.output
        outputs.append((tmp_path / name).read_text())
    assert outputs[0] == outputs[1]
    lines = outputs[0].splitlines()
    assert "p1,r7,0.8" in lines
    assert not any(line.startswith("p0,r0,") for line in lines)


def test_quoted_csv_with_a_header_reads_like_the_plain_one(tmp_path: Path) -> None:
    quoted = read_triples(write(tmp_path / "q.csv", 'item,expert,score\n"p,1",r1,0.5\r\n"p,1",r2,1\n'))
    assert quoted.items == ["p,1", "p,1"]
    assert quoted.experts == ["r1", "r2"]
    assert quoted.values.tolist() == [0.5, 1.0]


def preflib_problem(name: str, k: int, load: int) -> Problem:
    data = np.load(PREFLIB / f"{name}.npz")
    similarity, mask = data["similarity_matrix"].T, data["mask_matrix"].T  # papers x reviewers
    papers, reviewers = similarity.shape
    item, expert = np.nonzero((similarity > 0) & (mask == 0))
    conflict_item, conflict_expert = np.nonzero(mask)
    return problem_from_arrays(
        item_ids=tuple(f"p{i}" for i in range(papers)),
        expert_ids=tuple(f"r{j}" for j in range(reviewers)),
        demand=np.full(papers, k),
        capacity=np.full(reviewers, load),
        pair_item=item,
        pair_expert=expert,
        pair_affinity=similarity[item, expert],
        conflict_item=conflict_item,
        conflict_expert=conflict_expert,
    )


@pytest.mark.skipif(not PREFLIB.exists(), reason="shared research data not mounted")
def test_real_preflib3_bids_reach_the_known_optimum_in_every_mode() -> None:
    problem = preflib_problem("preflib3", k=3, load=4)
    optimal = solve(problem)
    assert optimal.total_affinity == 448.0  # the exact optimum measured with ref_mcf and HiGHS
    conflicts = set((problem.conflict_item * problem.n_experts + problem.conflict_expert).tolist())
    assert not conflicts & set((optimal.item * problem.n_experts + optimal.expert).tolist())
    assert np.array_equal(np.bincount(optimal.item, minlength=problem.n_items), np.full(problem.n_items, 3))
    drawn = solve(problem, "random", cap=Fraction(1, 2), seed=1)
    assert drawn.expected_affinity is not None
    assert drawn.marginals is not None
    assert drawn.marginals.max() <= 0.5
    assert round(drawn.expected_affinity / optimal.total_affinity, 3) == 0.853  # Jecmen LP, as measured
    fair = solve(problem, "fair")
    assert fair.weakest_affinity >= 0.75  # openreview FairFlow's weakest paper on the same data
