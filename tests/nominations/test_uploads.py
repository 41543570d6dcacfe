"""Recommendation materials and objection evidence go through the frame's file store: the kind
is decided by the content, the bytes are kept once, and a refused file writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from nominations import services
from nominations.tables import ObjectionFile, RecommendationFile
from tests.nominations.support import demo_nomination, demo_person, nominating_society, recommending_society
from xuehui import files
from xuehui.clock import today
from xuehui.errors import InvalidInput
from xuehui.idcard import make
from xuehui.tables import StoredFile

EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"
PDF = b"%PDF-1.7\n% a signed nomination form\n%%EOF\n"


async def test_a_material_is_kept_once_in_the_store_and_an_exe_named_pdf_is_refused() -> None:
    programme_id, _, nominator, _ = await recommending_society()
    person = demo_person("张青", dt.date(today().year - 30, 3, 1), 1)
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    with pytest.raises(InvalidInput) as refused:
        await services.add_material(nominator, recommendation_id, "nomination_form", "提名表.pdf", EXE)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("file.kind", "materials.nomination_form")]
    assert await RecommendationFile.count() == 0
    assert await StoredFile.count() == 0
    await services.add_material(nominator, recommendation_id, "nomination_form", "提名表.pdf", PDF)
    await services.add_material(nominator, recommendation_id, "opinion_form", "意见表.pdf", PDF)
    listed = await services.recommendation_materials(nominator, recommendation_id)
    assert sorted((m["material"], m["filename"]) for m in listed) == [
        ("nomination_form", "提名表.pdf"),
        ("opinion_form", "意见表.pdf"),
    ]
    assert await StoredFile.count() == 1
    assert await files.load(listed[0]["sha256"]) == (PDF, files.PDF)


async def test_objection_evidence_is_checked_by_content_and_named_in_the_refusal() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    objector = make("370102", dt.date(1980, 5, 5), 3, "male")
    args = (notice_id, nomination_id, "王五", objector, "13800138000", "某大学", "成果不实")
    with pytest.raises(InvalidInput) as refused:
        await services.file_objection(*args, [("证据.pdf", EXE)])
    (reason,) = refused.value.reasons
    assert (reason.code, reason.field) == ("file.kind", "evidence")
    assert reason.zh.startswith("证明材料“证据.pdf”：文件内容不是允许的类型")
    assert await ObjectionFile.count() == 0
    objection_id = await services.file_objection(*args, [("证据.pdf", PDF)])
    stored = await ObjectionFile.select(ObjectionFile.filename, ObjectionFile.sha256).where(
        ObjectionFile.objection == objection_id
    )
    assert [s["filename"] for s in stored] == ["证据.pdf"]
    assert await files.load(stored[0]["sha256"]) == (PDF, files.PDF)
