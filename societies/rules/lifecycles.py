"""The lifecycles of societies: a society's status, a pilot project's status with the workflow
actions that move it (the three signatures of the task agreement among them), and an
amendment's status. Each is a labelled enum of states and a transition table of who may move
a record from which state to which; services change a state only through them."""

from __future__ import annotations

from dataclasses import dataclass

from societies.rules.vocabulary import SIGNING_PARTIES, SigningParty
from xuehui.errors import Reason
from xuehui.lifecycle import Lifecycle, move
from xuehui.vocabulary import Labelled

ADMIN = "admin"
SOCIETY = "society"
STAFF = (SOCIETY, ADMIN)


class SocietyStatus(Labelled, vocabulary="societies.society_status"):
    ACTIVE = "active", "正常", "Active"
    SUSPENDED = "suspended", "已暂停", "Suspended"


SOCIETY_LIFECYCLE = Lifecycle(
    "society",
    SocietyStatus,
    (
        move(SocietyStatus.ACTIVE, SocietyStatus.SUSPENDED, ADMIN, name="suspend"),
        move(SocietyStatus.SUSPENDED, SocietyStatus.ACTIVE, ADMIN, name="reactivate"),
    ),
    initial=SocietyStatus.ACTIVE,
)


class PilotStatus(Labelled, vocabulary="societies.pilot_status"):
    DRAFT = "draft", "草稿", "Draft"
    SUBMITTED = "submitted", "已提交", "Submitted"
    SIGNED = "signed", "已签署", "Signed"
    IMPLEMENTING = "implementing", "实施中", "Implementing"
    SUMMARISING = "summarising", "总结中", "Summarising"
    CLOSED = "closed", "已结项", "Closed"


class PilotAction(Labelled, vocabulary="societies.pilot_action"):
    """The workflow actions on a pilot project, in the order the page offers them."""

    SUBMIT = "submit", "提交任务书", "Submit the agreement"
    RETURN = "return", "退回修改", "Return for correction"
    SIGN_SOCIETY = "sign_society", "学会签署", "Sign for the society"
    SIGN_DEPARTMENT = "sign_department", "登记政府部门签署", "Record the department's signature"
    SIGN_ASSOCIATION = "sign_association", "省科协签署", "Sign for the association"
    START = "start", "开始实施", "Start implementation"
    SUMMARISE = "summarise", "进入总结阶段", "Move to the summary stage"
    CLOSE = "close", "结项", "Close the project"


# The status moves. Signing is one move, submitted -> signed, taken by the last of the three
# signatures; the first two leave the project submitted (see `SIGNATURES`).
PILOT_LIFECYCLE = Lifecycle(
    "pilot",
    PilotStatus,
    (
        move(PilotStatus.DRAFT, PilotStatus.SUBMITTED, STAFF, name=PilotAction.SUBMIT),
        move(PilotStatus.SUBMITTED, PilotStatus.DRAFT, ADMIN, name=PilotAction.RETURN),
        move(PilotStatus.SUBMITTED, PilotStatus.SIGNED, STAFF, name="sign"),
        move(PilotStatus.SIGNED, PilotStatus.IMPLEMENTING, STAFF, name=PilotAction.START),
        move(PilotStatus.IMPLEMENTING, PilotStatus.SUMMARISING, STAFF, name=PilotAction.SUMMARISE),
        move(PilotStatus.SUMMARISING, PilotStatus.CLOSED, ADMIN, name=PilotAction.CLOSE),
    ),
    initial=PilotStatus.DRAFT,
)

# Each signature: the party it records and who may record it (the association records the
# department's signature on its behalf).
SIGNATURES: dict[PilotAction, tuple[SigningParty, frozenset[str]]] = {
    PilotAction.SIGN_DEPARTMENT: (SigningParty.DEPARTMENT, frozenset({ADMIN})),
    PilotAction.SIGN_SOCIETY: (SigningParty.SOCIETY, frozenset(STAFF)),
    PilotAction.SIGN_ASSOCIATION: (SigningParty.ASSOCIATION, frozenset({ADMIN})),
}

# Signed and not yet closed: the project takes records and amendments.
RUNNING: frozenset[PilotStatus] = frozenset({PilotStatus.SIGNED, PilotStatus.IMPLEMENTING, PilotStatus.SUMMARISING})
# What the disclosure pages show: every signed project, closed ones included.
PUBLIC: frozenset[PilotStatus] = RUNNING | {PilotStatus.CLOSED}
# Third-party evaluations are recorded once the agreement is signed.
EVALUABLE: frozenset[PilotStatus] = PUBLIC


@dataclass(frozen=True, slots=True)
class Move:
    """The outcome of a workflow action: the new status and which signature date to set."""

    status: str
    signature: str | None = None


def _step(action: PilotAction) -> tuple[frozenset[str], frozenset[PilotStatus], PilotStatus]:
    """Who may take `action`, from which states, to which state (signatures: to signed)."""
    if action in SIGNATURES:
        return SIGNATURES[action][1], PILOT_LIFECYCLE.sources(PilotStatus.SIGNED), PilotStatus.SIGNED
    found = next(step for step in PILOT_LIFECYCLE.moves if step.name == action)
    return found.roles, found.sources, found.target


def workflow_move(status: str, action: str, role: str, signed: frozenset[str]) -> Move | Reason:
    """Decide one workflow action from the transition table: who may take it from which
    state, and where it leads.

    `signed` is the set of parties that have already signed. The third signature moves the
    project to `signed`.
    """
    chosen = PilotAction.parse(action)
    if chosen is None:
        return Reason("workflow.unknown_action", "未知操作", f"unknown action {action!r}")
    roles, sources, target = _step(chosen)
    if role not in roles:
        return Reason("workflow.not_allowed", "您的角色不能执行此操作", "your role may not take this action")
    if status not in sources:
        now = PilotStatus.parse(status)
        zh, en = (now.zh, now.en) if now is not None else (status, status)
        return Reason(
            "workflow.wrong_state",
            f"项目当前状态为“{zh}”，不能执行此操作",
            f"the project is {en.lower()}; this action is not possible now",
        )
    if chosen in SIGNATURES:
        party = SIGNATURES[chosen][0]
        if party in signed:
            return Reason("workflow.already_signed", "该方已签署", "this party has already signed")
        complete = signed | {party.value} == frozenset(SIGNING_PARTIES)
        return Move(target.value if complete else status, signature=party.value)
    return Move(target.value)


def allowed_actions(status: str, role: str, signed: frozenset[str]) -> list[PilotAction]:
    """The actions `role` may take on a project now, in the page's order."""
    return [a for a in PilotAction if isinstance(workflow_move(status, a, role, signed), Move)]


def editable(status: str) -> bool:
    """The agreement text can be edited only before submission; afterwards only by amendment."""
    return status == PilotStatus.DRAFT


def amendable(status: str) -> bool:
    return status in RUNNING


class AmendmentStatus(Labelled, vocabulary="societies.amendment_status"):
    PROPOSED = "proposed", "待审批", "Waiting for decision"
    APPROVED = "approved", "已批准", "Approved"
    REJECTED = "rejected", "已驳回", "Rejected"


AMENDMENT_LIFECYCLE = Lifecycle(
    "amendment",
    AmendmentStatus,
    (
        move(AmendmentStatus.PROPOSED, AmendmentStatus.APPROVED, ADMIN, name="approve"),
        move(AmendmentStatus.PROPOSED, AmendmentStatus.REJECTED, ADMIN, name="reject"),
    ),
    initial=AmendmentStatus.PROPOSED,
)
