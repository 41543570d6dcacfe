"""The codes of societies and pilot projects that a user could see, each with its labels."""

from __future__ import annotations

from xuehui.vocabulary import Labelled


class FunctionType(Labelled, vocabulary="societies.function_type"):
    """The public function a society takes over from a government department."""

    TECHNOLOGY_EVALUATION = "technology_evaluation", "科技评估", "Technology evaluation"
    EXAM_ADMINISTRATION = "exam_administration", "职业资格考试考务", "Qualification-exam administration"
    GROUP_STANDARD = "group_standard", "团体标准", "Group standards"
    AWARD_NOMINATION = "award_nomination", "科技奖励推荐", "Award nomination"
    OTHER = "other", "其他", "Other"


class LeaderRank(Labelled, vocabulary="societies.leader_rank"):
    """Ranks in ascending order; the pilot leader must hold `MIN_LEADER_RANK` or above."""

    DEPUTY_SECRETARY_GENERAL = "deputy_secretary_general", "副秘书长", "Deputy secretary-general"
    SECRETARY_GENERAL = "secretary_general", "秘书长", "Secretary-general"
    VICE_PRESIDENT = "vice_president", "副理事长", "Vice-president"
    EXECUTIVE_VICE_PRESIDENT = "executive_vice_president", "常务副理事长", "Executive vice-president"
    PRESIDENT = "president", "理事长", "President"


# The pilot plan: the leader holds secretary-general rank or above.
MIN_LEADER_RANK = LeaderRank.SECRETARY_GENERAL


class ApprovingBody(Labelled, vocabulary="societies.approving_body"):
    COUNCIL = "council", "理事会", "Council"
    STANDING_COUNCIL = "standing_council", "常务理事会", "Standing council"


class Stage(Labelled, vocabulary="societies.stage"):
    """The three stages of a pilot, in order."""

    MOBILISATION = "mobilisation", "部署动员阶段", "Mobilisation"
    IMPLEMENTATION = "implementation", "组织实施阶段", "Implementation"
    SUMMARY = "summary", "总结评估阶段", "Summary"


class EvaluationGrade(Labelled, vocabulary="societies.evaluation_grade"):
    EXCELLENT = "excellent", "优秀", "Excellent"
    GOOD = "good", "良好", "Good"
    QUALIFIED = "qualified", "合格", "Qualified"
    UNQUALIFIED = "unqualified", "不合格", "Unqualified"


class ReportKind(Labelled, vocabulary="societies.report_kind"):
    PROGRESS = "progress", "进展报告", "Progress report"
    FINAL_SUMMARY = "final_summary", "总结报告", "Final summary"


class SanctionKind(Labelled, vocabulary="societies.sanction_kind"):
    FALSE_MATERIAL = "false_material", "提供虚假材料", "False material"
    LOBBYING = "lobbying", "请托、游说", "Lobbying"
    OTHER = "other", "其他违规", "Other misconduct"


class IntegrityViolationKind(Labelled, vocabulary="societies.integrity_violation_kind"):
    """Findings that count as integrity violations (违规失信) in the five-year look-back."""

    FALSE_MATERIAL = "false_material", "提供虚假材料", "False material"
    ACADEMIC_MISCONDUCT = "academic_misconduct", "学术不端", "Academic misconduct"
    ADVERSE_IMPACT = "adverse_impact", "造成不良社会影响", "Adverse social impact"
    OTHER = "other", "其他失信行为", "Other breach of integrity"


class SigningParty(Labelled, vocabulary="societies.signing_party"):
    """The three parties that sign a task agreement; the last signature completes it."""

    DEPARTMENT = "department", "政府部门", "Department"
    SOCIETY = "society", "学会", "Society"
    ASSOCIATION = "association", "省科协", "Association"


SIGNING_PARTIES: tuple[str, ...] = tuple(party.value for party in SigningParty)
