"""Photos, proofs and score sheets live in the frame's one file store, allowed by their content;
the migration carried the old exam file table's bytes over."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from piccolo.columns import Bytea, Integer, Timestamptz, Varchar
from piccolo.table import Table

from exams import services
from tests.exams.exam_support import PNG, exam_society, person, plan_in
from tests.support import login, make_user
from xuehui import files
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput
from xuehui.tables import StoredFile

PDF = b"%PDF-1.4 proof"
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "exams" / "exams_2026_12_01t23_57_49_476462.py"


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("exam_files_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class OldExamFile(Table, tablename="xh_exam_file"):
    """The table as it was before the migration (set-up for the copy)."""

    sha256 = Varchar(length=64, unique=True)
    media_type = Varchar(length=100)
    size = Integer()
    content = Bytea()
    created_at = Timestamptz()


async def test_the_photo_and_proof_are_kept_in_the_file_store_and_served_back() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    reg_id = await services.register(candidate, plan_id, person(1).model_copy(update={"route": "proof"}), PNG, PDF)
    reg = await services.get_registration(candidate, reg_id)
    assert await files.load(reg["photo_sha"]) == (PNG, files.PNG)
    assert await files.load(reg["proof_sha"]) == (PDF, files.PDF)
    assert await services.registration_photo(examadmin, reg_id) == (PNG, files.PNG)
    assert await StoredFile.count() == 2


async def test_an_upload_of_the_wrong_kind_or_size_is_refused_beside_its_field() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    proof_route = person(1).model_copy(update={"route": "proof"})
    with pytest.raises(InvalidInput) as refused:
        await services.register(candidate, plan_id, proof_route, PDF, b"MZ\x90\x00 not a document")
    assert sorted((r.code, r.field) for r in refused.value.reasons) == [("file.kind", "photo"), ("file.kind", "proof")]
    too_big = PNG + b"\x00" * services.PHOTO.max_bytes
    with pytest.raises(InvalidInput) as refused:
        await services.register(candidate, plan_id, person(1), too_big)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("file.too_large", "photo")]
    assert await StoredFile.count() == 0


async def test_the_migration_copies_every_exam_file_into_the_store_once() -> None:
    kept = b"\xff\xd8\xff already in the store"
    await OldExamFile.create_table(if_not_exists=True)
    try:
        async with write_transaction():
            sha_kept = await files.store(kept, files.JPEG)
        when = now() - dt.timedelta(days=30)
        await OldExamFile.insert(
            OldExamFile(sha256="a" * 64, media_type=files.PDF, size=len(PDF), content=PDF, created_at=when),
            OldExamFile(sha256=sha_kept, media_type=files.JPEG, size=len(kept), content=kept, created_at=when),
        )
        async with write_transaction():
            await _migration().copy_exam_files()
        assert await files.load("a" * 64) == (PDF, files.PDF)
        assert await files.load(sha_kept) == (kept, files.JPEG)
        assert await StoredFile.count() == 2
    finally:
        await OldExamFile.alter().drop_table(if_exists=True)


async def test_the_registration_page_lists_the_photo_and_the_proof_by_kind_and_size(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    reg_id = await services.register(candidate, plan_id, person(1).model_copy(update={"route": "proof"}), PNG, PDF)
    await login(client, examadmin.username)
    text = (await client.get(f"/exams/registrations/{reg_id}")).text
    listed = text.split('id="registration-files"')[1].split("</table>")[0]
    photo = f'<a href="/exams/registrations/{reg_id}/photo" target="_blank" rel="noopener">照片.png</a>'
    assert f"<td>照片</td><td>{photo}</td><td>{len(PNG)} B</td>" in listed
    assert f"<td>证明材料</td><td>证明材料.pdf</td><td>{len(PDF)} B</td>" in listed
