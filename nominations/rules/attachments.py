"""The attachments a project nomination carries, as the provincial nomination form (提名书) asks
for them: the kinds with their labels, and which of them the cycle requires of a category.

Pure: the file store decides what a file is; these rules say which kinds a nomination has and
which are missing on submission, each missing kind named in the refusal.
"""

from __future__ import annotations

from collections.abc import Iterable

from xuehui.errors import Reason

# Kind keys with their labels (zh, en); a cycle lists per category the keys it requires.
ATTACHMENT_KINDS: dict[str, tuple[str, str]] = {
    "application_benefit": ("应用证明及经济社会效益证明", "proof of application and of benefit"),
    "papers": ("代表性论文专著", "representative papers and books"),
    "patents": ("知识产权证明（专利等）", "intellectual property proofs (patents and others)"),
    "evaluation_reports": ("科技成果评价（鉴定、验收）报告", "evaluation, appraisal or acceptance reports"),
    "signed_pages": ("签字盖章页", "the signed and sealed pages"),
    "other": ("其他附件", "other attachments"),
}
MAX_PER_KIND = 20  # files of one kind a nomination may carry


def kind_label(kind: str) -> tuple[str, str]:
    return ATTACHMENT_KINDS.get(kind, (kind, kind))


def unknown_kind(kind: str) -> Reason | None:
    """A refusal when `kind` is not one of the attachment kinds."""
    if kind in ATTACHMENT_KINDS:
        return None
    return Reason("attachment.kind", "请选择附件类别", "choose the kind of attachment", "kind")


def missing_attachments(required: Iterable[str], present: Iterable[str]) -> list[Reason]:
    """One refusal per required kind the nomination has no file of, naming the kind."""
    have = set(present)
    reasons = []
    for kind in required:
        if kind not in have:
            zh, en = kind_label(kind)
            reasons.append(
                Reason(
                    "attachment.missing",
                    f"缺少附件：{zh}",
                    f"an attachment is missing: {en}",
                    f"attachments.{kind}",
                )
            )
    return reasons
