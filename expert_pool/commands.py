"""`xuehui assign`: expert assignment from openreview-matcher CSV files to a CSV file;
`xuehui remind-deadlines`: the sweep of reminders before review deadlines.

S.csv rows `item,expert,score`; C.csv rows `item,expert,-1` (conflict) or `item,expert,1` (forced,
a hard pin); A.csv rows `item,expert,score`. A header row is skipped when its score is not a number.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import click
import numpy as np

from expert_pool.rules.problem import FloatArray, IntArray, Problem, problem_from_arrays
from expert_pool.rules.result import Assignment, AssignmentInfeasible
from expert_pool.rules.solver import Mode, solve
from xuehui.errors import DomainError


@dataclass(frozen=True)
class Triples:
    items: list[str]
    experts: list[str]
    values: FloatArray


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _split_plain(text: str) -> tuple[list[str], list[str], list[str]] | None:
    """Fast path for unquoted three-column rows: one C-level split of the whole file."""
    if '"' in text:
        return None
    lines = text.replace("\r\n", "\n").strip("\n")
    if not lines:
        return [], [], []
    tokens = lines.replace("\n", ",").split(",")
    if len(tokens) != 3 * (lines.count("\n") + 1):
        return None
    return tokens[0::3], tokens[1::3], tokens[2::3]


def _split_csv(text: str) -> tuple[list[str], list[str], list[str]]:
    rows = [row for row in csv.reader(text.splitlines()) if row]
    if any(len(row) < 3 for row in rows):
        raise click.ClickException("every row needs three columns: item,expert,value")
    return [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]


def read_triples(path: Path) -> Triples:
    """Read `item,expert,value` rows: a whole-file split when unquoted, else the csv module."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        items, experts, values = _split_plain(text) or _split_csv(text)
    except click.ClickException as error:
        raise click.ClickException(f"{path}: {error.message}") from None
    if values and not _is_number(values[0]):  # a header row
        items, experts, values = items[1:], experts[1:], values[1:]
    try:
        numbers = np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except ValueError as error:
        raise click.ClickException(f"{path}: {error}") from None
    return Triples([x.strip() for x in items], [x.strip() for x in experts], numbers)


def _codes(names: list[str], index: dict[str, int]) -> IntArray:
    for name in dict.fromkeys(names):  # new names get the next codes, in order of first appearance
        index.setdefault(name, len(index))
    return np.fromiter(map(index.__getitem__, names), dtype=np.int64, count=len(names))


def problem_from_csv(scores: Path, conflicts: Path | None, per_item: int, max_load: int) -> Problem:
    """Items and experts are those named in either file; every expert has a unit of their own."""
    scored = read_triples(scores)
    constraints = read_triples(conflicts) if conflicts is not None else Triples([], [], np.zeros(0))
    item_index: dict[str, int] = {}
    expert_index: dict[str, int] = {}
    s_item, s_expert = _codes(scored.items, item_index), _codes(scored.experts, expert_index)
    c_item, c_expert = _codes(constraints.items, item_index), _codes(constraints.experts, expert_index)
    forced = constraints.values > 0
    return problem_from_arrays(
        item_ids=tuple(item_index),
        expert_ids=tuple(expert_index),
        demand=np.full(len(item_index), per_item, dtype=np.int64),
        capacity=np.full(len(expert_index), max_load, dtype=np.int64),
        pair_item=s_item,
        pair_expert=s_expert,
        pair_affinity=scored.values,
        conflict_item=c_item[constraints.values < 0],
        conflict_expert=c_expert[constraints.values < 0],
        pinned_item=c_item[forced],
        pinned_expert=c_expert[forced],
    )


def write_assignment(path: Path, assignment: Assignment) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows((i, e, repr(a)) for i, e, a in assignment.rows())


def _refusal(error: DomainError) -> str:
    lines = [f"- [{reason.code}] {reason.en}\n  {reason.zh}" for reason in error.reasons]
    head = "No assignment exists / 无法完成分配:" if isinstance(error, AssignmentInfeasible) else "Invalid input:"
    return "\n".join([head, *lines])


@click.command("assign")
@click.option("--scores", "scores", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--conflicts", "conflicts", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--per-item", "per_item", type=click.IntRange(min=0), required=True, help="experts per item (k)")
@click.option("--max-load", "max_load", type=click.IntRange(min=0), required=True, help="max items per expert")
@click.option("--mode", type=click.Choice(["optimal", "fair", "random"]), default="optimal", show_default=True)
@click.option("--cap", type=click.FloatRange(min=0, max=1, min_open=True), default=0.5, show_default=True)
@click.option("--seed", type=int, default=None, help="random mode: replay a draw (default: a fresh recorded seed)")
@click.option("--time-limit", "time_limit", type=float, default=10.0, show_default=True, help="fair mode, per stage")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def assign_command(
    scores: Path,
    conflicts: Path | None,
    per_item: int,
    max_load: int,
    mode: Mode,
    cap: float,
    seed: int | None,
    time_limit: float,
    out: Path,
) -> None:
    """Assign K experts per item from S.csv (item,expert,score) avoiding C.csv conflicts; write A.csv."""
    started = time.perf_counter()
    try:
        problem = problem_from_csv(scores, conflicts, per_item, max_load)
        assignment = solve(problem, mode, cap=Fraction(cap).limit_denominator(1000), seed=seed, time_limit=time_limit)
    except DomainError as error:
        raise click.ClickException(_refusal(error)) from None
    write_assignment(out, assignment)
    elapsed = time.perf_counter() - started
    click.echo(f"mode: {mode}; items: {problem.n_items}; experts: {problem.n_experts}; pairs: {len(assignment.item)}")
    click.echo(f"total affinity: {assignment.total_affinity:.4f}")
    click.echo(f"weakest item affinity: {assignment.weakest_affinity:.4f}")
    if assignment.seed is not None:
        click.echo(f"seed: {assignment.seed}; expected affinity: {assignment.expected_affinity:.4f}")
    if assignment.weakest_upper_bound is not None:
        click.echo(f"weakest item upper bound: {assignment.weakest_upper_bound:.4f}; proven: {assignment.fair_proven}")
    click.echo(f"time: {elapsed:.2f} s")


@click.command(
    "remind-deadlines",
    help="Remind each expert with an unsubmitted review in a batch due within --days days "
    "(once per batch, expert and deadline, so it may run daily or more often, e.g. from cron).",
)
@click.option("--days", "days_before", type=click.IntRange(min=1, max=60), default=3, show_default=True)
def remind_deadlines_command(days_before: int) -> None:
    import asyncio

    from expert_pool.services.deadlines import send_deadline_reminders

    sent = asyncio.run(send_deadline_reminders(None, days_before=days_before))
    click.echo(f"sent {sent} deadline reminder(s)")


COMMANDS = [assign_command, remind_deadlines_command]
