"""A nomination's attachments: kept in the file store by content, required per category on
submission, uploaded and removed on the nomination's page while it can be edited, and opened
inline only by whoever may see the nomination, each opening audited."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.rules import Actor
from accounts.tables import AuditEntry, User
from expert_pool import services as pool
from nominations import services
from nominations.demo import open_cycle
from nominations.rules.attachments import ATTACHMENT_KINDS
from nominations.tables import NominationAttachment
from tests.expert_pool.support import make_expert
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import csrf, login, make_user
from xuehui import files
from xuehui.clock import today
from xuehui.errors import Conflict, InvalidInput, NotFound
from xuehui.file_responses import SANDBOX_CSP
from xuehui.tables import StoredFile

EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"
PDF = b"%PDF-1.7\n% patent certificate\n%%EOF\n"
INVENTION_KINDS = ("patents", "application_benefit", "signed_pages")


async def _draft(attachments: bool = True) -> tuple[int, Actor, Actor, int]:
    cycle_id, admin, nominator, society_id = await nominating_society()
    if attachments:
        await open_cycle(admin, today().year, today(), attachments=True)
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    return nomination_id, admin, nominator, society_id


async def test_an_exe_named_pdf_is_refused_and_a_pdf_is_kept_once_by_content() -> None:
    nomination_id, _admin, nominator, _ = await _draft()
    with pytest.raises(InvalidInput) as refused:
        await services.add_attachment(nominator, nomination_id, "patents", "专利证书.pdf", EXE)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("file.kind", "attachment_file")]
    assert (await NominationAttachment.count(), await StoredFile.count()) == (0, 0)
    first = await services.add_attachment(nominator, nomination_id, "patents", "C:\\扫描\\专利证书.pdf", PDF)
    await services.add_attachment(nominator, nomination_id, "signed_pages", "签字页.pdf", PDF)
    listed = await services.attachments(nominator, nomination_id)
    assert [(a["kind"], a["filename"], a["media_type"], a["size"]) for a in listed] == [
        ("patents", "专利证书.pdf", files.PDF, len(PDF)),
        ("signed_pages", "签字页.pdf", files.PDF, len(PDF)),
    ]
    assert await StoredFile.count() == 1
    assert await services.open_attachment(nominator, nomination_id, first) == (PDF, files.PDF, "专利证书.pdf")


async def test_an_unknown_kind_and_a_word_file_outside_other_are_refused() -> None:
    nomination_id, _admin, nominator, _ = await _draft()
    with pytest.raises(InvalidInput) as refused:
        await services.add_attachment(nominator, nomination_id, "holiday_photos", "a.pdf", PDF)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("attachment.kind", "kind")]
    png_named_docx = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    await services.add_attachment(nominator, nomination_id, "other", "图.docx", png_named_docx)
    assert [a["media_type"] for a in await services.attachments(nominator, nomination_id)] == [files.PNG]


async def test_submission_names_each_missing_kind_and_passes_once_all_are_there() -> None:
    nomination_id, _admin, nominator, _ = await _draft()
    await services.add_attachment(nominator, nomination_id, "patents", "专利.pdf", PDF)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, nomination_id)
    missing = [(r.field, r.zh) for r in refused.value.reasons if r.code == "attachment.missing"]
    assert missing == [
        ("attachments.application_benefit", "缺少附件：应用证明及经济社会效益证明"),
        ("attachments.signed_pages", "缺少附件：签字盖章页"),
    ]
    for kind in INVENTION_KINDS[1:]:
        await services.add_attachment(nominator, nomination_id, kind, f"{kind}.pdf", PDF)
    assert await services.submit(nominator, nomination_id) == "submitted"
    with pytest.raises(Conflict):
        await services.add_attachment(nominator, nomination_id, "other", "late.pdf", PDF)
    (kept,) = [a["id"] for a in await services.attachments(nominator, nomination_id) if a["kind"] == "patents"]
    with pytest.raises(Conflict):
        await services.remove_attachment(nominator, nomination_id, kept)


async def test_a_cycle_without_required_kinds_submits_without_attachments() -> None:
    nomination_id, _admin, nominator, _ = await _draft(attachments=False)
    assert await services.submit(nominator, nomination_id) == "submitted"


async def _upload(client: Any, nomination_id: int, kind: str, name: str, content: bytes) -> Any:
    token = await csrf(client, f"/nominations/{nomination_id}")
    return await client.post(
        f"/nominations/{nomination_id}/attachments",
        data={"kind": kind, "_csrf_token": token},
        files={"attachment_file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


async def test_the_page_refuses_an_exe_beside_the_field_and_lists_a_pdf_that_opens_inline(client) -> None:
    nomination_id, _admin, _nominator, _ = await _draft()
    await login(client, "nominator")
    refused = await _upload(client, nomination_id, "patents", "evil.pdf", EXE)
    assert refused.status_code == 422
    assert '<small class="error">文件内容不是允许的类型（只接受PDF、JPEG图片、PNG图片）</small>' in refused.text
    assert '<option value="patents" selected>' in refused.text
    assert await NominationAttachment.count() == 0

    done = await _upload(client, nomination_id, "patents", "专利证书.pdf", PDF)
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/nominations/{nomination_id}?done=attached#attachments",
    )
    (attachment_id,) = [a["id"] for a in await NominationAttachment.select(NominationAttachment.id)]
    page = await client.get(f"/nominations/{nomination_id}")
    link = f'<a href="/nominations/{nomination_id}/attachments/{attachment_id}" target="_blank" rel="noopener"'
    assert link in page.text
    assert "专利证书.pdf</a>" in page.text
    assert 'data-required="application_benefit" class="error"' in page.text

    opened = await client.get(f"/nominations/{nomination_id}/attachments/{attachment_id}")
    assert opened.content == PDF
    assert {k: opened.headers[k] for k in ("content-type", "x-content-type-options", "content-security-policy")} == {
        "content-type": "application/pdf",
        "x-content-type-options": "nosniff",
        "content-security-policy": SANDBOX_CSP,
    }
    assert opened.headers["content-disposition"] == (
        "inline; filename=\"attachment.pdf\"; filename*=UTF-8''%E4%B8%93%E5%88%A9%E8%AF%81%E4%B9%A6.pdf"
    )

    token = await csrf(client, f"/nominations/{nomination_id}")
    removed = await client.post(
        f"/nominations/{nomination_id}/attachments/{attachment_id}/remove",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert await NominationAttachment.count() == 0


async def test_a_word_original_among_other_attachments_is_a_download_with_a_sanitised_name(client) -> None:
    nomination_id, _admin, nominator, _ = await _draft()
    docx = _docx()
    attachment_id = await services.add_attachment(nominator, nomination_id, "other", '报告";\r\nX: y.docx', docx)
    await login(client, "nominator")
    opened = await client.get(f"/nominations/{nomination_id}/attachments/{attachment_id}")
    assert opened.headers["content-type"] == files.DOCX
    assert opened.headers["content-disposition"] == (
        "attachment; filename=\"X__y.docx\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A_%20X_%20y.docx"
    )
    assert opened.headers["content-security-policy"] == SANDBOX_CSP


def _docx() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


async def _as_expert(username: str) -> Actor:
    row = await User.select().where(User.username == username).first()
    assert row is not None
    return Actor(row["id"], username, row["display_name"], "expert")


async def test_only_the_society_the_association_and_an_assigned_unconflicted_expert_open_it(client) -> None:
    nomination_id, admin, nominator, _ = await _draft(attachments=False)
    attachment_id = await services.add_attachment(nominator, nomination_id, "signed_pages", "签字页.pdf", PDF)
    other_society = await make_user("other-nominator", "society", await _other_society())
    with pytest.raises(NotFound):
        await services.open_attachment(other_society, nomination_id, attachment_id)
    assert (await services.open_attachment(admin, nomination_id, attachment_id))[0] == PDF

    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    for seq in range(3):
        await make_expert(admin, seq, name=f"评审{seq}", discipline="460", username=f"reviewer{seq}")
    batch_id = await services.send_to_remote_review(admin, await _cycle_of(nomination_id), "网络评审", 2, 2)
    await pool.run_assignment(admin, batch_id)
    assigned, unassigned = [], []
    for seq in range(3):
        reviewer = await _as_expert(f"reviewer{seq}")
        (assigned if await pool.my_assignments(reviewer) else unassigned).append(reviewer)
    assert (len(assigned), len(unassigned)) == (2, 1)
    assert (await services.open_attachment(assigned[0], nomination_id, attachment_id))[0] == PDF
    with pytest.raises(NotFound):
        await services.open_attachment(unassigned[0], nomination_id, attachment_id)
    (assignment,) = await pool.my_assignments(assigned[1])
    await pool.respond(assigned[1], assignment["id"], "conflict", "曾合作发表论文")
    with pytest.raises(NotFound):
        await services.open_attachment(assigned[1], nomination_id, attachment_id)

    await login(client, "other-nominator")
    response = await client.get(f"/nominations/{nomination_id}/attachments/{attachment_id}")
    assert response.status_code == 404
    assert response.content != PDF
    opened = [
        (r["actor_name"], r["action"])
        for r in await AuditEntry.select(AuditEntry.actor_name, AuditEntry.action).where(
            AuditEntry.action == "nomination.attachment_opened"
        )
    ]
    assert opened == [
        ("root-cmes", "nomination.attachment_opened"),
        (assigned[0].username, "nomination.attachment_opened"),
    ]


async def _other_society() -> int:
    from tests.support import make_society

    return await make_society("CSAE", "省农业工程学会")


async def _cycle_of(nomination_id: int) -> int:
    from nominations.tables import Nomination

    row = await Nomination.select(Nomination.cycle).where(Nomination.id == nomination_id).first()
    assert row is not None
    return int(row["cycle"])


async def test_the_formal_review_page_lists_every_attachment_opening_inline(client) -> None:
    nomination_id, admin, nominator, _ = await _draft()
    for kind in INVENTION_KINDS:
        await services.add_attachment(nominator, nomination_id, kind, f"{kind}.pdf", PDF)
    assert await services.submit(nominator, nomination_id) == "submitted"
    ids = {a["kind"]: a["id"] for a in await services.attachments(nominator, nomination_id)}
    await login(client, admin.username)
    page = (await client.get(f"/admin/nominations/{nomination_id}")).text
    listed = page.split('id="attachments"', 1)[1].split("</table>", 1)[0]
    for kind in INVENTION_KINDS:
        assert f'href="/nominations/{nomination_id}/attachments/{ids[kind]}"' in listed
    kinds = [cell.split("</td>", 1)[0] for cell in listed.split("<tr><td>")[1:]]
    assert kinds == [ATTACHMENT_KINDS[kind][0] for kind in INVENTION_KINDS]
    opened = await client.get(f"/nominations/{nomination_id}/attachments/{ids['patents']}")
    assert (opened.content, opened.headers["content-type"]) == (PDF, "application/pdf")
