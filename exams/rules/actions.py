"""Every audit-log action the exams package writes, with its label in both languages.

The audit view labels an entry through `xuehui.vocabulary.action_label`, which finds this
vocabulary by its name `audit.exams`; a service writes `ExamAction.X`, never a bare string.
"""

from __future__ import annotations

from exams.rules.lifecycles import RegistrationStatus
from xuehui.vocabulary import Labelled


class ExamAction(Labelled, vocabulary="audit.exams"):
    PLAN_CREATED = "exam.plan_created", "创建考试计划", "exam plan created"
    SUBJECT_ADDED = "exam.subject_added", "添加考试科目", "subject added"
    ROOM_ADDED = "exam.room_added", "添加考场", "room added"
    REGISTERED = "exam.registered", "考生报名", "candidate registered"
    REGISTRATION_UPDATED = "exam.registration_updated", "考生修改报名", "registration corrected"
    REGISTRATION_APPROVED = "exam.registration_approved", "报名审核通过", "registration approved"
    REGISTRATION_REJECTED = "exam.registration_rejected", "报名审核不通过", "registration rejected"
    REGISTRATION_RETURNED = "exam.registration_returned", "报名退回修改", "registration returned for correction"
    FEE_PAID = "exam.fee_paid", "确认缴费", "fee marked paid"
    FEES_IMPORTED = "exam.fees_imported", "导入缴费名单", "fee list imported"
    SEATS_ALLOCATED = "exam.seats_allocated", "编排座位并生成准考证", "seats allocated and tickets issued"
    SEAT_TAKEN = "exam.seat_taken", "为补报考生安排座位", "late registrant seated"
    CANDIDATE_MOVED = "exam.candidate_moved", "调整考生座位", "candidate moved to another seat"
    SCORES_UPLOADED = "exam.scores_uploaded", "上传成绩文件", "score file uploaded"
    SCORES_COMMITTED = "exam.scores_committed", "导入成绩", "scores imported"
    SCORES_PUBLISHED = "exam.scores_published", "公布成绩", "scores published"
    PHOTO_OPENED = "exam.photo_opened", "查看考生照片", "candidate's photo opened"
    PROOF_OPENED = "exam.proof_opened", "查看报名证明材料", "registration proof opened"
    EVIDENCE_OPENED = "exam.violation_evidence_opened", "查看违纪违规证据", "violation evidence opened"
    VIOLATION_RECORDED = "exam.violation_recorded", "记录违纪违规案件", "violation case recorded"
    VIOLATION_NOTIFIED = "exam.violation_notified", "告知考生违纪违规事实", "candidate notified of a violation case"
    VIOLATION_STATED = "exam.violation_stated", "提交陈述申辩", "statement submitted"
    VIOLATION_DECIDED = "exam.violation_decided", "作出违纪违规处理决定", "violation decision made"
    VIOLATION_SERVED = "exam.violation_served", "送达处理决定书", "violation decision served"
    RECHECK_REQUESTED = "exam.recheck_requested", "申请成绩复查", "re-check requested"
    RECHECK_DECIDED = "exam.recheck_decided", "处理成绩复查", "re-check decided"
    CERTIFICATES_ISSUED = "exam.certificates_issued", "发放证书", "certificates issued"
    CERTIFICATE_REVOKED = "exam.certificate_revoked", "撤销证书", "certificate revoked"
    CERTIFICATE_NOTED = "exam.certificate_noted", "证书加注", "note added to a certificate"
    PLAN_UPDATED = "exam.plan_updated", "修改考试计划", "exam plan edited"
    IDENTITY_CLASH = (
        "exam.identity_clash",
        "身份证号被其他账号使用，转考务核实",
        "identity number in use by another account",
    )
    REGISTRATION_VOIDED = (
        "exam.registration_voided",
        "作废冒用身份证号的报名",
        "registration made with another's identity voided",
    )


# The audit action of each review outcome.
REVIEW_ACTIONS: dict[RegistrationStatus, ExamAction] = {
    RegistrationStatus.APPROVED: ExamAction.REGISTRATION_APPROVED,
    RegistrationStatus.REJECTED: ExamAction.REGISTRATION_REJECTED,
    RegistrationStatus.RETURNED: ExamAction.REGISTRATION_RETURNED,
}
