"""The figures behind an exam plan's result charts: per subject, the scores of the candidates
present counted in bins whose edges fall on the pass mark (so a bar never straddles it), with the
absent and violation counts beside them; and per subject the pass rate at each site.

Pure functions over the results the service computes; the pages draw them and export them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from exams.rules.score_model import ScoreStatus
from exams.rules.subjects import Subject

BINS = 10  # a bar per tenth of the full marks


@dataclass(frozen=True, slots=True)
class ScoreBin:
    low: Decimal
    high: Decimal  # exclusive, except for the last bin, which holds the full marks
    count: int
    passing: bool  # every score in the bin reaches the pass mark


@dataclass(frozen=True, slots=True)
class SubjectFigures:
    code: str
    name: str
    pass_mark: Decimal
    bins: tuple[ScoreBin, ...]
    present: int
    passed: int
    absent: int
    violations: int  # a violation recorded as the status, or a score made void by a decision


@dataclass(frozen=True, slots=True)
class SubjectResultRow:
    """One candidate's result in one subject, as the results service gives it."""

    subject: str
    site: str
    status: str
    score: Decimal | None
    void: bool
    passed: bool


def bin_edges(full_marks: Decimal, pass_mark: Decimal, bins: int = BINS) -> list[Decimal]:
    """Edges from 0 to the full marks, a tenth of the full marks apart, shifted so that the pass
    mark is one of them (the first and last bins may be narrower)."""
    width = full_marks / bins
    below = int(pass_mark / width)
    edges = {Decimal(0), full_marks, pass_mark}
    edges |= {pass_mark - k * width for k in range(1, below + 1)}
    edges |= {pass_mark + k * width for k in range(1, bins + 1)}
    return sorted(e for e in edges if Decimal(0) <= e <= full_marks)


def score_bins(scores: Iterable[Decimal], subject: Subject, bins: int = BINS) -> tuple[ScoreBin, ...]:
    edges = bin_edges(subject.full_marks, subject.pass_mark, bins)
    counts = [0] * (len(edges) - 1)
    for score in scores:
        index = min(bisect_right(edges, score) - 1, len(counts) - 1)  # the full marks go in the last bin
        counts[max(index, 0)] += 1
    return tuple(ScoreBin(edges[i], edges[i + 1], counts[i], edges[i] >= subject.pass_mark) for i in range(len(counts)))


def subject_figures(rows: Sequence[SubjectResultRow], subjects: Mapping[str, Subject]) -> list[SubjectFigures]:
    """Every subject of the plan that has results, in code order."""
    out = []
    for code in sorted(subjects):
        mine = [r for r in rows if r.subject == code]
        if not mine:
            continue
        present = [r for r in mine if r.status == ScoreStatus.PRESENT and not r.void and r.score is not None]
        out.append(
            SubjectFigures(
                code,
                subjects[code].name,
                subjects[code].pass_mark,
                score_bins((r.score for r in present if r.score is not None), subjects[code]),
                len(present),
                sum(r.passed for r in present),
                sum(r.status == ScoreStatus.ABSENT for r in mine),
                sum(r.status == ScoreStatus.VIOLATION or r.void for r in mine),
            )
        )
    return out


def site_pass_rates(rows: Sequence[SubjectResultRow]) -> dict[str, dict[str, float | None]]:
    """Subject -> site -> the share of the candidates present there who passed (None: nobody present)."""
    present: dict[str, dict[str, list[int]]] = {}
    sites = sorted({r.site for r in rows})
    for r in rows:
        counts = present.setdefault(r.subject, {site: [0, 0] for site in sites})[r.site]
        if r.status == ScoreStatus.PRESENT and not r.void and r.score is not None:
            counts[0] += 1
            counts[1] += int(r.passed)
    return {
        subject: {site: (passed / n if n else None) for site, (n, passed) in by_site.items()}
        for subject, by_site in sorted(present.items())
    }
