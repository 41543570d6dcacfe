"""Every exam status is a labelled lifecycle: who may move it, from which state; and every audit
action exams writes has a label in both languages."""

from __future__ import annotations

import pytest

from exams.rules.actions import REVIEW_ACTIONS, ExamAction
from exams.rules.lifecycles import (
    CERTIFICATE,
    PLAN,
    RECHECK,
    REGISTRATION,
    REGISTRATION_OPEN,
    REVIEW_DECISIONS,
    SCORE_IMPORT,
    CertificateStatus,
    ImportState,
    PlanState,
    RecheckState,
    RegistrationStatus,
    ViolationCaseState,
    plan_state,
    role_of,
)
from exams.rules.rechecks import RecheckOutcome
from exams.rules.score_model import ScoreStatus
from exams.rules.violations import ViolationKind, ViolationLevel
from xuehui.errors import Conflict, Forbidden
from xuehui.i18n import current_language
from xuehui.vocabulary import action_label, label_of, registered

pytestmark = pytest.mark.pure

VOCABULARIES = (
    RegistrationStatus,
    ViolationCaseState,
    ImportState,
    RecheckState,
    CertificateStatus,
    PlanState,
    ScoreStatus,
    RecheckOutcome,
    ViolationLevel,
    ViolationKind,
    ViolationCaseState,
    ExamAction,
)


def test_a_registration_is_corrected_by_its_candidate_and_reviewed_by_staff_while_open() -> None:
    for state in REGISTRATION_OPEN:
        assert REGISTRATION.move(state, RegistrationStatus.SUBMITTED, "candidate") is RegistrationStatus.SUBMITTED
        assert REGISTRATION.move(state, RegistrationStatus.INELIGIBLE, "candidate") is RegistrationStatus.INELIGIBLE
        for target in REVIEW_DECISIONS.values():
            assert REGISTRATION.move(state, target, "exam_admin") is target
            with pytest.raises(Forbidden):
                REGISTRATION.move(state, target, "candidate")
    with pytest.raises(Forbidden):
        REGISTRATION.move(RegistrationStatus.SUBMITTED, RegistrationStatus.SUBMITTED, "exam_admin")
    assert REGISTRATION.sources(RegistrationStatus.APPROVED) == REGISTRATION_OPEN


@pytest.mark.parametrize("final", [RegistrationStatus.APPROVED, RegistrationStatus.REJECTED])
def test_a_reviewed_registration_moves_no_more(final: RegistrationStatus) -> None:
    # Only the office's void of a registration made with someone else's identity number.
    assert REGISTRATION.targets(final, "admin") == [RegistrationStatus.VOIDED]
    assert REGISTRATION.targets(final, "candidate") == []
    assert REGISTRATION.targets(RegistrationStatus.VOIDED, "admin") == []
    with pytest.raises(Conflict) as refused:
        REGISTRATION.move(final, RegistrationStatus.SUBMITTED, "candidate")
    assert refused.value.reasons[0].code == "registration.bad_state"


def test_a_score_import_is_committed_by_staff_only_once_it_is_valid() -> None:
    assert SCORE_IMPORT.move(ImportState.READY, ImportState.COMMITTING, "exam_admin") is ImportState.COMMITTING
    with pytest.raises(Forbidden):
        SCORE_IMPORT.move(ImportState.READY, ImportState.COMMITTING, "candidate")
    for state in (ImportState.VALIDATING, ImportState.INVALID, ImportState.COMMITTING, ImportState.COMMITTED):
        with pytest.raises(Conflict):
            SCORE_IMPORT.move(state, ImportState.COMMITTING, "admin")
    assert SCORE_IMPORT.sources(ImportState.COMMITTED) == {ImportState.COMMITTING}
    assert SCORE_IMPORT.sources(ImportState.FAILED) == {ImportState.VALIDATING, ImportState.COMMITTING}


def test_a_recheck_is_decided_once_and_a_plan_published_once() -> None:
    assert RECHECK.move(RecheckState.PENDING, RecheckState.DONE, "exam_admin") is RecheckState.DONE
    with pytest.raises(Conflict):
        RECHECK.move(RecheckState.DONE, RecheckState.DONE, "exam_admin")
    assert plan_state({"published_at": None}) is PlanState.UNPUBLISHED
    assert PLAN.move(PlanState.UNPUBLISHED, PlanState.PUBLISHED, role_of(None)) is PlanState.PUBLISHED
    with pytest.raises(Conflict):
        PLAN.move(plan_state({"published_at": "2026-01-01"}), PlanState.PUBLISHED, "admin")
    with pytest.raises(Forbidden):
        PLAN.move(PlanState.UNPUBLISHED, PlanState.PUBLISHED, "candidate")
    assert (CERTIFICATE.initial, CERTIFICATE.targets(CertificateStatus.VALID, "admin")) == (
        CertificateStatus.VALID,
        [CertificateStatus.REVOKED],
    )
    assert CERTIFICATE.targets(CertificateStatus.REVOKED, "admin") == []
    with pytest.raises(Forbidden):
        CERTIFICATE.move(CertificateStatus.VALID, CertificateStatus.REVOKED, "candidate")


def test_every_code_has_a_label_in_both_languages_and_is_registered() -> None:
    names = registered()
    for vocabulary in VOCABULARIES:
        assert vocabulary in names.values()
        for member in vocabulary:
            assert member.zh and member.en and member.zh != member.value, member
    token = current_language.set("zh")
    try:
        assert label_of("exams.registration_status", "returned") == "退回修改"
        assert action_label("exam.registration_returned") == "报名退回修改"
    finally:
        current_language.reset(token)
    assert set(REVIEW_ACTIONS) == set(REVIEW_DECISIONS.values())
