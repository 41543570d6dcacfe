from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="expert_pool",
    migrations_folder_path=ROOT / "migrations" / "expert_pool",
    table_classes=table_finder(modules=["expert_pool.tables"], exclude_imported=True),
    migration_dependencies=["accounts.piccolo_app", "societies.piccolo_app"],
    commands=[],
)
