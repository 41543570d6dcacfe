"""How the frame finds the domain packages' parts, by the file layout every package shares.

A package plugs in by having the files of DESIGN.md: `piccolo_app.py` (its tables and
migrations), `pages.py` and `api.py` (each with a `ROUTES` list), `templates/`,
`locale/zh/LC_MESSAGES/messages.po` (the Chinese of its page strings) and `commands.py` (a
`COMMANDS` list of click commands). The order below is the dependency order of DESIGN.md.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("xuehui", "accounts", "societies", "expert_pool", "nominations", "exams")


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def piccolo_apps() -> list[str]:
    return [f"{pkg}.piccolo_app" for pkg in PACKAGES if _has_module(f"{pkg}.piccolo_app")]


def route_lists() -> list[Any]:
    routes: list[Any] = []
    for pkg in PACKAGES:
        for part in ("pages", "api"):
            if _has_module(f"{pkg}.{part}"):
                routes.extend(importlib.import_module(f"{pkg}.{part}").ROUTES)
    return routes


def template_directories() -> list[Path]:
    return [ROOT / pkg / "templates" for pkg in PACKAGES if (ROOT / pkg / "templates").is_dir()]


def catalog_files(lang: str) -> list[Path]:
    found = [ROOT / "xuehui" / "locale" / lang / "LC_MESSAGES" / "messages.po"]
    found += [ROOT / pkg / "locale" / lang / "LC_MESSAGES" / "messages.po" for pkg in PACKAGES if pkg != "xuehui"]
    return [path for path in found if path.exists()]


def commands() -> list[Any]:
    found: list[Any] = []
    for pkg in PACKAGES:
        if pkg != "xuehui" and _has_module(f"{pkg}.commands"):
            found.extend(importlib.import_module(f"{pkg}.commands").COMMANDS)
    return found


def register_kpi_providers() -> None:
    """Hand the pilot pages the live KPIs of the packages that derive them, explicitly: each
    provider answers `(society_id, function_type)` with `societies.kpis.LiveKpi` rows."""
    from exams.services import pilot_kpis as exam_kpis
    from nominations.services import pilot_kpis as award_kpis
    from societies.kpis import register_kpi_provider

    register_kpi_provider(award_kpis)
    register_kpi_provider(exam_kpis)
