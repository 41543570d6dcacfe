"""Every status an exam record carries, with its labels, and the moves between them.

A registration, a score import, a re-check, a certificate and a plan's publication each have one
`Labelled` enum of states and one `Lifecycle` table: which move is allowed, from which state, by
which role. Services change a state only through `<LIFECYCLE>.move()` and write it guarded on the
state they moved from (or on `sources()`), so a concurrent move cannot slip through.

A violation is a case with a lifecycle (告知 → 陈述申辩 → 决定 → 送达): its effects count only
from the decision (`VIOLATION_EFFECTIVE`); its level is the `ViolationLevel` vocabulary in
`exams.rules.violations`, its deadlines are in `exams.rules.violation_cases`. Score statuses (present, absent,
violation) are facts of a score row, not a lifecycle: `ScoreStatus` in `exams.rules.score_import`.
"""

from __future__ import annotations

from typing import Any

from xuehui.lifecycle import ANYONE, Lifecycle, move
from xuehui.vocabulary import Labelled

STAFF = ("admin", "exam_admin")
CANDIDATE = "candidate"
# The trusted command line acts without an account; it may do what an administrator may.
COMMAND_LINE_ROLE = "admin"


def role_of(actor: Any) -> str:
    """The role a lifecycle move is checked against: the actor's, or the command line's."""
    return str(actor.role) if actor is not None else COMMAND_LINE_ROLE


# --- registrations -----------------------------------------------------------------------------


class RegistrationStatus(Labelled, vocabulary="exams.registration_status"):
    SUBMITTED = "submitted", "待审核", "awaiting review"
    INELIGIBLE = "ineligible", "不符合报名条件", "not eligible"
    RETURNED = "returned", "退回修改", "returned for correction"
    APPROVED = "approved", "审核通过", "approved"
    REJECTED = "rejected", "审核不通过", "rejected"
    # Made with another person's identity number: set aside by the office, kept for the record.
    VOIDED = "voided", "已作废", "voided"


# The candidate may still correct the registration, and the office may review it.
REGISTRATION_OPEN = frozenset(
    {RegistrationStatus.SUBMITTED, RegistrationStatus.INELIGIBLE, RegistrationStatus.RETURNED}
)

REGISTRATION = Lifecycle(
    "registration",
    RegistrationStatus,
    (
        # A correction decides eligibility again: the registration lands on one of the two.
        move(REGISTRATION_OPEN, RegistrationStatus.SUBMITTED, CANDIDATE, "correct"),
        move(REGISTRATION_OPEN, RegistrationStatus.INELIGIBLE, CANDIDATE, "correct"),
        move(REGISTRATION_OPEN, RegistrationStatus.APPROVED, STAFF, "approve"),
        move(REGISTRATION_OPEN, RegistrationStatus.REJECTED, STAFF, "reject"),
        move(REGISTRATION_OPEN, RegistrationStatus.RETURNED, STAFF, "return"),
        move(
            REGISTRATION_OPEN | {RegistrationStatus.APPROVED, RegistrationStatus.REJECTED},
            RegistrationStatus.VOIDED,
            STAFF,
            "void",
        ),
    ),
    initial=RegistrationStatus.SUBMITTED,
)

# The review form's decisions and the state each one moves to.
REVIEW_DECISIONS: dict[str, RegistrationStatus] = {
    "approve": RegistrationStatus.APPROVED,
    "reject": RegistrationStatus.REJECTED,
    "return": RegistrationStatus.RETURNED,
}


def registration_status_after_check(eligible: bool) -> RegistrationStatus:
    """Where a new or corrected registration stands once eligibility was decided."""
    return RegistrationStatus.SUBMITTED if eligible else RegistrationStatus.INELIGIBLE


# --- score imports -----------------------------------------------------------------------------


class ImportState(Labelled, vocabulary="exams.import_state"):
    VALIDATING = "validating", "校验中", "validating"
    INVALID = "invalid", "校验未通过", "has problems"
    READY = "ready", "校验通过，待提交", "valid, ready to import"
    COMMITTING = "committing", "导入中", "importing"
    COMMITTED = "committed", "已导入", "imported"
    # Shown when the import's job failed while validating or committing; never stored.
    FAILED = "failed", "处理失败", "failed"


# While one of these runs, the import page reloads itself.
IMPORT_RUNNING = frozenset({ImportState.VALIDATING, ImportState.COMMITTING})

SCORE_IMPORT = Lifecycle(
    "score_import",
    ImportState,
    (
        # The validation job ends the check (any role: the upload was authorised already).
        move(ImportState.VALIDATING, ImportState.INVALID, ANYONE, "checked"),
        move(ImportState.VALIDATING, ImportState.READY, ANYONE, "checked"),
        move(ImportState.READY, ImportState.COMMITTING, STAFF, "commit"),
        move(ImportState.COMMITTING, ImportState.COMMITTED, ANYONE, "written"),
        move(IMPORT_RUNNING, ImportState.FAILED, ANYONE, "job failed"),
    ),
    initial=ImportState.VALIDATING,
)


# --- re-checks ---------------------------------------------------------------------------------


class RecheckState(Labelled, vocabulary="exams.recheck_state"):
    PENDING = "pending", "待处理", "pending"
    DONE = "done", "已处理", "decided"


RECHECK = Lifecycle(
    "recheck",
    RecheckState,
    (move(RecheckState.PENDING, RecheckState.DONE, STAFF, "decide"),),
    initial=RecheckState.PENDING,
)


# --- violation cases ---------------------------------------------------------------------------


class ViolationCaseState(Labelled, vocabulary="exams.violation_case_state"):
    RECORDED = "recorded", "已立案，待告知", "recorded, candidate not yet notified"
    NOTIFIED = "notified", "已告知，陈述申辩期内", "candidate notified, statement period running"
    STATED = "stated", "已陈述申辩", "statement received"
    DECIDED = "decided", "已作出处理决定", "decided"
    SERVED = "served", "处理决定书已送达", "decision served"


# From the decision on, the case voids results and counts for the integrity record.
VIOLATION_EFFECTIVE = frozenset({ViolationCaseState.DECIDED, ViolationCaseState.SERVED})

VIOLATION_CASE = Lifecycle(
    "violation_case",
    ViolationCaseState,
    (
        move(ViolationCaseState.RECORDED, ViolationCaseState.NOTIFIED, STAFF, "notify"),
        # The candidate states online; the office records a statement made on paper or in person.
        move(ViolationCaseState.NOTIFIED, ViolationCaseState.STATED, (CANDIDATE, *STAFF), "state"),
        # Deciding while still NOTIFIED is allowed once the statement period is over (rules decide).
        move((ViolationCaseState.NOTIFIED, ViolationCaseState.STATED), ViolationCaseState.DECIDED, STAFF, "decide"),
        move(ViolationCaseState.DECIDED, ViolationCaseState.SERVED, STAFF, "serve"),
    ),
    initial=ViolationCaseState.RECORDED,
)


# --- certificates ------------------------------------------------------------------------------


class CertificateStatus(Labelled, vocabulary="exams.certificate_status"):
    VALID = "valid", "有效", "Valid"
    REVOKED = "revoked", "已撤销", "Revoked"
    # Shown when a valid certificate is past its validity; never stored.
    EXPIRED = "expired", "已过有效期", "Expired"


# Revocation (e.g. 31号令 Art. 10: obtained by fraud) is final: a revoked certificate stays revoked.
CERTIFICATE = Lifecycle(
    "certificate",
    CertificateStatus,
    (move(CertificateStatus.VALID, CertificateStatus.REVOKED, STAFF, "revoke"),),
    initial=CertificateStatus.VALID,
)


def certificate_state(row: dict[str, Any], on: Any) -> CertificateStatus:
    """What verification answers on day `on`: revoked, expired (past `valid_until`) or valid."""
    if row["status"] == CertificateStatus.REVOKED:
        return CertificateStatus.REVOKED
    if row.get("valid_until") is not None and on > row["valid_until"]:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


# --- plans -------------------------------------------------------------------------------------


class PlanState(Labelled, vocabulary="exams.plan_state"):
    """A plan's only state change is the publication of its scores (kept as `published_at`)."""

    UNPUBLISHED = "unpublished", "成绩未公布", "scores not published"
    PUBLISHED = "published", "成绩已公布", "scores published"


PLAN = Lifecycle(
    "exam_plan",
    PlanState,
    (move(PlanState.UNPUBLISHED, PlanState.PUBLISHED, STAFF, "publish"),),
    initial=PlanState.UNPUBLISHED,
)


def plan_state(plan: dict[str, Any]) -> PlanState:
    return PlanState.PUBLISHED if plan.get("published_at") is not None else PlanState.UNPUBLISHED
