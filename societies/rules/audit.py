"""Every action code the societies package writes to the audit log, and the kinds of object it
names, each with its labels (the audit view shows these, never the codes)."""

from __future__ import annotations

from xuehui.vocabulary import Labelled


class SocietiesAudit(Labelled, vocabulary="audit.societies"):
    SOCIETY_CREATED = "society.created", "登记学会", "Society registered"
    SOCIETY_UPDATED = "society.updated", "修改学会信息", "Society details changed"
    SOCIETY_ACTIVE = "society.active", "恢复学会", "Society reactivated"
    SOCIETY_SUSPENDED = "society.suspended", "暂停学会", "Society suspended"
    SOCIETY_SANCTIONED = "society.sanctioned", "处理学会违规", "Society sanctioned"
    VIOLATION_RECORDED = "society.violation_recorded", "记录违规失信行为", "Integrity violation recorded"
    PILOT_CREATED = "pilot.created", "创建试点项目", "Pilot project created"
    PILOT_UPDATED = "pilot.updated", "修改任务书草稿", "Agreement draft changed"
    PILOT_SUBMIT = "pilot.submit", "提交任务书", "Agreement submitted"
    PILOT_RETURN = "pilot.return", "退回任务书", "Agreement returned"
    PILOT_SIGN_SOCIETY = "pilot.sign_society", "学会签署任务书", "Signed for the society"
    PILOT_SIGN_DEPARTMENT = "pilot.sign_department", "登记政府部门签署", "Department's signature recorded"
    PILOT_SIGN_ASSOCIATION = "pilot.sign_association", "省科协签署任务书", "Signed for the association"
    PILOT_START = "pilot.start", "试点开始实施", "Implementation started"
    PILOT_SUMMARISE = "pilot.summarise", "试点进入总结阶段", "Moved to the summary stage"
    PILOT_CLOSE = "pilot.close", "试点结项", "Pilot project closed"
    AMENDMENT_PROPOSED = "pilot.amendment_proposed", "提出变更申请", "Amendment proposed"
    AMENDMENT_APPROVED = "pilot.amendment_approved", "批准变更申请", "Amendment approved"
    AMENDMENT_REJECTED = "pilot.amendment_rejected", "驳回变更申请", "Amendment rejected"
    REPORT_ADDED = "pilot.report_added", "添加进展报告", "Report added"
    REPORT_PUBLISHED = "pilot.report_published", "公开进展报告", "Report published"
    REPORT_UNPUBLISHED = "pilot.report_unpublished", "撤回公开的报告", "Report withdrawn from the public"
    MEETING_ADDED = "pilot.meeting_added", "添加例会纪要", "Meeting minutes added"
    EVALUATION_ADDED = "pilot.evaluation_added", "录入第三方评估", "Third-party evaluation recorded"
    KPI_RECORDED = "pilot.kpi_recorded", "记录指标实际值", "KPI value recorded"


class SocietiesObject(Labelled, vocabulary="audit_object.societies"):
    SOCIETY = "society", "学会", "Society"
    PILOT_PROJECT = "pilot_project", "试点项目", "Pilot project"
    PROGRESS_REPORT = "progress_report", "进展报告", "Progress report"
