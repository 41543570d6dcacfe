"""The expert pool's other codes a user could see, each with its Chinese and English label:
ranks, relations, conflict types and sources, assignment modes, review stages, recommendations,
ballot choices and the audit actions the package writes. (Statuses are in `lifecycles`.)"""

from __future__ import annotations

from xuehui.vocabulary import Labelled


class Rank(Labelled, vocabulary="expert_pool.rank"):
    SENIOR = "senior", "正高", "Senior"
    ASSOCIATE_SENIOR = "associate_senior", "副高", "Associate senior"
    INTERMEDIATE = "intermediate", "中级", "Intermediate"
    OTHER = "other", "其他", "Other"


class Relation(Labelled, vocabulary="expert_pool.relation"):
    ADVISOR = "advisor", "导师", "Advisor"
    STUDENT = "student", "学生", "Student"
    RELATIVE = "relative", "亲属", "Relative"
    COLLABORATOR = "collaborator", "合作者", "Collaborator"
    OTHER = "other", "其他", "Other"


class ConflictKind(Labelled, vocabulary="expert_pool.conflict_type"):
    """What makes a conflict: the types the rules detect and the ones people declare."""

    SELF = "self", "本人是完成人", "The expert is a contributor"
    SAME_NAME_UNVERIFIED = "same_name_unverified", "同名待核实", "Same name, unverified"
    SAME_UNIT = "same_unit", "同一单位", "Same unit"
    NOMINATOR_LEADER = "nominator_leader", "提名学会负责人", "Leads the nominating society"
    RECENT_COLLABORATOR = "recent_collaborator", "近期合作者", "Recent collaborator"
    DECLARED = "declared", "申报的关系", "Declared relation"
    EXPERT_DECLARED = "expert_declared", "专家主动回避", "Declared by the expert"
    NOMINEE_EXCLUDED = "nominee_excluded", "被提名方申请回避", "Excluded by the nominee"
    ADMIN_PINNED = "admin_pinned", "管理员指定回避", "Pinned by an administrator"


class ConflictSource(Labelled, vocabulary="expert_pool.conflict_source"):
    AUTO = "auto", "自动识别", "Auto-detected"
    EXPERT = "expert", "专家申报", "Expert"
    NOMINEE = "nominee", "被提名方", "Nominee"
    ADMIN = "admin", "管理员", "Administrator"


class AssignMode(Labelled, vocabulary="expert_pool.mode"):
    OPTIMAL = "optimal", "最优匹配", "Optimal"
    FAIR = "fair", "公平优先", "Fair"
    RANDOM = "random", "随机抽取", "Random draw"


class Stage(Labelled, vocabulary="expert_pool.stage"):
    REMOTE = "remote", "网络评审", "Remote review"
    PANEL = "panel", "会议评审", "Panel review"


class Recommendation(Labelled, vocabulary="expert_pool.recommendation"):
    RECOMMEND = "recommend", "推荐", "Recommend"
    NEUTRAL = "neutral", "可推荐", "Acceptable"
    NOT_RECOMMEND = "not_recommend", "不推荐", "Do not recommend"


class Vote(Labelled, vocabulary="expert_pool.vote"):
    YES = "yes", "赞成", "Yes"
    NO = "no", "反对", "No"
    ABSTAIN = "abstain", "弃权", "Abstain"


class BallotBase(Labelled, vocabulary="expert_pool.ballot_base"):
    VOTING = "voting", "投票人数（赞成+反对）", "Those voting (yes + no)"
    PRESENT = "present", "实到人数", "Those present"
    ROLL = "roll", "应到人数", "The whole roll"


class RespondAction(Labelled, vocabulary="expert_pool.respond_action"):
    ACCEPT = "accept", "接受", "Accept"
    DECLINE = "decline", "谢绝", "Decline"
    CONFLICT = "conflict", "申报回避", "Declare a conflict"


class ConflictDecision(Labelled, vocabulary="expert_pool.conflict_decision"):
    CONFIRM = "confirm", "确认", "Confirm"
    DISMISS = "dismiss", "排除", "Dismiss"


class WithdrawReason(Labelled, vocabulary="expert_pool.withdraw_reason"):
    """A reason the system writes on an assignment it withdrew (people write their own)."""

    CONFLICT_CONFIRMED = "conflict confirmed", "回避已确认", "Conflict confirmed"
    OVERDUE = "overdue", "评审逾期未提交", "Review not submitted by the deadline"


class PoolAction(Labelled, vocabulary="audit.expert_pool"):
    """Every audit-log action the expert pool writes."""

    EXPERT_REGISTERED = "expert.registered", "登记专家", "Expert registered"
    EXPERT_UPDATED = "expert.updated", "修改专家信息", "Expert updated"
    EXPERT_PROFILE_UPDATED = "expert.profile_updated", "专家更新资料", "Expert profile updated"
    UNIT_CHANGE_REQUESTED = "expert.unit_change_requested", "专家申请变更单位", "Unit change requested"
    UNIT_CHANGE_CONFIRMED = "expert.unit_change_confirmed", "确认专家单位变更", "Unit change confirmed"
    UNIT_CHANGE_REJECTED = "expert.unit_change_rejected", "驳回专家单位变更", "Unit change rejected"
    EXPERT_RELATION_DECLARED = "expert.relation_declared", "专家申报关系", "Relation declared"
    EXPERT_UNIT_ALIAS_ADDED = "expert.unit_alias_added", "添加单位映射", "Unit mapping added"
    EXPERT_IMPORTED = "expert.imported", "导入专家", "Experts imported"
    CONFLICT_DETECTED = "conflict.detected", "识别回避", "Conflicts detected"
    CONFLICT_CONFIRMED = "conflict.confirmed", "确认回避", "Conflict confirmed"
    CONFLICT_DISMISSED = "conflict.dismissed", "排除回避", "Conflict dismissed"
    CONFLICT_EXPERT_DECLARED = "conflict.expert_declared", "专家申报回避", "Conflict declared by the expert"
    CONFLICT_NOMINEE_DECLARED = "conflict.nominee_declared", "被提名方申请回避", "Exclusion asked by the nominee"
    CONFLICT_ADMIN_DECLARED = "conflict.admin_declared", "管理员指定回避", "Conflict pinned by an administrator"
    BATCH_CREATED = "review.batch_created", "创建评审批次", "Review batch created"
    ITEMS_ADDED = "review.items_added", "添加评审项目", "Review items added"
    ASSIGNED = "review.assigned", "分配专家", "Experts assigned"
    ASSIGN_JOB_STARTED = "review.assign_job_started", "后台分配专家", "Assignment job started"
    ASSIGNMENT_ACCEPTED = "review.assignment_accepted", "接受评审任务", "Assignment accepted"
    ASSIGNMENT_DECLINED = "review.assignment_declined", "谢绝评审任务", "Assignment declined"
    ASSIGNMENT_CONFLICT = "review.assignment_conflict", "评审任务回避", "Assignment withdrawn for a conflict"
    REPLACED = "review.replaced", "调整评审专家", "Expert replaced"
    REPLACEMENT_FAILED = "review.replacement_failed", "无法调整评审专家", "No replacement found"
    REVIEW_DRAFT = "review.draft", "保存评审草稿", "Review draft saved"
    REVIEW_SUBMITTED = "review.submitted", "提交评审意见", "Review submitted"
    REMINDER_SENT = "review.reminder_sent", "发送提醒", "Reminder sent"
    DEADLINE_REMINDERS_SENT = "review.deadline_reminders_sent", "发送截止提醒", "Deadline reminders sent"
    ASSIGNMENT_OVERDUE = "review.assignment_overdue", "撤换逾期评审任务", "Overdue assignment withdrawn"
    PANEL_CREATED = "panel.created", "创建会评", "Panel meeting created"
    PANEL_ROLL = "panel.roll", "会评点名", "Panel roll recorded"
    PANEL_BALLOT_CAST = "panel.ballot_cast", "会评投票", "Panel ballot cast"
    PANEL_CLOSED = "panel.closed", "结束会评", "Panel meeting closed"


# The audit action of a conflict declared by each source (`conflict.<source>_declared`).
DECLARED_ACTIONS = {
    ConflictSource.EXPERT: PoolAction.CONFLICT_EXPERT_DECLARED,
    ConflictSource.NOMINEE: PoolAction.CONFLICT_NOMINEE_DECLARED,
    ConflictSource.ADMIN: PoolAction.CONFLICT_ADMIN_DECLARED,
}
