"""Talent recommendations (人才推荐): drafts, materials, the live check, submission, snapshots."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from expert_pool import services as pool
from nominations.rules.eligibility_facts import normalise_text
from nominations.rules.lifecycles import RECOMMENDATION_LIVE
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.programme.model import Academy, ExclusionCategory, Programme, ProgrammeKind
from nominations.rules.talent import (
    INCOMPLETE,
    REQUIRED,
    RecommendationChannel,
    TalentContext,
    TalentPerson,
    check_person,
)
from nominations.schemas import RecommendationIn
from nominations.services._shared import CATEGORY_LABELS, _running_award_pilot
from nominations.services.kinds import TALENT
from nominations.services.other_channels import other_channels_of
from nominations.services.programmes import programme_config, programme_row
from nominations.services.queries import get_recommendation
from nominations.tables import AwardRecord, Recommendation, RecommendationFile, TalentQuota
from xuehui import files, submission
from xuehui.clock import now, today
from xuehui.db import json_value, write_transaction
from xuehui.errors import Forbidden, InvalidInput, Reason
from xuehui.idcard import normalise
from xuehui.text import require_clean

# The signed forms, opinions and proofs a programme asks for: scans or the documents themselves.
MATERIALS = files.Purpose("talent.material", frozenset({files.PDF, files.JPEG, files.PNG, files.DOCX}), 20_000_000)
MAX_FILENAME_LENGTH = 200  # the filename column's length; the name is for display only
ID_NUMBER_LENGTH = 18  # a resident identity number's digits
ACADEMICIAN = RecommendationChannel.ACADEMICIAN


def _person_headline(data: RecommendationIn) -> list[Reason]:
    if data.name.strip():
        return []
    return [Reason("talent.name", "请填写候选人姓名", "the candidate's name is required", "name")]


async def create_recommendation(actor: Actor, programme_id: int, data: RecommendationIn) -> int:
    require_clean(data)
    _society_id, pilot = await _running_award_pilot(actor, "talent")
    await programme_row(programme_id)
    if problems := _person_headline(data):
        raise InvalidInput(problems)
    values = {"programme": programme_id, "pilot_project_id": pilot["id"], **_document(data)}
    return await submission.create_draft(TALENT, actor, values, {"name": data.name})


def _document(data: RecommendationIn) -> dict[str, Any]:
    """The columns a draft's form writes."""
    return {
        "name": data.name.strip(),
        "id_number": normalise(data.id_number)[:ID_NUMBER_LENGTH],
        "unit": data.unit.strip(),
        "channel": data.channel,
        "nominating_academician": data.nominating_academician.strip() if data.channel == ACADEMICIAN else "",
        "body": data.model_dump_json(),
    }


async def update_recommendation(actor: Actor, recommendation_id: int, data: RecommendationIn) -> None:
    require_clean(data)
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] not in TALENT.editable:
        raise TALENT.locked()
    if problems := _person_headline(data):
        raise InvalidInput(problems)
    await submission.update_draft(TALENT, actor, current, _document(data), {})


async def add_material(actor: Actor, recommendation_id: int, material: str, filename: str, content: bytes) -> None:
    """Upload (or replace) one required material of an editable recommendation."""
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] not in TALENT.editable:
        raise TALENT.locked()
    cfg = await programme_config(current["programme"])
    if material not in cfg.materials:
        raise InvalidInput(
            Reason("talent.material", "本项目不需要该材料", "this programme does not ask for that material", material)
        )
    media_type = files.check(content, MATERIALS, f"materials.{material}")
    async with write_transaction():
        sha = await files.store(content, media_type)
        await RecommendationFile.delete().where(
            (RecommendationFile.recommendation == recommendation_id) & (RecommendationFile.material == material)
        )
        await RecommendationFile.insert(
            RecommendationFile(
                recommendation=recommendation_id,
                material=material,
                filename=filename[:MAX_FILENAME_LENGTH],
                sha256=sha,
                size=len(content),
                uploaded_by=actor.user_id,
                uploaded_at=now(),
            )
        )
        await audit(
            actor, "talent.material", "recommendation", recommendation_id, {"material": material}, current["society_id"]
        )


async def recommendation_materials(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    await get_recommendation(actor, recommendation_id)
    return await RecommendationFile.select(
        RecommendationFile.material, RecommendationFile.filename, RecommendationFile.size, RecommendationFile.sha256
    ).where(RecommendationFile.recommendation == recommendation_id)


def _talent_person(data: RecommendationIn, materials: frozenset[str]) -> TalentPerson:
    academy = data.academy if data.academy in {a.value for a in Academy} else None
    categories = None
    if data.categories is not None:
        categories = frozenset(ExclusionCategory(c) for c in data.categories if c in CATEGORY_LABELS)
    return TalentPerson(
        name=data.name or None,
        id_number=data.id_number or None,
        sex="male" if data.sex == "male" else "female" if data.sex == "female" else None,
        birth_date=data.birth_date,
        materials=materials,
        academy=Academy(academy) if academy else None,
        academician_nominators=data.academician_nominators,
        same_division_nominators=data.same_division_nominators,
        unit=data.unit or None,
        discipline=data.discipline or None,
        channel=RecommendationChannel(data.channel),
        nominating_academician=data.nominating_academician or None,
        academician_discipline=data.academician_discipline or None,
        categories=categories,
    )


async def _talent_context(
    programme_id: int,
    cfg: Programme,
    society_id: int,
    data: RecommendationIn,
    own_id: int | None,
    window: bool,
    association: bool = False,
) -> tuple[Programme, TalentContext]:
    """The programme as it applies to this society (its own quota) and what the rules need to
    know about everyone else, read narrowly: only this person and this unit. Other societies'
    recommendations stay private unless the association itself checks."""
    number = normalise(data.id_number) or "-"
    live = (
        (Recommendation.programme == programme_id)
        & Recommendation.submitted_at.is_not_null()
        & Recommendation.status.is_in(list(RECOMMENDATION_LIVE))
        & (Recommendation.id != (own_id or -1))
    )
    quota, society_used, same_person, units, winners, earlier, channels, nominated = await asyncio.gather(
        TalentQuota.select(TalentQuota.quota)
        .where((TalentQuota.programme == programme_id) & (TalentQuota.society_id == society_id))
        .first(),
        Recommendation.count().where(
            live & (Recommendation.society_id == society_id) & (Recommendation.channel == RecommendationChannel.SOCIETY)
        ),
        Recommendation.select(Recommendation.id_number, Recommendation.society_id).where(
            live & (Recommendation.id_number == number)
        ),
        _same_unit_used(cfg, live, data.unit),
        AwardRecord.select(AwardRecord.id_number).where(
            (AwardRecord.id_number == number) & (AwardRecord.category == cfg.kind.value)
        ),
        Recommendation.select(Recommendation.id_number).where(
            (Recommendation.id_number == number)
            & (Recommendation.programme.kind == cfg.kind.value)
            & (Recommendation.programme.edition_year < cfg.edition_year)
            & Recommendation.submitted_at.is_not_null()
        ),
        other_channels_of(programme_id, number),
        _academician_used(live, data),
    )
    applied = dataclasses.replace(cfg, quota_per_society=int(quota["quota"]) if quota else 0)
    context = TalentContext(
        today=today() if window else None,
        society_used=int(society_used),
        other_recommendations=frozenset(r["id_number"] for r in same_person),
        private_recommendations=frozenset(r["id_number"] for r in same_person)
        - frozenset(r["id_number"] for r in same_person if association or r["society_id"] == society_id),
        earlier_winners=frozenset(r["id_number"] for r in winners),
        earlier_nominees=frozenset(r["id_number"] for r in earlier),
        other_channels=channels,
        same_unit_used=units,
        academician_used=nominated,
    )
    return applied, context


async def _same_unit_used(cfg: Programme, live: Any, unit: str) -> int:
    """The programme's other live recommendations from this unit, by the expert pool's unit
    normaliser and alias map: "山东大学" and "山东大学 " or a full-width spelling are one unit."""
    if cfg.kind is not ProgrammeKind.OUTSTANDING_WORKER or not unit.strip():
        return 0
    aliases = await pool.unit_aliases()
    key = pool.normalise_unit(unit, aliases)
    rows = await Recommendation.select(Recommendation.unit).where(live & (Recommendation.unit != ""))
    return sum(1 for r in rows if pool.normalise_unit(r["unit"], aliases) == key)


async def _academician_used(live: Any, data: RecommendationIn) -> int:
    """The other live nominations of this edition by the same academician (names compared as
    the eligibility rules compare text)."""
    name = normalise_text(data.nominating_academician)
    if data.channel != ACADEMICIAN or not name:
        return 0
    rows = await Recommendation.select(Recommendation.nominating_academician).where(
        live & (Recommendation.channel == ACADEMICIAN)
    )
    return sum(1 for r in rows if normalise_text(r["nominating_academician"]) == name)


async def check_recommendation(
    actor: Actor,
    programme_id: int,
    data: RecommendationIn,
    recommendation_id: int | None = None,
    *,
    draft: bool = True,
    chosen: frozenset[str] = frozenset(),
) -> list[Reason]:
    """Every failing rule for what the form says now (live while it is edited); `chosen` are
    materials picked in the form but not uploaded yet."""
    society_id = actor.society_id
    materials: frozenset[str] = chosen
    window = True
    if recommendation_id is not None:
        current = await get_recommendation(actor, recommendation_id)
        society_id, programme_id = current["society_id"], current["programme"]
        window = current["status"] == R.DRAFT
        materials |= frozenset(m["material"] for m in await recommendation_materials(actor, recommendation_id))
    if society_id is None:
        raise Forbidden(
            Reason("talent.society_only", "只有学会填报人可以推荐人选", "only society nominators recommend people")
        )
    cfg = await programme_config(programme_id)
    applied, context = await _talent_context(
        programme_id, cfg, society_id, data, recommendation_id, window, actor.is_admin
    )
    reasons = check_person(_talent_person(data, materials), applied, context, draft=draft)
    if not data.integrity_statement:
        reasons.append(
            Reason(
                INCOMPLETE if draft else REQUIRED,
                "尚未签署诚信承诺",
                "the integrity statement is not signed",
                "integrity_statement",
            )
        )
    return reasons


async def submit_recommendation(actor: Actor, recommendation_id: int, idempotency_key: str = "") -> str:
    """Submit (or resubmit after correction): every rule must pass; a first submission takes a
    slot of the society's quota for the programme."""

    async def prepare(current: dict[str, Any]) -> submission.Prepared:
        data: RecommendationIn = current["body"]
        if problems := await check_recommendation(actor, current["programme"], data, recommendation_id, draft=False):
            raise InvalidInput(problems)
        materials = await recommendation_materials(actor, recommendation_id)
        quota = (
            await TalentQuota.select(TalentQuota.id)
            .where((TalentQuota.programme == current["programme"]) & (TalentQuota.society_id == current["society_id"]))
            .first()
        )
        return submission.Prepared(
            quota_id=int(quota["id"]) if quota else None,
            takes_quota=data.channel != ACADEMICIAN,
            quota_refusal=Reason(
                "talent.quota_exhausted",
                "本学会本项目推荐名额已用完",
                "your society's quota for this programme is used up",
            ),
            snapshot={
                **data.model_dump(mode="json"),
                "materials": [{k: m[k] for k in ("material", "filename", "size", "sha256")} for m in materials],
            },
            # The one-recommendation-per-person index refuses the same person submitted at the same moment.
            duplicate=Reason(
                "talent.duplicate_recommendation",
                "此人本届已被推荐，每人每届只能推荐一次",
                "this person is already recommended in this edition; one recommendation per person per edition",
                "id_number",
            ),
        )

    return await submission.submit(TALENT, actor, recommendation_id, idempotency_key, prepare)


async def recommendation_snapshot(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    await get_recommendation(actor, recommendation_id)
    row = await Recommendation.select(Recommendation.snapshot).where(Recommendation.id == recommendation_id).first()
    return dict(json_value(row["snapshot"]) or {}) if row else {}
