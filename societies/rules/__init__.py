"""Pure rules of societies and pilot projects, no database and no HTTP:

- `vocabulary`: the labelled codes (function types, leader ranks, stages, grades, sanction kinds);
- `lifecycles`: society, pilot-project and amendment statuses with their transition tables;
- `agreement`: the task agreement's completeness, the leader requirement, the schedule;
- `evaluations`: a third-party evaluation's score and grade;
- `audit`: every audit action the package writes, labelled.

Source: the provincial pilot plan (shared/seed/pilot-plan-2017.txt).
"""

from societies.rules.agreement import (
    Agreement,
    Funding,
    Kpi,
    Leader,
    Milestone,
    StagePlan,
    agreement_problems,
    current_stage,
    leader_problems,
)
from societies.rules.audit import SocietiesAudit, SocietiesObject
from societies.rules.evaluations import MAX_SCORE, MIN_SCORE, SCORE_STEP, evaluation_problems, score_problem
from societies.rules.lifecycles import (
    AMENDMENT_LIFECYCLE,
    EVALUABLE,
    PILOT_LIFECYCLE,
    PUBLIC,
    RUNNING,
    SIGNATURES,
    SOCIETY_LIFECYCLE,
    AmendmentStatus,
    Move,
    PilotAction,
    PilotStatus,
    SocietyStatus,
    allowed_actions,
    amendable,
    editable,
    workflow_move,
)
from societies.rules.vocabulary import (
    MIN_LEADER_RANK,
    SIGNING_PARTIES,
    ApprovingBody,
    EvaluationGrade,
    FunctionType,
    IntegrityViolationKind,
    LeaderRank,
    ReportKind,
    SanctionKind,
    SigningParty,
    Stage,
)

__all__ = [
    "AMENDMENT_LIFECYCLE",
    "EVALUABLE",
    "MAX_SCORE",
    "MIN_LEADER_RANK",
    "MIN_SCORE",
    "PILOT_LIFECYCLE",
    "PUBLIC",
    "RUNNING",
    "SCORE_STEP",
    "SIGNATURES",
    "SIGNING_PARTIES",
    "SOCIETY_LIFECYCLE",
    "Agreement",
    "AmendmentStatus",
    "ApprovingBody",
    "EvaluationGrade",
    "FunctionType",
    "Funding",
    "IntegrityViolationKind",
    "Kpi",
    "Leader",
    "LeaderRank",
    "Milestone",
    "Move",
    "PilotAction",
    "PilotStatus",
    "ReportKind",
    "SanctionKind",
    "SigningParty",
    "SocietiesAudit",
    "SocietiesObject",
    "SocietyStatus",
    "Stage",
    "StagePlan",
    "agreement_problems",
    "allowed_actions",
    "amendable",
    "current_stage",
    "editable",
    "evaluation_problems",
    "leader_problems",
    "score_problem",
    "workflow_move",
]
