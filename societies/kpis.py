"""KPIs a pilot project derives live from another package's records (nominations, exams ...).

Societies know nothing of those packages: each registers a provider here when the app is
composed (`xuehui.app`), and every provider answers with the same row type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LiveKpi:
    """One live figure: `value` as shown, `number` the raw figure (None when there is none yet)."""

    key: str
    zh: str
    en: str
    value: str
    number: float | None


KpiProvider = Callable[[int, str], Awaitable[list[LiveKpi]]]

_PROVIDERS: list[KpiProvider] = []


def register_kpi_provider(provider: KpiProvider) -> None:
    """Called once per provider when the app is composed; registering twice is harmless."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


async def live_kpis(society_id: int, function_type: str) -> list[LiveKpi]:
    """Every registered provider's KPIs for a pilot of `function_type`, in registration order."""
    return [row for provider in _PROVIDERS for row in await provider(society_id, function_type)]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value}%"
