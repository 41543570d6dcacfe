"""Piccolo configuration: the engine comes from DATABASE_URL (SQLite file by default)."""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from xuehui.composition import piccolo_apps
from xuehui.settings import database_url
from xuehui.sqlite_engine import ReusingSQLiteEngine


def make_engine(url: str) -> Engine[Any]:
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": url})
    path = url.removeprefix("sqlite:///")
    # A long busy timeout: writers queue behind the process-wide write lock rather than fail.
    return ReusingSQLiteEngine(path=path, timeout=30)


DB: Engine[Any] = make_engine(database_url())

APP_REGISTRY = AppRegistry(apps=piccolo_apps())
