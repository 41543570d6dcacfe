"""Every audit-log action the nominations package writes, with its labels: the audit view shows
these, never the codes."""

from __future__ import annotations

from xuehui.vocabulary import Labelled


class NominationAction(Labelled, vocabulary="audit.nominations"):
    CYCLE_CREATED = "cycle.created", "创建评审年度", "Award cycle created"
    CYCLE_SAVED = "cycle.saved", "修改评审年度设置", "Award cycle settings saved"
    QUOTA_SET = "quota.set", "设置推荐名额", "Quota set"
    NOMINATION_CREATED = "nomination.created", "创建推荐项目草稿", "Nomination draft created"
    NOMINATION_UPDATED = "nomination.updated", "修改推荐项目", "Nomination changed"
    ATTACHMENT_ADDED = "nomination.attachment_added", "上传推荐项目附件", "Nomination attachment uploaded"
    ATTACHMENT_REMOVED = "nomination.attachment_removed", "删除推荐项目附件", "Nomination attachment removed"
    ATTACHMENT_OPENED = "nomination.attachment_opened", "查看推荐项目附件", "Nomination attachment opened"
    NOMINATION_SUBMITTED = "nomination.submitted", "提交推荐项目", "Nomination submitted"
    NOMINATION_WITHDRAWN = "nomination.withdrawn", "撤回推荐项目", "Nomination withdrawn"
    NOMINATION_PASSED = "nomination.formal_pass", "形式审查通过", "Passed formal review"
    NOMINATION_RETURNED = "nomination.formal_return", "形式审查退回修改", "Returned for correction at formal review"
    NOMINATION_REJECTED = "nomination.formal_reject", "形式审查不通过", "Rejected at formal review"
    NOMINATION_DISQUALIFIED = (
        "nomination.disqualified",
        "取消推荐资格并处理学会",
        "Nomination disqualified, society sanctioned",
    )
    NOMINATION_SENT = "nomination.sent_to_review", "提交网络评审", "Sent to remote review"
    REMOTE_REVIEW = "nomination.remote_review", "记录网络评审结果", "Remote review result recorded"
    PANEL_REVIEW = "nomination.panel_review", "记录会议评审结果", "Panel review result recorded"
    AWARD_COMMITTEE = "nomination.award_committee", "记录奖励委员会审定结果", "Award committee result recorded"
    WINNERS_RECORDED = "results.winners_recorded", "登记获奖人员", "Winners entered in the register"
    OFFICIAL_IMPORTED = "results.official_imported", "导入省级评审结果", "Official results imported"
    ADJUSTMENT_RUN = "adjustment.run", "生成动态调整方案", "Eligibility adjustment proposed"
    ADJUSTMENT_OVERRIDE = "adjustment.override", "调整方案人工修改", "Adjustment row changed by hand"
    ADJUSTMENT_PUBLISHED = "adjustment.published", "发布动态调整结果", "Eligibility adjustment published"
    ADJUSTMENT_OBJECTION_LODGED = (
        "adjustment.objection_lodged",
        "学会对调整结果提出异议",
        "Society objected to its adjustment result",
    )
    ADJUSTMENT_OBJECTION_ANSWERED = (
        "adjustment.objection_answered",
        "答复学会对调整结果的异议",
        "Society's objection to its adjustment result answered",
    )
    NOTICE_PUBLISHED = "notice.published", "发布公示", "Notice published"
    OBJECTION_RECEIVED = "objection.received", "收到异议", "Objection received"
    OBJECTION_EVIDENCE_OPENED = "objection.evidence_opened", "查看异议证明材料", "Objection evidence opened"
    OBJECTION_ANSWERED = "objection.answered", "学会答复异议", "Objection answered by the society"
    OBJECTION_INVESTIGATING = "objection.investigating", "异议调查核实", "Objection under investigation"
    OBJECTION_UPHELD = "objection.upheld", "异议成立", "Objection upheld"
    OBJECTION_DISMISSED = "objection.dismissed", "异议不成立", "Objection dismissed"
    PROGRAMME_CREATED = "programme.created", "创建人才推荐项目", "Talent programme created"
    PROGRAMME_SAVED = "programme.saved", "修改人才推荐项目设置", "Talent programme settings saved"
    TALENT_QUOTA_SET = "talent_quota.set", "设置人才推荐名额", "Talent quota set"
    OTHER_CHANNELS_IMPORTED = (
        "talent.other_channels_imported",
        "导入其他渠道候选人名单",
        "Other channels' candidate lists imported",
    )
    TALENT_CREATED = "talent.created", "创建人才推荐草稿", "Recommendation draft created"
    TALENT_UPDATED = "talent.updated", "修改人才推荐", "Recommendation changed"
    TALENT_MATERIAL = "talent.material", "上传推荐材料", "Recommendation material uploaded"
    TALENT_MATERIAL_OPENED = "talent.material_opened", "查看推荐材料", "Recommendation material opened"
    TALENT_SUBMITTED = "talent.submitted", "提交人才推荐", "Recommendation submitted"
    TALENT_WITHDRAWN = "talent.withdrawn", "撤回人才推荐", "Recommendation withdrawn"
    TALENT_PASSED = "talent.formal_pass", "人才推荐形式审查通过", "Recommendation passed formal review"
    TALENT_RETURNED = "talent.formal_return", "人才推荐退回修改", "Recommendation returned for correction"
    TALENT_REJECTED = "talent.formal_reject", "人才推荐形式审查不通过", "Recommendation rejected at formal review"
    TALENT_SENT = "talent.sent_to_review", "人才推荐提交专家评审", "Recommendations sent to expert review"
    TALENT_BALLOT = "talent.ballot", "记录推选委员会投票", "Selection committee ballot recorded"
    TALENT_FINAL_LIST = "talent.final_list", "确定人才推荐最终名单", "Final list of people settled"


class NominationObject(Labelled, vocabulary="audit_object.nominations"):
    AWARD_CYCLE = "award_cycle", "评审年度", "award cycle"
    NOMINATION = "nomination", "推荐项目", "nomination"
    RECOMMENDATION = "recommendation", "人才推荐", "recommendation"
    TALENT_PROGRAMME = "talent_programme", "人才推荐项目", "talent programme"
    ADJUSTMENT_RUN = "adjustment_run", "动态调整方案", "adjustment"
    NOTICE = "notice", "公示", "notice"
    OBJECTION = "objection", "异议", "objection"
    ROWS = "rows", "行数", "rows"
    MATCHED = "matched", "匹配本系统推荐项目", "matched to our nominations"


class NominationAuditField(Labelled, vocabulary="audit_field.nominations"):
    """The detail fields this package's audit entries carry, named in words."""

    CATEGORY = "category", "奖励类别", "award category"
    MATERIAL = "material", "材料", "material"
    FILENAME = "filename", "文件名", "file name"
    QUOTA = "quota", "名额", "quota"
    SOCIETY = "society", "学会", "society"
    SOCIETIES = "societies", "学会数", "societies"
    CYCLE = "cycle", "评审年度", "award cycle"
    RUN = "run", "调整方案", "adjustment"
    YEAR = "year", "年度", "year"
    REASONS = "reasons", "理由", "reasons"
    OUTCOME = "outcome", "处理结果", "outcome"
    OBJECTION = "objection", "异议", "objection"
    ENTRIES = "entries", "公示条目", "entries"
    ENDS_ON = "ends_on", "截止日期", "ends on"
    BATCH = "batch", "评审批次", "review batch"
    PEOPLE = "people", "人数", "people"
    SELECTED = "selected", "入选", "selected"
    TIED = "tied", "票数相同", "tied"
    BALLOT = "ballot", "投票", "ballot"
    PROGRAMME = "programme", "人才推荐项目", "talent programme"
    NOMINATION = "nomination", "推荐项目", "nomination"
    RECOMMENDATION = "recommendation", "人才推荐", "recommendation"


class ReviewItemKind(Labelled, vocabulary="nominations.review_item_kind"):
    """What this package sends to the expert pool, as the pool's pages name it."""

    NOMINATION = "nomination", "推荐项目", "Nomination"
    RECOMMENDATION = "recommendation", "人才推荐", "Recommendation"
