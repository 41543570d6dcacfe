"""Settings, the start-up self-check, exports, migrations and the command line."""

import io
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from piccolo.apps.migrations.auto.diffable_table import DiffableTable
from piccolo.apps.migrations.auto.schema_differ import SchemaDiffer
from piccolo.apps.migrations.auto.schema_snapshot import SchemaSnapshot
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.conf.apps import Finder

from xuehui.excel_export import neutralise, workbook_bytes
from xuehui.settings import DEFAULT_SECRET, Settings


@pytest.mark.pure
def test_production_self_check_names_every_unsafe_setting() -> None:
    unsafe = Settings(secret_key=DEFAULT_SECRET, secure_cookies=False, allowed_hosts=("*",))
    assert unsafe.production_problems() == [
        "XUEHUI_SECRET_KEY must be set to a random value of at least 32 characters",
        "XUEHUI_SECURE_COOKIES must be on (the site must be served over HTTPS)",
        "XUEHUI_ALLOWED_HOSTS must list the real host names, not *",
    ]
    safe = Settings(secret_key="k" * 40, secure_cookies=True, allowed_hosts=("xuehui.example.org",))
    assert safe.production_problems() == []


def test_the_server_refuses_to_start_with_unsafe_production_settings() -> None:
    env = {**os.environ, "XUEHUI_PRODUCTION": "1", "XUEHUI_SECRET_KEY": ""}
    code = "\n".join(
        [
            "from litestar.testing import TestClient",
            "from xuehui.app import create_app",
            "TestClient(create_app()).__enter__()",
        ]
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to start with production settings that are unsafe" in result.stderr


@pytest.mark.pure
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("正常", "正常"),
        ("", ""),
    ],
)
def test_exported_text_that_looks_like_a_formula_stays_text(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@pytest.mark.pure
def test_workbook_cells_are_written_as_text_or_numbers_never_formulas() -> None:
    data = workbook_bytes("列表", ["名称", "数量"], [["=1+1", 3], ["@x", None]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["名称", "数量"], ["'=1+1", 3], ["'@x", None]]
    assert [sheet.cell(2, 1).data_type, sheet.cell(2, 2).data_type] == ["s", "n"]


async def test_migrations_produce_exactly_the_tables_in_code() -> None:
    """Replaying every migration gives the same schema as the table classes: nothing is missing."""
    manager = BaseMigrationManager()
    for app_config in Finder().get_app_configs():
        managers = await manager.get_migration_managers(app_config=app_config)
        built = SchemaSnapshot(managers=managers).get_snapshot()
        in_code = [
            DiffableTable(class_name=t.__name__, tablename=t._meta.tablename, columns=t._meta.non_default_columns)
            for t in app_config.table_classes
        ]
        differ = SchemaDiffer(schema=in_code, schema_snapshot=built)
        pending = [line for group in differ.get_alter_statements() for line in group.statements]
        assert (app_config.app_name, pending) == (app_config.app_name, [])


def test_the_command_line_explains_itself() -> None:
    result = subprocess.run([sys.executable, "-m", "xuehui", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo", "create-user", "assign"):
        assert command in result.stdout
