"""The lifecycles of nominations, recommendations, objections and adjustment runs: each state
with its labels, and every allowed move with who may make it. Services move a record only
through these tables (`Lifecycle.move`), and guard the write with `Lifecycle.sources`."""

from __future__ import annotations

from xuehui.lifecycle import Lifecycle, Move, S, move
from xuehui.vocabulary import Labelled

ADMIN = "admin"
SOCIETY = "society"


def _submission_moves(states: type[S]) -> tuple[Move[S], ...]:
    """Submission, formal review and withdrawal: the same moves for a nomination and a
    recommendation, whose states share these codes."""
    draft, submitted, returned, passed, rejected, withdrawn = (
        states(code) for code in ("draft", "submitted", "returned", "passed", "rejected", "withdrawn")
    )
    return (
        move([draft, returned], submitted, [SOCIETY, ADMIN], "submit"),
        move(submitted, passed, ADMIN, "formal_pass"),
        move(submitted, returned, ADMIN, "formal_return"),
        move(submitted, rejected, ADMIN, "formal_reject"),
        move(submitted, withdrawn, SOCIETY, "withdraw"),
    )


class NominationState(Labelled, vocabulary="nominations.nomination_state"):
    DRAFT = "draft", "草稿", "Draft"
    SUBMITTED = "submitted", "已提交，待形式审查", "Submitted, awaiting formal review"
    RETURNED = "returned", "退回修改", "Returned for correction"
    PASSED = "passed", "形式审查通过", "Passed formal review"
    REJECTED = "rejected", "形式审查未通过", "Rejected at formal review"
    DISQUALIFIED = "disqualified", "取消资格", "Disqualified"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"
    AWARDED = "awarded", "获奖", "Awarded"
    NOT_AWARDED = "not_awarded", "未获奖", "Not awarded"


N = NominationState
NOMINATION = Lifecycle(
    "nomination",
    NominationState,
    (
        *_submission_moves(NominationState),
        # An upheld objection sends a nomination under notice back for correction.
        move([N.SUBMITTED, N.PASSED], N.RETURNED, ADMIN, "objection_send_back"),
        # An upheld objection or a sanction (false material, lobbying) disqualifies it.
        move([N.SUBMITTED, N.RETURNED, N.PASSED, N.REJECTED, N.AWARDED, N.NOT_AWARDED], N.DISQUALIFIED, ADMIN),
        move(N.PASSED, N.AWARDED, ADMIN, "award"),
        move(N.PASSED, N.NOT_AWARDED, ADMIN, "not_award"),
    ),
    initial=N.DRAFT,
)
NOMINATION_EDITABLE = frozenset({N.DRAFT, N.RETURNED})
NOMINATION_SUBMITTED = (N.SUBMITTED, N.PASSED, N.REJECTED, N.DISQUALIFIED, N.AWARDED, N.NOT_AWARDED)


class RecommendationState(Labelled, vocabulary="nominations.recommendation_state"):
    DRAFT = "draft", "草稿", "Draft"
    SUBMITTED = "submitted", "已提交，待形式审查", "Submitted, awaiting formal review"
    RETURNED = "returned", "退回修改", "Returned for correction"
    PASSED = "passed", "形式审查通过", "Passed formal review"
    REJECTED = "rejected", "形式审查未通过", "Rejected at formal review"
    TIED = "tied", "票数相同，待推选委员会决定", "Tied; the committee must decide"
    PROPOSED = "proposed", "拟入选，公示中", "Proposed, under notice"
    NOT_SELECTED = "not_selected", "未入选", "Not selected"
    SELECTED = "selected", "入选", "Selected"
    DISQUALIFIED = "disqualified", "取消资格", "Disqualified"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"


R = RecommendationState
_BALLOTED = [R.PASSED, R.TIED, R.PROPOSED, R.NOT_SELECTED]
RECOMMENDATION = Lifecycle(
    "talent",
    RecommendationState,
    (
        *_submission_moves(RecommendationState),
        # The committee's ballot ranks the passed (and re-balloted) recommendations.
        move(_BALLOTED, R.PROPOSED, ADMIN, "ballot"),
        move(_BALLOTED, R.TIED, ADMIN, "ballot"),
        move(_BALLOTED, R.NOT_SELECTED, ADMIN, "ballot"),
        move(R.PROPOSED, R.SELECTED, ADMIN, "finalise"),
        move([R.SUBMITTED, R.PASSED, R.PROPOSED, R.TIED], R.RETURNED, ADMIN, "objection_send_back"),
        move([R.SUBMITTED, R.PASSED, R.PROPOSED, R.TIED, R.RETURNED], R.DISQUALIFIED, ADMIN, "objection_disqualify"),
    ),
    initial=R.DRAFT,
)
RECOMMENDATION_EDITABLE = frozenset({R.DRAFT, R.RETURNED})
# Recommendations that hold their place in the edition (count against quotas and the one-person rule).
RECOMMENDATION_LIVE = (R.SUBMITTED, R.PASSED, R.RETURNED, R.TIED, R.PROPOSED, R.NOT_SELECTED, R.SELECTED)


class ObjectionState(Labelled, vocabulary="nominations.objection_state"):
    RECEIVED = "received", "已受理", "Received"
    INVESTIGATING = "investigating", "调查核实中", "Under investigation"
    UPHELD = "upheld", "异议成立", "Upheld"
    DISMISSED = "dismissed", "异议不成立", "Dismissed"


OS = ObjectionState
OBJECTION = Lifecycle(
    "objection",
    ObjectionState,
    (
        move(OS.RECEIVED, OS.INVESTIGATING, ADMIN),
        move([OS.RECEIVED, OS.INVESTIGATING], OS.UPHELD, ADMIN),
        move([OS.RECEIVED, OS.INVESTIGATING], OS.DISMISSED, ADMIN),
    ),
    initial=OS.RECEIVED,
)


class AdjustmentRunState(Labelled, vocabulary="nominations.adjustment_state"):
    PROPOSED = "proposed", "待发布的调整方案", "Proposed, not yet published"
    PUBLISHED = "published", "已发布", "Published"
    SUPERSEDED = "superseded", "已被新方案取代", "Superseded by a later publication"


ADJUSTMENT_RUN = Lifecycle(
    "adjustment",
    AdjustmentRunState,
    (
        move(AdjustmentRunState.PROPOSED, AdjustmentRunState.PUBLISHED, ADMIN, "publish"),
        move(AdjustmentRunState.PUBLISHED, AdjustmentRunState.SUPERSEDED, ADMIN, "supersede"),
    ),
    initial=AdjustmentRunState.PROPOSED,
)


class AdjustmentObjectionState(Labelled, vocabulary="nominations.adjustment_objection_state"):
    """A society's objection to its row of a published adjustment, answered on the record."""

    RECEIVED = "received", "已受理，待答复", "Received, awaiting an answer"
    MAINTAINED = "maintained", "维持原结果", "Result maintained"
    CORRECTED = "corrected", "已更正", "Result corrected"


AOS = AdjustmentObjectionState
ADJUSTMENT_OBJECTION = Lifecycle(
    "adjustment_objection",
    AdjustmentObjectionState,
    (
        move(AOS.RECEIVED, AOS.MAINTAINED, ADMIN, "maintain"),
        move(AOS.RECEIVED, AOS.CORRECTED, ADMIN, "correct"),
    ),
    initial=AOS.RECEIVED,
)


class ReviewStage(Labelled, vocabulary="nominations.review_stage"):
    FORMAL_REVIEW = "formal_review", "形式审查", "Formal review"
    OBJECTION = "objection", "异议处理", "Objection"
    REMOTE_REVIEW = "remote_review", "网络评审", "Remote review"
    PANEL_REVIEW = "panel_review", "会议评审", "Panel review"
    AWARD_COMMITTEE = "award_committee", "奖励委员会审定", "Award committee"
    WITHDRAWAL = "withdrawal", "撤回", "Withdrawal"
    COMMITTEE_VOTE = "committee_vote", "推选委员会投票", "Selection committee vote"
    FINAL_LIST = "final_list", "确定最终名单", "Final list"


LATER_STAGES = (ReviewStage.REMOTE_REVIEW, ReviewStage.PANEL_REVIEW, ReviewStage.AWARD_COMMITTEE)


class StageOutcome(Labelled, vocabulary="nominations.stage_outcome"):
    PASSED = "passed", "通过", "Passed"
    FAILED = "failed", "未通过", "Not passed"
    AWARDED = "awarded", "获奖", "Awarded"
    NOT_AWARDED = "not_awarded", "未获奖", "Not awarded"
    RETURNED = "returned", "退回修改", "Returned for correction"
    REJECTED = "rejected", "不通过", "Rejected"
    DISQUALIFIED = "disqualified", "取消资格", "Disqualified"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"
    TIED = "tied", "票数相同", "Tied"
    PROPOSED = "proposed", "拟入选", "Proposed"
    NOT_SELECTED = "not_selected", "未入选", "Not selected"
    SELECTED = "selected", "入选", "Selected"
