"""Certificates are valid for the plan's years, take notes (加注) and can be revoked (reason and
date, asking once more); public verification then says revoked, on which day and why, and shows
the validity and the notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.rules import Actor
from accounts.tables import AuditEntry
from exams import services
from exams.rules.lifecycles import CertificateStatus, certificate_state
from exams.rules.violations import add_years
from exams.schemas import CertificateNoteIn, CertificateRevokeIn
from exams.tables import Certificate, ExamPlan, Score
from tests.exams.exam_support import TODAY, approved_registrations, exam_society, plan_in
from tests.support import csrf, login
from xuehui.clock import now
from xuehui.errors import Conflict, InvalidInput, NotFound


async def _certificate(valid_years: int | None = 3) -> tuple[Actor, dict[str, Any]]:
    """One issued certificate of a published plan (scores written directly: set-up)."""
    _society, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in(certificate_valid_years=valid_years))
    (reg,) = await approved_registrations(plan_id, range(1, 2), ticket_prefix="T")
    await Score.insert(
        *[
            Score(registration=reg, subject_code=code, status="present", score=80, version=1, current=True)
            for code in ("01", "02")
        ]
    )
    await ExamPlan.update({ExamPlan.published_at: now()}).where(ExamPlan.id == plan_id)
    await services.issue_certificates(examadmin, plan_id)
    (cert,) = await services.list_certificates(examadmin, plan_id)
    return examadmin, cert


def test_verification_answers_revoked_expired_or_valid_on_a_day() -> None:
    row = {"status": "valid", "valid_until": dt.date(2029, 12, 3)}
    assert certificate_state(row, dt.date(2029, 12, 3)) is CertificateStatus.VALID
    assert certificate_state(row, dt.date(2029, 12, 4)) is CertificateStatus.EXPIRED
    assert certificate_state({"status": "valid", "valid_until": None}, dt.date(2090, 1, 1)) is CertificateStatus.VALID
    assert certificate_state({**row, "status": "revoked"}, dt.date(2026, 1, 1)) is CertificateStatus.REVOKED


async def test_a_revoked_certificate_verifies_as_revoked_with_its_day_reason_validity_and_notes() -> None:
    examadmin, cert = await _certificate()
    assert cert["valid_until"] == add_years(TODAY, 3)
    await services.add_certificate_note(
        examadmin,
        cert["id"],
        CertificateNoteIn(text="已加注，可用于职称评审", valid_until=TODAY + dt.timedelta(days=90)),
    )
    with pytest.raises(InvalidInput) as refused:
        await services.revoke_certificate(examadmin, cert["id"], CertificateRevokeIn(reason=" ", revoked_on=TODAY))
    assert refused.value.reasons[0].field == "reason"
    with pytest.raises(InvalidInput) as refused:
        await services.revoke_certificate(
            examadmin, cert["id"], CertificateRevokeIn(reason="学历造假", revoked_on=TODAY + dt.timedelta(days=1))
        )
    assert refused.value.reasons[0].field == "revoked_on"
    await services.revoke_certificate(
        examadmin, cert["id"], CertificateRevokeIn(reason="以虚假学历取得（第十条）", revoked_on=TODAY)
    )
    found = await services.verify_certificate(cert["number"])
    assert (found["status"], found["state"], found["revoked_on"], found["revoked_reason"], found["valid_until"]) == (
        "revoked",
        CertificateStatus.REVOKED,
        TODAY,
        "以虚假学历取得（第十条）",
        add_years(TODAY, 3),
    )
    assert found["notes"] == [
        {"text": "已加注，可用于职称评审", "noted_on": TODAY, "valid_until": TODAY + dt.timedelta(days=90)}
    ]
    with pytest.raises(Conflict):
        await services.revoke_certificate(examadmin, cert["id"], CertificateRevokeIn(reason="再次", revoked_on=TODAY))
    with pytest.raises(Conflict):
        await services.add_certificate_note(examadmin, cert["id"], CertificateNoteIn(text="加注"))
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-2:] == ["exam.certificate_noted", "exam.certificate_revoked"]
    _b, other_office = await exam_society("CMES")
    with pytest.raises(NotFound):
        await services.get_certificate(other_office, cert["id"])


async def test_a_plan_without_validity_issues_certificates_without_expiry() -> None:
    _examadmin, cert = await _certificate(valid_years=None)
    assert cert["valid_until"] is None
    assert (await services.verify_certificate(cert["number"]))["state"] is CertificateStatus.VALID


async def test_revoking_on_the_page_asks_once_more_and_the_public_page_says_revoked_when_and_why(client) -> None:
    examadmin, cert = await _certificate()
    await login(client, examadmin.username)
    page = f"/exams/certificates/{cert['id']}"
    noted = await client.post(
        f"{page}/notes",
        data={"text": "已加注", "valid_until": "", "_csrf_token": await csrf(client, page)},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    form = {"reason": "以虚假学历取得", "revoked_on": TODAY.isoformat()}
    unconfirmed = await client.post(
        f"{page}/revoke", data={**form, "_csrf_token": await csrf(client, page)}, follow_redirects=False
    )
    assert unconfirmed.status_code == 200
    assert f"撤销证书 {cert['number']}？" in unconfirmed.text
    assert f"公开查询将显示该证书自{TODAY.isoformat()}起已撤销。" in unconfirmed.text
    assert '<input type="hidden" name="reason" value="以虚假学历取得">' in unconfirmed.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in unconfirmed.text
    assert (await Certificate.select(Certificate.status).first())["status"] == "valid"
    no_reason = await client.post(
        f"{page}/revoke",
        data={"reason": " ", "revoked_on": TODAY.isoformat(), "_csrf_token": await csrf(client, page)},
        follow_redirects=False,
    )
    assert no_reason.status_code == 422
    assert '<small class="error">请写明撤销理由</small>' in no_reason.text
    assert (await Certificate.select(Certificate.status).first())["status"] == "valid"
    revoked = await client.post(
        f"{page}/revoke",
        data={**form, "confirmed": "1", "_csrf_token": await csrf(client, page)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    client.cookies.clear()
    public = await client.get("/public/certificates", params={"number": cert["number"]})
    assert '<dd id="certificate-status">已撤销</dd>' in public.text
    assert f'<dd id="revoked-on">{TODAY.isoformat()}</dd>' in public.text
    assert '<dd id="revoked-reason">以虚假学历取得</dd>' in public.text
    assert f'<dd id="valid-until">{add_years(TODAY, 3).isoformat()}</dd>' in public.text
    assert f"<li>{TODAY.isoformat()}: 已加注</li>" in public.text
    api = await client.get(f"/api/public/certificates/{cert['number']}")
    assert (api.json()["state"], api.json()["revoked_reason"]) == ("revoked", "以虚假学历取得")
