"""The third-party evaluation of a pilot project: its score range and grade."""

from __future__ import annotations

from decimal import Decimal

from societies.rules.vocabulary import EvaluationGrade
from xuehui.errors import Reason

# An evaluation is scored out of a hundred, to one decimal place (the table's Numeric(5, 1)).
MIN_SCORE = Decimal(0)
MAX_SCORE = Decimal(100)
SCORE_STEP = Decimal("0.1")


def score_problem(score: Decimal | None) -> Reason | None:
    if score is None or not MIN_SCORE <= score <= MAX_SCORE:
        return Reason("evaluation.score", "评估得分须在0到100之间", "the score must be between 0 and 100", "score")
    return None


def evaluation_problems(score: Decimal | None, grade: str, evaluator: str) -> list[Reason]:
    problems = []
    if not evaluator.strip():
        problems.append(Reason("evaluation.evaluator", "请填写第三方评估机构", "name the evaluator", "evaluator"))
    if (problem := score_problem(score)) is not None:
        problems.append(problem)
    if EvaluationGrade.parse(grade) is None:
        problems.append(Reason("evaluation.grade", "请选择评估等级", "choose a grade", "grade"))
    return problems
