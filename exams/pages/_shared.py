"""What several exam pages share: the role guards, the labels and choices every template gets,
turning a form's validation error into a refusal, and reading an upload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from pydantic import ValidationError

from exams.rules.eligibility import EDUCATION_NAMES, Education
from exams.rules.lifecycles import (
    IMPORT_RUNNING,
    REGISTRATION_OPEN,
    CertificateStatus,
    ImportState,
    RecheckState,
    RegistrationStatus,
    ViolationCaseState,
)
from exams.rules.rechecks import RecheckOutcome
from exams.rules.score_model import ScoreStatus
from exams.rules.violations import ViolationKind, ViolationLevel
from xuehui.errors import InvalidInput, Reason
from xuehui.i18n import pick
from xuehui.jobs import job_panel
from xuehui.vocabulary import Labelled
from xuehui.web import requires_role

staff = [requires_role("admin", "exam_admin")]
candidate_only = [requires_role("candidate")]
candidate_or_staff = [requires_role("admin", "exam_admin", "candidate")]


def label(table: type[Labelled] | Mapping[Any, tuple[str, str]], key: Any) -> str:
    """A code's label in the page language: from a vocabulary, or a (zh, en) mapping."""
    if isinstance(table, type):
        member = table.parse(key) if key is not None else None
        return member.label() if member is not None else ("" if key is None else str(key))
    zh, en = table.get(key, (str(key), str(key)))
    return pick(zh, en)


def notice(table: Mapping[str, tuple[str, str]], done: str) -> str:
    """The message a redirect's `done=` names, or nothing."""
    return label(table, done) if done in table else ""


def vocabulary() -> dict[str, Any]:
    """The labels and choices every exam template may use: templates print labels, never codes."""
    return {
        "educations": [(e.value, pick(*EDUCATION_NAMES[e])) for e in Education],
        "levels": ViolationLevel.choices(),
        "kinds": ViolationKind.choices(),
        "score_statuses": ScoreStatus.choices(),
        "label": label,
        "RegistrationStatus": RegistrationStatus,
        "REGISTRATION_OPEN": REGISTRATION_OPEN,
        "ScoreStatus": ScoreStatus,
        "ImportState": ImportState,
        "IMPORT_RUNNING": IMPORT_RUNNING,
        "RecheckState": RecheckState,
        "RecheckOutcome": RecheckOutcome,
        "CertificateStatus": CertificateStatus,
        "ViolationCaseState": ViolationCaseState,
        "ViolationKind": ViolationKind,
        "ViolationLevel": ViolationLevel,
        "EDUCATIONS": {e.value: EDUCATION_NAMES[e] for e in Education},
        "job_panel": job_panel,
    }


def form_reasons(error: ValidationError, prefix: str = "") -> InvalidInput:
    reasons = []
    for item in error.errors():
        field = prefix + ".".join(str(p) for p in item["loc"])
        reasons.append(
            Reason("form.invalid", f"“{field}”填写不正确", f"{field} is not valid: {item['msg']}", field.split(".")[0])
        )
    return InvalidInput(reasons)


def clean(form: Mapping[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: str(form.get(k, "")).strip() for k in keys if str(form.get(k, "")).strip() != ""}


async def upload(request: Request[Any, Any, Any], name: str = "file") -> tuple[str, bytes]:
    form = await request.form()
    found = form.get(name)
    if not isinstance(found, UploadFile):
        raise InvalidInput(Reason("upload.missing", "请选择要上传的文件", "choose a file to upload", name))
    return found.filename or "", await found.read()
