"""Exam files move to the frame's one file store: every row of `xh_exam_file` is copied into
`xh_file` (a content already there is kept once), then `xh_exam_file` is dropped.

Registrations (`photo_sha`, `proof_sha`) and score imports (`file_sha`) keep the SHA-256 they
already hold, so they find their bytes in the new store unchanged. Raw SQL that runs on SQLite and
PostgreSQL alike; Piccolo runs the raw step first, then drops the table, in one transaction.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-01T23:57:49:476462"
VERSION = "1.38.0"
DESCRIPTION = "exam files move to the frame's file store"

COPY_EXAM_FILES = (
    "INSERT INTO xh_file (sha256, media_type, size, content, created_at) "
    "SELECT sha256, media_type, size, content, created_at FROM xh_exam_file "
    "WHERE sha256 NOT IN (SELECT sha256 FROM xh_file)"
)


async def copy_exam_files() -> None:
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(COPY_EXAM_FILES)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)
    manager.add_raw(copy_exam_files)
    manager.drop_table(class_name="ExamFile", tablename="xh_exam_file", schema=None)
    return manager
