"""Uploads in the frame's one file store: the bytes of recommendation materials and objection
evidence move into xh_file (once per content) before their own content columns are dropped;
the never-used nomination attachment table goes."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T23:54:31:366944"
VERSION = "1.38.0"
DESCRIPTION = "uploads in the file store"

SOURCES = ("xh_recommendation_file", "xh_objection_file")


def _media_type(content: bytes) -> str:
    # What the content says it is, as the file store decides it (PDF, JPEG, PNG); else unknown.
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return "application/octet-stream"


async def _copy_into_store() -> None:
    engine = engine_finder()
    assert engine is not None
    for table in SOURCES:
        rows: list[dict[str, Any]] = await engine.run_querystring(
            QueryString(f"SELECT sha256, size, content FROM {table}")  # noqa: S608 - fixed table names
        )
        for row in rows:
            content = bytes(row["content"])
            known = await engine.run_querystring(QueryString("SELECT 1 FROM xh_file WHERE sha256 = {}", row["sha256"]))
            if known:
                continue
            await engine.run_querystring(
                QueryString(
                    "INSERT INTO xh_file (sha256, media_type, size, content, created_at) "
                    "VALUES ({}, {}, {}, {}, CURRENT_TIMESTAMP)",
                    row["sha256"],
                    _media_type(content),
                    len(content),
                    content,
                )
            )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nominations", description=DESCRIPTION)
    manager.add_raw(_copy_into_store)

    manager.drop_table(class_name="Attachment", tablename="xh_nomination_attachment", schema=None)
    manager.drop_column(
        table_class_name="ObjectionFile",
        tablename="xh_objection_file",
        column_name="content",
        db_column_name="content",
        schema=None,
    )
    manager.drop_column(
        table_class_name="RecommendationFile",
        tablename="xh_recommendation_file",
        column_name="content",
        db_column_name="content",
        schema=None,
    )
    return manager
