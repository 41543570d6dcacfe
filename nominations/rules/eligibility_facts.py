"""What the eligibility rules read: the facts of one nomination, the context of the cycle's other
nominations, past winners and losers (built once per cycle by `build_context`), and the
material fingerprint that finds a repeated nomination.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from nominations.rules.cycle.model import Category, CycleConfig, Grade
from xuehui.errors import Reason
from xuehui.idcard import normalise

INCOMPLETE = "nomination.incomplete"


@dataclass(frozen=True, slots=True)
class Contributor:
    name: str
    id_number: str
    birth_date: dt.date | None = None
    unit: str = ""
    title: str = ""
    contribution: str = ""
    sex: str = ""  # male | female | "" (not given)
    administrative: bool = False  # purely administrative or support staff (纯行政、后勤管理人员)
    technical_role: str = ""  # why such a person still qualifies: technical lead or chief scientist


@dataclass(frozen=True, slots=True)
class ContributingUnit:
    name: str
    province_code: str | None = None  # GB/T 2260, e.g. "370000"


@dataclass(frozen=True, slots=True)
class Paper:
    title: str
    published_on: dt.date | None = None
    authors: tuple[str, ...] = ()  # names as printed on the paper


@dataclass(frozen=True, slots=True)
class Patent:
    number: str
    title: str = ""
    granted_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ExcludedExpert:
    """An expert the nominee asks to be kept away from the review (回避专家)."""

    name: str
    unit: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """A notice's first and last day, both counted (either may be missing in a draft)."""

    starts: dt.date | None = None
    ends: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SocietySelection:
    """The society's own selection before it forwards: its expert review and its own notice."""

    review_on: dt.date | None = None
    experts: int | None = None
    result: str = ""
    notice: Period = Period()


@dataclass(frozen=True, slots=True)
class NominationFacts:
    """What the nomination form says; fields may be empty while a draft is edited."""

    nomination_id: str | None = None  # None for a draft never saved
    title: str = ""
    category: Category | None = None
    grade: Grade | None = None
    summary: str = ""
    application_started_on: dt.date | None = None
    contributors: tuple[Contributor, ...] = ()
    units: tuple[ContributingUnit, ...] = ()
    papers: tuple[Paper, ...] = ()
    patents: tuple[Patent, ...] = ()
    exclusions: tuple[ExcludedExpert, ...] = ()
    registration_number: str = ""  # 成果登记号
    single_channel: bool = False  # committed: nominated through this one channel only
    prior_use_declared: bool = False  # declared: innovations not used in an awarded project
    first_unit_share: int | None = None  # % of the key supporting material owned (joint projects)
    first_contributor_share: int | None = None
    unit_notice: Period = Period()  # every completer publicised in their own unit
    society_selection: SocietySelection = SocietySelection()


@dataclass(frozen=True, slots=True)
class MaterialFingerprint:
    """What the repeat rule compares; store it with each nomination (`fingerprint`).

    `identity_keys` name the project whoever nominates it: its title, its first unit and its
    first contributor's identity number (prefixed ``title:``, ``unit:``, ``person:``)."""

    title_key: str
    material_keys: frozenset[str]
    identity_keys: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, object]:
        return {
            "title_key": self.title_key,
            "material_keys": sorted(self.material_keys),
            "identity_keys": sorted(self.identity_keys),
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, object] | None) -> MaterialFingerprint:
        stored = stored or {}
        title_key = str(stored.get("title_key", ""))
        material = stored.get("material_keys")
        identity = stored.get("identity_keys") or ([f"title:{title_key}"] if title_key else [])
        return cls(
            title_key,
            frozenset(str(k) for k in material) if isinstance(material, list) else frozenset(),
            frozenset(str(k) for k in identity) if isinstance(identity, list) else frozenset(),
        )


@dataclass(frozen=True, slots=True)
class PastUnsuccessful:
    nomination_id: str
    year: int
    fingerprint: MaterialFingerprint


@dataclass(frozen=True, slots=True)
class EligibilityContext:
    """Everything outside the nomination. Build it with `build_context` for fast look-ups."""

    society_allowed: bool = True
    society_suspended: bool = False
    contributor_nominations: Mapping[str, frozenset[str]] = field(default_factory=dict)  # id number -> nominations
    # Of those, the nominations the one checking may not learn of (another society's): a clash
    # with one of them is told only as "cannot be added", never as another nomination.
    private_nominations: frozenset[str] = frozenset()
    past_wins: Mapping[str, int] = field(default_factory=dict)  # id number -> latest year won
    unsuccessful_by_identity: Mapping[str, tuple[PastUnsuccessful, ...]] = field(default_factory=dict)
    unsuccessful_by_material: Mapping[str, tuple[PastUnsuccessful, ...]] = field(default_factory=dict)
    # material key -> (year, title) of an awarded project that used it (winners and official results)
    awarded_material: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    today: dt.date | None = None  # the day of the check: notices must be over before submission


def normalise_text(text: str) -> str:
    """Case-, width- and punctuation-insensitive form: NFKC, lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def fingerprint(facts: NominationFacts) -> MaterialFingerprint:
    keys = {f"paper:{normalise_text(p.title)}" for p in facts.papers if normalise_text(p.title)}
    keys |= {f"patent:{normalise_text(p.number)}" for p in facts.patents if normalise_text(p.number)}
    title_key = normalise_text(facts.title)
    identity = {f"title:{title_key}"} if title_key else set()
    if facts.units and normalise_text(facts.units[0].name):
        identity.add(f"unit:{normalise_text(facts.units[0].name)}")
    if facts.contributors and facts.contributors[0].id_number.strip():
        identity.add(f"person:{normalise(facts.contributors[0].id_number)}")
    return MaterialFingerprint(title_key, frozenset(keys), frozenset(identity))


def build_context(
    *,
    society_allowed: bool = True,
    society_suspended: bool = False,
    cycle_contributors: Iterable[tuple[str, Iterable[str]]] = (),
    private_nominations: Iterable[str] = (),
    past_winners: Iterable[tuple[str, int]] = (),
    past_unsuccessful: Iterable[PastUnsuccessful] = (),
    awarded: Iterable[tuple[str, int, str, MaterialFingerprint]] = (),
    today: dt.date | None = None,
) -> EligibilityContext:
    """Index the cycle's other nominations (nomination id, contributor id numbers), past winners
    (id number, year), earlier unsuccessful nominations and awarded projects (nomination id,
    year, title, fingerprint). The nomination under check may be among them: the rules ignore
    its own id."""
    by_person: dict[str, set[str]] = {}
    for nomination_id, id_numbers in cycle_contributors:
        for raw in id_numbers:
            by_person.setdefault(normalise(raw), set()).add(nomination_id)
    wins: dict[str, int] = {}
    for raw, year in past_winners:
        number = normalise(raw)
        wins[number] = max(year, wins.get(number, year))
    by_identity: dict[str, list[PastUnsuccessful]] = {}
    by_material: dict[str, list[PastUnsuccessful]] = {}
    for past in past_unsuccessful:
        for key in past.fingerprint.identity_keys:
            by_identity.setdefault(key, []).append(past)
        for key in past.fingerprint.material_keys:
            by_material.setdefault(key, []).append(past)
    used: dict[str, tuple[int, str]] = {}
    for _nomination_id, year, title, material in awarded:
        for key in material.material_keys:
            used[key] = (year, title)
    return EligibilityContext(
        society_allowed=society_allowed,
        society_suspended=society_suspended,
        contributor_nominations={k: frozenset(v) for k, v in by_person.items()},
        private_nominations=frozenset(private_nominations),
        past_wins=wins,
        unsuccessful_by_identity={k: tuple(v) for k, v in by_identity.items()},
        unsuccessful_by_material={k: tuple(v) for k, v in by_material.items()},
        awarded_material=used,
        today=today,
    )


Rule = Callable[[NominationFacts, CycleConfig, EligibilityContext], list[Reason]]


def missing(field_name: str, zh: str, en: str) -> Reason:
    return Reason(INCOMPLETE, f"请填写{zh}", f"please give {en}", field_name)
