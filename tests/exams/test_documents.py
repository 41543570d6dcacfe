"""Printable exam documents: the admission ticket with photo, seat and a QR code to the door
staff's check page, every ticket of a plan in one PDF, door lists and sign-in sheets, certificates.
The PDFs are read back (text with pypdf, the QR code's modules from the embedded image) and
compared with the records; the same record gives the same bytes."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from pypdf import PdfReader

from accounts.rules import Actor
from exams import services
from exams.schemas import ReviewIn
from exams.services import documents
from exams.tables import Registration
from tests.exams.exam_support import exam_society, person, plan_in
from tests.support import login, make_user
from xuehui.pdf import QR_SCALE, qr_matrix


def photo_png(colour: tuple[int, int, int] = (90, 140, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), colour).save(buffer, format="PNG")
    return buffer.getvalue()


async def seated_plan(count: int = 2) -> tuple[Actor, int, list[tuple[Actor, int]]]:
    _society, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    people = []
    for n in range(1, count + 1):
        candidate = await make_user(f"cand{n}", "candidate")
        reg_id = await services.register(candidate, plan_id, person(n), photo_png((40 * n, 140, 200)))
        await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
        await services.mark_paid(examadmin, reg_id)
        people.append((candidate, reg_id))
    await services.allocate_seats(examadmin, plan_id)
    return examadmin, plan_id, people


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def qr_modules(image: Image.Image) -> tuple[tuple[int, ...], ...]:
    """The QR code's dark modules read off its image (segno's PNG: QR_SCALE pixels a module, a
    quiet zone of 2 modules)."""
    grey = image.convert("L")
    size = grey.width // QR_SCALE - 4
    return tuple(
        tuple(int(grey.getpixel(((2 + x) * QR_SCALE + 1, (2 + y) * QR_SCALE + 1)) < 128) for x in range(size))  # type: ignore[operator]
        for y in range(size)
    )


def embedded_qrs(data: bytes) -> set[tuple[tuple[int, ...], ...]]:
    """The modules of every QR code in the document (its square images; photos are 3:4)."""
    found = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for i in page.images:
            if i.image is not None and i.image.width == i.image.height:
                found.add(qr_modules(i.image))
    return found


async def test_a_candidate_downloads_the_ticket_pdf_with_photo_seat_rules_and_a_qr_code_to_the_check_page(
    client: Any,
) -> None:
    _examadmin, _plan_id, people = await seated_plan()
    candidate, reg_id = people[0]
    reg = await Registration.select().where(Registration.id == reg_id).first()
    await login(client, candidate.username)
    response = await client.get(f"/candidate/registrations/{reg_id}/ticket.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    (page,) = text_of(response.content)
    for shown in (reg["ticket_no"], "考生1", reg["id_number"], "化工工程师职业资格考试", "准考证", "科目01", "科目02"):
        assert shown in page
    assert f"考场 1\n座位 {reg['seat_no']}\n" in page
    assert "开考" in page  # the exam rules
    assert "1/1" in page  # page numbers
    url = documents.check_url(reg["ticket_no"])
    assert url.startswith(f"http://127.0.0.1:8000/public/tickets/{reg['ticket_no']}?code=")
    assert embedded_qrs(response.content) == {qr_matrix(url)}
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 2  # the photo and the QR code
    again = await client.get(f"/candidate/registrations/{reg_id}/ticket.pdf")
    assert again.content == response.content
    # Another candidate's ticket is not there for this candidate.
    missing = await client.get(f"/candidate/registrations/{people[1][1]}/ticket.pdf")
    assert (missing.status_code, missing.headers["content-type"].split(";")[0]) == (404, "text/html")


async def test_the_qr_link_opens_the_door_check_page_and_a_guessed_code_finds_nothing(client: Any) -> None:
    _examadmin, _plan_id, people = await seated_plan(1)
    reg = await Registration.select().where(Registration.id == people[0][1]).first()
    url = documents.check_url(reg["ticket_no"])
    page = await client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert '<dd id="ticket-name">考生1</dd>' in page.text
    assert f'<dd id="ticket-seat">{reg["seat_no"]}</dd>' in page.text
    assert "有效准考证" in page.text
    assert reg["id_number"] not in page.text  # masked
    guessed = await client.get(f"/public/tickets/{reg['ticket_no']}?code=00000000000000000000")
    assert guessed.status_code == 404
    assert "考生1" not in guessed.text


async def test_staff_print_every_ticket_of_a_plan_in_one_document(client: Any) -> None:
    examadmin, plan_id, _people = await seated_plan(3)
    await login(client, examadmin.username)
    response = await client.get(f"/exams/{plan_id}/tickets.pdf")
    pages = text_of(response.content)
    tickets = [
        r["ticket_no"]
        for r in await Registration.select(Registration.ticket_no)
        .where(Registration.plan == plan_id)
        .order_by(Registration.ticket_no)
    ]
    assert len(pages) == 3
    assert [next(t for t in tickets if t in page) for page in pages] == tickets
    assert embedded_qrs(response.content) == {qr_matrix(documents.check_url(t)) for t in tickets}
    assert [documents.check_url(t) in page.replace("\n", "") for t, page in zip(tickets, pages, strict=True)] == [
        True
    ] * 3


async def test_the_sign_in_sheet_has_photos_and_one_signature_column_per_subject(client: Any) -> None:
    examadmin, plan_id, _people = await seated_plan(2)
    (room,) = await services.rooms_of(plan_id)
    await login(client, examadmin.username)
    signin = await client.get(f"/exams/rooms/{room['id']}/sheet.pdf?kind=signin")
    assert signin.headers["content-type"] == "application/pdf"
    (page,) = text_of(signin.content)
    assert "签到表" in page
    assert page.count("签名") >= 2
    assert "科目01 签名" in page
    assert "科目02 签名" in page
    regs = await Registration.select().where(Registration.plan == plan_id)
    for reg in regs:
        assert reg["ticket_no"] in page
        assert reg["name"] in page
        assert reg["id_number"] not in page  # masked on a sheet that lies on a desk
    assert len(PdfReader(io.BytesIO(signin.content)).pages[0].images) == 2
    door = await client.get(f"/exams/rooms/{room['id']}/sheet.pdf?kind=door")
    assert "门贴" in door.headers["content-disposition"] or "%E9%97%A8%E8%B4%B4" in door.headers["content-disposition"]
    assert "签名" not in text_of(door.content)[0]


async def test_the_certificate_pdf_prints_number_check_character_and_a_qr_code_to_public_verification(
    client: Any,
) -> None:
    from tests.exams.test_certificate_revocation import _certificate

    examadmin, cert = await _certificate()
    await login(client, examadmin.username)
    response = await client.get(f"/exams/certificates/{cert['id']}/certificate.pdf")
    (page,) = text_of(response.content)
    assert cert["number"] in page.replace("\n", "")
    assert cert["name"] in page
    assert "校验码" in page
    url = f"http://127.0.0.1:8000/public/certificates?number={cert['number']}"
    assert embedded_qrs(response.content) == {qr_matrix(url)}
    assert (await client.get(f"/exams/certificates/{cert['id']}/certificate.pdf")).content == response.content
