"""Violations become cases: every row of `xh_exam_violation` (a decision recorded at once) is
copied into `xh_exam_violation_case` as a decided case, recorded and decided on its decision
day, with its level, article, facts, integrity-record end and written decision; then
`xh_exam_violation` is dropped. Nothing refers to a violation's id, so the cases take new ids.
Raw SQL that runs on SQLite and PostgreSQL alike; Piccolo runs the raw step first, then drops the
table, in one transaction (the case table was created by the migration before this one).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T13:52:59:139043"
VERSION = "1.38.0"
DESCRIPTION = "violations become decided violation cases"

COPY_VIOLATIONS = (
    "INSERT INTO xh_exam_violation_case (registration, id_number, kind, subject_code, level, article, facts, "
    "evidence, state, recorded_on, notice_zh, notice_en, statement, stated_by_candidate, decided_on, "
    "record_until, decision_zh, decision_en, created_by, created_at, updated_at) "
    "SELECT registration, id_number, kind, subject_code, level, article, facts, '[]', 'decided', decided_on, "
    "'', '', '', false, decided_on, record_until, decision_zh, decision_en, created_by, created_at, created_at "
    "FROM xh_exam_violation ORDER BY id"
)


async def copy_violations() -> None:
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(COPY_VIOLATIONS)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)
    manager.add_raw(copy_violations)
    manager.drop_table(class_name="Violation", tablename="xh_exam_violation", schema=None)
    return manager
