"""Builders for the expert-pool service tests (real database, no mocks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.rules import Actor
from expert_pool import services
from expert_pool.schemas import BatchIn, ExpertIn
from tests.support import PASSWORD, initial_passwords_changed
from xuehui import idcard


def id_number(seq: int, sex: str = "male", year: int = 1970) -> str:
    return idcard.make("110101", dt.date(year, 1, 1 + seq % 28), seq // 28 % 50, sex)  # type: ignore[arg-type]


async def make_expert(
    admin: Actor,
    seq: int,
    *,
    name: str | None = None,
    discipline: str = "520.20",
    unit: str = "",
    username: str = "",
    in_province: bool = True,
    keywords: tuple[str, ...] = (),
) -> int:
    expert_id = await services.register_expert(
        admin,
        ExpertIn(
            name=name or f"专家{seq}",
            id_number=id_number(seq),
            unit=unit or f"单位{seq}",
            in_province=in_province,
            primary_discipline=discipline,
            keywords=list(keywords),
            username=username,
            password=PASSWORD if username else "",
        ),
    )
    if username:  # the expert has since replaced the initial password the admin gave
        await initial_passwords_changed()
    return expert_id


def criteria(single: bool = True) -> dict[str, Any]:
    if single:
        return {
            "criteria": [
                {
                    "code": "overall",
                    "name_zh": "总体",
                    "name_en": "Overall",
                    "weight": 1,
                    "min_score": 0,
                    "max_score": 100,
                }
            ]
        }
    return {
        "criteria": [
            {
                "code": "innovation",
                "name_zh": "创新性",
                "name_en": "Innovation",
                "weight": 0.6,
                "min_score": 0,
                "max_score": 100,
            },
            {
                "code": "benefit",
                "name_zh": "效益",
                "name_en": "Benefit",
                "weight": 0.4,
                "min_score": 0,
                "max_score": 100,
                "step": 1,
            },
        ]
    }


def item(
    external_id: str,
    *,
    discipline: str = "520.20",
    people: list[dict[str, str]] | None = None,
    units: list[str] | None = None,
    category: str = "A",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "kind": "test_item",
        "external_id": external_id,
        "title": f"项目{external_id}",
        "disciplines": [discipline],
        "keywords": ["机器学习"],
        "people": people or [],
        "units": units or [],
        "category": category,
        "material": f"项目{external_id}的材料",
        **extra,
    }


def batch(items: list[dict[str, Any]], **extra: Any) -> BatchIn:
    return BatchIn.model_validate(
        {"name": "测试批次", "required": 2, "max_load": 2, "form": criteria(), "items": items, **extra}
    )
