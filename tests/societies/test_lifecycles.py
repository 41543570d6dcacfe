"""The societies lifecycles as transition tables: every workflow action has its move, the
signatures share the one move to signed, and the society and amendment moves are the admin's."""

import pytest

from societies import rules
from societies.rules import (
    AMENDMENT_LIFECYCLE,
    PILOT_LIFECYCLE,
    SOCIETY_LIFECYCLE,
    AmendmentStatus,
    PilotAction,
    PilotStatus,
    SocietyStatus,
)
from xuehui.errors import Conflict, Forbidden
from xuehui.vocabulary import action_label, label_of


def test_every_status_and_action_has_both_labels() -> None:
    for vocabulary in (PilotStatus, PilotAction, SocietyStatus, AmendmentStatus, rules.SocietiesAudit):
        for member in vocabulary:
            assert member.zh != member.value and member.en != member.value, member


def test_every_workflow_action_is_audited_under_a_labelled_action() -> None:
    for action in PilotAction:
        assert action_label(f"pilot.{action}") != f"pilot.{action}"
    assert label_of("societies.pilot_status", "summarising") == "总结中"


def test_the_signing_move_is_the_only_way_to_signed_and_only_from_submitted() -> None:
    assert PILOT_LIFECYCLE.sources(PilotStatus.SIGNED) == {PilotStatus.SUBMITTED}
    assert PILOT_LIFECYCLE.targets("submitted", "society") == [PilotStatus.SIGNED]
    assert PILOT_LIFECYCLE.targets("submitted", "admin") == [PilotStatus.DRAFT, PilotStatus.SIGNED]
    assert PILOT_LIFECYCLE.targets("closed", "admin") == []


def test_allowed_actions_follow_the_table_and_the_signatures_made() -> None:
    assert rules.allowed_actions("draft", "society", frozenset()) == [PilotAction.SUBMIT]
    assert rules.allowed_actions("submitted", "society", frozenset()) == [PilotAction.SIGN_SOCIETY]
    assert rules.allowed_actions("submitted", "admin", frozenset({"society"})) == [
        PilotAction.RETURN,
        PilotAction.SIGN_DEPARTMENT,
        PilotAction.SIGN_ASSOCIATION,
    ]
    assert rules.allowed_actions("summarising", "society", frozenset()) == []
    assert rules.allowed_actions("summarising", "admin", frozenset()) == [PilotAction.CLOSE]


def test_running_public_and_evaluable_states() -> None:
    assert {str(s) for s in rules.RUNNING} == {"signed", "implementing", "summarising"}
    assert rules.PUBLIC == rules.EVALUABLE == rules.RUNNING | {PilotStatus.CLOSED}
    assert rules.amendable("implementing") and not rules.amendable("closed")
    assert rules.editable("draft") and not rules.editable("submitted")


@pytest.mark.parametrize(
    ("lifecycle", "current", "target", "role", "error"),
    [
        (SOCIETY_LIFECYCLE, "active", "suspended", "society", Forbidden),
        (SOCIETY_LIFECYCLE, "active", "active", "admin", Conflict),
        (AMENDMENT_LIFECYCLE, "approved", "rejected", "admin", Conflict),
        (AMENDMENT_LIFECYCLE, "proposed", "approved", "society", Forbidden),
    ],
)
def test_refused_moves(lifecycle, current: str, target: str, role: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        lifecycle.move(current, target, role)


def test_allowed_moves() -> None:
    assert SOCIETY_LIFECYCLE.move("suspended", "active", "admin") == SocietyStatus.ACTIVE
    assert AMENDMENT_LIFECYCLE.move("proposed", "rejected", "admin") == AmendmentStatus.REJECTED
