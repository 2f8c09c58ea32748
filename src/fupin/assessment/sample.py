"""Draw and store the sample an independent assessment would visit in one county (domain.md §4.4).

Stage 1: villages by systematic PPS on their registered households (`sampling.draw`, one stratum). Stage 2: inside
every drawn village, two strata drawn by simple random sampling: registered households that have exited (for 错退率)
and households the registry holds that are not registered poor (for 漏评率). Households the registry does not hold
are outside any frame this system has; the sample says so in its note. The same county, registry, parameters and
seed give the same sample; every household keeps the stage probabilities, so its weight is 1/(π₁·π₂).
"""

import math
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from fupin.analytics.measures import POOR_STATUSES
from fupin.assessment.exit_models import Sample, SampleHousehold, SampleVillage
from fupin.assessment.sampling import Drawn, Village, draw, sample_size
from fupin.audit import Actor, open_changeset
from fupin.divisions import service as divisions
from fupin.divisions.codes import prefix, prefix_range
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, NotFoundError, Problem
from fupin.registry.models import Household, Member

EXITED, NON_REGISTERED = "exited", "non_registered"
STRATUM_LABELS = {EXITED: "已脱贫户", NON_REGISTERED: "非建档立卡户"}
REGISTERED = (*POOR_STATUSES, "已脱贫")
DESIGN = "两阶段分层：村按登记户数 PPS 系统抽样；村内已脱贫户、非建档立卡户分层简单随机抽样"


@dataclass(frozen=True, slots=True)
class DrawRequest:
    county_code: str
    year: int
    seed: int
    margin: float = 0.05
    confidence: float = 0.95
    expected_rate: float = 0.5  # the most cautious guess: the largest sample for a given margin
    design_effect: float = 2.0
    villages: int = 30  # about 29 villages per county in the 2018 national assessment


@dataclass(frozen=True, slots=True)
class FrameRow:
    household_id: int
    village: str
    stratum: str | None  # None: still registered poor, in no survey stratum
    members: int


def county_or_404(session: Session, scope: Scope, code: str) -> str:
    """The county's 12-digit code when it exists and lies in the scope, else 404 (never telling the two apart)."""
    unit = divisions.get(session=session, code=code) if len(code) == 12 and code.isdigit() else None
    if unit is None or unit.level != 3 or not scope.covers(prefix(unit.code)):
        raise NotFoundError(Problem("division-not-found", f"县级区划代码 {code[:20]} 不存在或不在您的数据范围内"))
    return unit.code


def draw_sample(*, session: Session, scope: Scope, actor: Actor, request: DrawRequest) -> Sample:
    county = county_or_404(session, scope, request.county_code)
    frame = _frame(session, prefix(county))
    if not frame:
        raise FupinError(Problem("sample-empty", "该县登记中没有农户，无法抽样", Location(field="county"), county))
    villages, drawn = draw_frame(frame, request)
    changeset = open_changeset(session=session, actor=actor, purpose="抽样", source=f"{county} 种子 {request.seed}")
    sample = Sample(
        county_code=county,
        year=request.year,
        seed=request.seed,
        margin=request.margin,
        confidence=request.confidence,
        expected_rate=request.expected_rate,
        design_effect=request.design_effect,
        villages_wanted=request.villages,
        design=DESIGN,
        note=_note(frame, drawn, request),
        created_by=actor.name,
        changeset_id=changeset.id,
    )
    session.add(sample)
    session.flush()
    sizes = _village_sizes(frame)
    session.execute(
        insert(SampleVillage),
        [
            {"sample_id": sample.id, "division_code": code, "households": sizes[code], "probability": probability}
            for code, probability in villages.items()
        ],
    )
    if drawn:
        members = {row.household_id: row.members for row in frame}
        session.execute(
            insert(SampleHousehold),
            [
                {
                    "sample_id": sample.id,
                    "household_id": d.household,
                    "division_code": d.village,
                    "stratum": d.stratum,
                    "village_probability": d.village_probability,
                    "household_probability": d.household_probability,
                    "members": members[d.household],
                }
                for d in drawn
            ],
        )
    return sample


def draw_frame(frame: list[FrameRow], request: DrawRequest) -> tuple[dict[str, float], list[Drawn]]:
    """Both stages over a frame held in memory: the villages with their probabilities, and the households."""
    villages = _stage_one(frame, request)
    return villages, _stage_two(frame, villages, request)


def _frame(session: Session, county_prefix: str) -> list[FrameRow]:
    """Every live household of the county with its stratum and member count (the frame the draw needs in memory)."""
    low, high = prefix_range(county_prefix)
    members = (
        select(Member.household_id, func.count().label("n"))
        .where(Member.deleted_at.is_(None))
        .group_by(Member.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Household.id, Household.division_code, Household.poverty_status, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.household_id == Household.id)
        .where(Household.deleted_at.is_(None), Household.division_code >= low, Household.division_code < high)
        .order_by(Household.id)
    ).all()
    return [FrameRow(row[0], row[1], _stratum(row[2]), int(row[3])) for row in rows]


def _stratum(status: str | None) -> str | None:
    if status == "已脱贫":
        return EXITED
    return None if status in POOR_STATUSES else NON_REGISTERED


def _village_sizes(frame: list[FrameRow]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for row in frame:
        sizes[row.village] = sizes.get(row.village, 0) + 1
    return sizes


def _stage_one(frame: list[FrameRow], request: DrawRequest) -> dict[str, float]:
    """village code → inclusion probability of the PPS draw (one household drawn per village only to mark it)."""
    by_village: dict[str, list[int]] = {}
    for row in frame:
        by_village.setdefault(row.village, []).append(row.household_id)
    villages = [Village(code, "村", ids) for code, ids in sorted(by_village.items())]
    wanted = min(request.villages, len(villages))
    picked = draw(villages, villages_per_stratum={"村": wanted}, households_per_village=1, seed=request.seed)
    return {d.village: d.village_probability for d in picked}


def _stage_two(frame: list[FrameRow], villages: dict[str, float], request: DrawRequest) -> list[Drawn]:
    found: list[Drawn] = []
    for offset, stratum in enumerate((EXITED, NON_REGISTERED), start=1):
        needed = wanted(frame, stratum, request)
        inside: dict[str, list[int]] = {}
        for row in (row for row in frame if row.stratum == stratum):
            if row.village in villages:
                inside.setdefault(row.village, []).append(row.household_id)
        frames = [Village(code, stratum, ids) for code, ids in sorted(inside.items())]
        if not frames:
            continue
        per_village = math.ceil(needed / len(villages))
        # every drawn village is certain here (π = 1 in this call); its stage-1 probability is put back below
        chosen = draw(
            frames, villages_per_stratum={stratum: len(frames)}, households_per_village=per_village,
            seed=request.seed + offset,
        )  # fmt: skip
        found += [
            Drawn(d.village, d.stratum, d.household, villages[d.village], d.household_probability) for d in chosen
        ]
    return found


def wanted(frame: list[FrameRow], stratum: str, request: DrawRequest) -> int:
    """Households the stratum needs for the stated margin and confidence (0 when the stratum is empty)."""
    size = sum(1 for row in frame if row.stratum == stratum)
    if not size:
        return 0
    return sample_size(expected_rate=request.expected_rate, margin=request.margin, confidence=request.confidence,
                       population=size, design_effect=request.design_effect)  # fmt: skip


def _note(frame: list[FrameRow], drawn: list[Drawn], request: DrawRequest) -> str:
    notes = []
    non_registered = sum(1 for row in frame if row.stratum == NON_REGISTERED)
    if not non_registered:
        notes.append("登记中没有非建档立卡户：漏评率无法由本样本估计，需另行实地排查")
    else:
        notes.append(f"非建档立卡户只能从本系统已登记的 {non_registered} 户中抽取，未登记的农户不在抽样框内")
    for stratum in (EXITED, NON_REGISTERED):
        needed, got = wanted(frame, stratum, request), sum(1 for d in drawn if d.stratum == stratum)
        if got < needed:
            notes.append(
                f"{STRATUM_LABELS[stratum]}抽到 {got} 户，少于所需 {needed} 户（抽中村内户数不足，可增加村数）"
            )
    return "；".join(notes)


def get_sample(*, session: Session, scope: Scope, sample_id: int) -> Sample:
    sample = session.get(Sample, sample_id)
    if sample is None or not scope.covers(prefix(sample.county_code)):
        raise NotFoundError(Problem("sample-not-found", f"抽样 #{sample_id} 不存在或不在您的数据范围内"))
    return sample


def samples_in(*, session: Session, scope: Scope, limit: int = 50) -> list[Sample]:
    statement = scope.apply(select(Sample), Sample.county_code).order_by(Sample.id.desc()).limit(limit)
    return list(session.scalars(statement))


def drawn_units(session: Session, sample_id: int) -> list[Drawn]:
    rows = session.execute(
        select(
            SampleHousehold.division_code,
            SampleHousehold.stratum,
            SampleHousehold.household_id,
            SampleHousehold.village_probability,
            SampleHousehold.household_probability,
        ).where(SampleHousehold.sample_id == sample_id)
    ).all()
    return [Drawn(*row) for row in rows]
