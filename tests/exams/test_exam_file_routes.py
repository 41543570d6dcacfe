"""A registration's photo and proof open in the browser for the candidate who owns it and the
staff who run its plan, through the frame's one file response, each opening audited; an `.exe`
renamed `.pdf` is refused on the registration form beside its field with the input kept."""

from __future__ import annotations

from accounts.tables import AuditEntry
from exams import services
from tests.exams.exam_support import PNG, exam_society, person, plan_in
from tests.exams.test_due_process_pages import registration_form
from tests.support import csrf, login, make_user
from xuehui.file_responses import SANDBOX_CSP

PDF = b"%PDF-1.4\n% diploma scan\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


async def test_the_owner_and_the_plans_staff_open_the_proof_inline_and_no_one_else(client) -> None:
    _a, examadmin = await exam_society()
    await exam_society("CES")
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    await make_user("cand2", "candidate")
    reg_id = await services.register(candidate, plan_id, person(1).model_copy(update={"route": "proof"}), PNG, PDF)

    await login(client, "cand1")
    page = await client.get(f"/candidate/registrations/{reg_id}")
    assert f'<a href="/exams/registrations/{reg_id}/proof" target="_blank" rel="noopener" id="proof-link">' in page.text
    opened = await client.get(f"/exams/registrations/{reg_id}/proof")
    assert opened.content == PDF
    assert {k: opened.headers[k] for k in ("content-type", "content-disposition", "x-content-type-options")} == {
        "content-type": "application/pdf",
        "content-disposition": "inline; filename=\"proof.pdf\"; filename*=UTF-8''proof.pdf",
        "x-content-type-options": "nosniff",
    }
    assert opened.headers["content-security-policy"] == SANDBOX_CSP
    photo = await client.get(f"/exams/registrations/{reg_id}/photo")
    assert (photo.content, photo.headers["content-type"]) == (PNG, "image/png")
    assert photo.headers["content-disposition"].startswith('inline; filename="photo.png"')

    for outsider in ("cand2", "exam_ces"):
        await client.get("/logout")
        await login(client, outsider)
        refused = await client.get(f"/exams/registrations/{reg_id}/proof")
        assert (refused.status_code, refused.content != PDF) == (404, True)

    await client.get("/logout")
    await login(client, "exam_ccs")
    staff_page = await client.get(f"/exams/registrations/{reg_id}")
    assert f'<a href="/exams/registrations/{reg_id}/proof" target="_blank" rel="noopener">' in staff_page.text
    assert (await client.get(f"/exams/registrations/{reg_id}/proof")).content == PDF
    rows = (
        await AuditEntry.select(AuditEntry.actor_name, AuditEntry.action)
        .where(AuditEntry.action.is_in(["exam.proof_opened", "exam.photo_opened"]))
        .order_by(AuditEntry.id)
    )
    assert [(r["actor_name"], r["action"]) for r in rows] == [
        ("cand1", "exam.proof_opened"),
        ("cand1", "exam.photo_opened"),
        ("exam_ccs", "exam.proof_opened"),
    ]


async def test_an_exe_renamed_pdf_as_proof_is_refused_beside_the_field_with_the_input_kept(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    await make_user("cand1", "candidate")
    await login(client, "cand1")
    form = {**registration_form(1), "route": "proof", "_csrf_token": await csrf(client, "/candidate")}
    response = await client.post(
        f"/candidate/plans/{plan_id}/register",
        data=form,
        files={"photo": ("me.png", PNG, "image/png"), "proof": ("毕业证.pdf", EXE, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert '<small class="error">文件内容不是允许的类型（只接受PDF、JPEG图片、PNG图片）</small>' in response.text
    assert f'value="{form["id_number"]}"' in response.text
    assert await services.list_registrations(examadmin, plan_id) == []
