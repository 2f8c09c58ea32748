"""Survey results of a stored sample: one household through a form, many through the field team's sheet, and the
estimates (错退率, 漏评率, 群众认可度 with confidence intervals) that feed the county exit check.

Definitions (domain.md §4.3): 错退率 = wrongly exited people / exited people surveyed, over the exited stratum;
漏评率 = missed people / people of non-registered households surveyed; 认可度 = approving / surveyed households.
People are the counts found at the survey (the registry's count where the field team left it blank).
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fupin.assessment import sheet_import
from fupin.assessment.exit import Survey
from fupin.assessment.exit_models import Sample, SampleHousehold
from fupin.assessment.sample import EXITED, NON_REGISTERED, STRATUM_LABELS, drawn_units
from fupin.assessment.sampling import Estimate, estimate_rate
from fupin.assessment.sheet_import import Field, SheetSpec
from fupin.audit import Actor, Changeset, open_changeset, record
from fupin.divisions import service as divisions
from fupin.engine.duck import register, to_arrow, workspace
from fupin.errors import FupinError, Location, Problem
from fupin.registry.models import Household, Member
from fupin.tabular.xlsx import write_text_workbook

YES, NO = "是", "否"
ANSWERS = ("wrongly_exited", "missed", "approves")
SPEC = SheetSpec(
    "调查结果",
    (
        Field("household_number", "户编号"),
        Field("village", "村", required=False),
        Field("stratum", "层", required=False),
        Field("head", "户主姓名", required=False),
        Field("members", "登记人数", required=False),
        Field("people", "调查人数", ("实际人数",), required=False),
        Field("wrongly_exited", "是否错退", ("错退",)),
        Field("missed", "是否漏评", ("漏评",)),
        Field("approves", "是否认可", ("认可",)),
        Field("surveyor", "调查员", required=False),
        Field("surveyed_on", "调查日期", required=False),
    ),
)


@dataclass(frozen=True, slots=True)
class Answers:
    wrongly_exited: bool | None
    missed: bool | None
    approves: bool | None
    people: int | None
    surveyor: str | None
    surveyed_on: date | None


def record_answers(
    *, session: Session, actor: Actor, sample: Sample, household_id: int, answers: Answers
) -> SampleHousehold:
    """One household's result (the form), checked like one sheet row, audited with its before/after."""
    unit = session.scalars(
        select(SampleHousehold).where(
            SampleHousehold.sample_id == sample.id, SampleHousehold.household_id == household_id
        )
    ).first()
    if unit is None:
        raise FupinError(
            Problem("not-in-sample", "该户不在本次抽样中", Location(field="household_id"), str(household_id))
        )
    problems = _form_problems(unit.stratum, answers)
    if problems:
        raise FupinError(*problems)
    changeset = open_changeset(session=session, actor=actor, purpose="抽样调查结果", source=f"抽样 #{sample.id}")
    _store(session, changeset, unit, answers)
    return unit


def _form_problems(stratum: str, answers: Answers) -> list[Problem]:
    found = []
    if stratum != EXITED and answers.wrongly_exited is not None:
        found.append(Problem("answer-not-applicable", "只有已脱贫户填写是否错退", Location(field="wrongly_exited"),
                             YES if answers.wrongly_exited else NO, "留空"))  # fmt: skip
    if stratum != NON_REGISTERED and answers.missed is not None:
        found.append(Problem("answer-not-applicable", "只有非建档立卡户填写是否漏评", Location(field="missed"),
                             YES if answers.missed else NO, "留空"))  # fmt: skip
    if answers.people is not None and not 0 <= answers.people <= 99:
        found.append(Problem("people-invalid", "调查人数超出范围", Location(field="people"), str(answers.people),
                             "0到99之间的整数"))  # fmt: skip
    return found


def _store(session: Session, changeset: Changeset, unit: SampleHousehold, answers: Answers) -> None:
    fields = ("wrongly_exited", "missed", "approves", "people", "surveyor", "surveyed_on")
    before = {name: getattr(unit, name) for name in fields}
    after = {name: getattr(answers, name) for name in fields}
    if before == after:
        return
    session.execute(
        update(SampleHousehold).where(SampleHousehold.id == unit.id).values(**after, updated_changeset_id=changeset.id)
    )
    session.refresh(unit)
    record(session=session, changeset=changeset, entity="sample_household", entity_id=unit.id, action="update",
           before=before, after=after, household_id=unit.household_id)  # fmt: skip


def survey_table(session: Session, sample: Sample) -> pa.Table:
    """The sampled households as the field team's sheet: who to visit, and blank answer columns to fill."""
    head = (
        select(Member.name)
        .where(Member.household_id == Household.id, Member.relation == "户主", Member.deleted_at.is_(None))
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Household.household_number, SampleHousehold.division_code, SampleHousehold.stratum, head,
            SampleHousehold.members, SampleHousehold.people, SampleHousehold.wrongly_exited, SampleHousehold.missed,
            SampleHousehold.approves, SampleHousehold.surveyor, SampleHousehold.surveyed_on,
        )
        .join(Household, Household.id == SampleHousehold.household_id)
        .where(SampleHousehold.sample_id == sample.id)
        .order_by(SampleHousehold.division_code, Household.household_number)
    ).all()  # fmt: skip
    names = divisions.names(session=session, codes=sorted({row[1] for row in rows}))
    columns: dict[str, list[Any]] = {field.header: [] for field in SPEC.fields}
    for row in rows:
        values = [row[0], names.get(row[1], row[1]), STRATUM_LABELS[row[2]], row[3], row[4], row[5],
                  *(_yes_no(v) for v in row[6:9]), row[9], row[10]]  # fmt: skip
        for header, value in zip(columns, values, strict=True):
            columns[header].append(None if value is None else str(value))
    return pa.table({header: pa.array(values, type=pa.string()) for header, values in columns.items()})


def export_sheet(*, session: Session, sample: Sample, path: Path) -> Path:
    return write_text_workbook(path, [(SPEC.title, survey_table(session, sample))])


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


@dataclass(slots=True)
class UploadResult:
    read: int = 0
    stored: int = 0
    blank: int = 0
    problems: list[Problem] | None = None
    rejected_rows: int = 0


def import_results(
    *, session: Session, actor: Actor, sample: Sample, path: Path, error_path: Path | None = None
) -> UploadResult:
    """The filled sheet: rows with a problem go to the error workbook, the rest are stored (audited)."""
    with workspace() as duck:
        staged = sheet_import.stage(duck, path, SPEC)
        register(duck, "sampled", _sampled(session, sample))
        _check(duck)
        found = sheet_import.problems(duck, SPEC, staged.sheet.name)
        result = UploadResult(read=staged.sheet.table.num_rows, problems=found)
        if found and error_path is not None:
            rows = sheet_import.rejected(duck, staged, found)
            result.rejected_rows = rows.num_rows
            sheet_import.write_rejections(error_path, staged, rows, found)
        good = to_arrow(
            duck,
            "SELECT household_id, wrongly_exited_value, missed_value, approves_value, people_value, surveyor, "
            "date_value FROM checked WHERE _row NOT IN (SELECT _row FROM problems)",
        ).to_pylist()
    result.rejected_rows = result.rejected_rows or len({p.location.row for p in found})
    units = {
        unit.household_id: unit
        for unit in session.scalars(select(SampleHousehold).where(SampleHousehold.sample_id == sample.id))
    }
    changeset = open_changeset(session=session, actor=actor, purpose="抽样调查结果", source=path.name)
    for row in good:
        answers = Answers(row["wrongly_exited_value"], row["missed_value"], row["approves_value"],
                          row["people_value"], row["surveyor"], row["date_value"])  # fmt: skip
        if all(getattr(answers, name) is None for name in ANSWERS):
            result.blank += 1
            continue
        _store(session, changeset, units[row["household_id"]], answers)
        result.stored += 1
    return result


def _sampled(session: Session, sample: Sample) -> pa.Table:
    rows = session.execute(
        select(Household.household_number, SampleHousehold.household_id, SampleHousehold.stratum)
        .join(Household, Household.id == SampleHousehold.household_id)
        .where(SampleHousehold.sample_id == sample.id)
    ).all()
    return pa.table(
        {
            "household_number": pa.array([row[0] for row in rows], type=pa.string()),
            "household_id": pa.array([row[1] for row in rows], type=pa.int64()),
            "stratum": pa.array([row[2] for row in rows], type=pa.string()),
        }
    )


def _yes_no_sql(column: str) -> str:
    yes, no = "('是', 'Y', 'y', '1')", "('否', 'N', 'n', '0')"
    return f"CASE WHEN r.{column} IN {yes} THEN TRUE WHEN r.{column} IN {no} THEN FALSE END"


def _check(duck: Any) -> None:
    answers = ", ".join(f"{_yes_no_sql(name)} AS {name}_value" for name in ANSWERS)
    duck.execute(
        f"CREATE OR REPLACE TABLE checked AS SELECT r.*, s.household_id, s.stratum AS sampled_stratum, {answers}, "
        "TRY_CAST(r.people AS INTEGER) AS people_value, "
        "coalesce(TRY_CAST(r.surveyed_on AS DATE), TRY_STRPTIME(r.surveyed_on, '%Y%m%d')::DATE, "
        "TRY_STRPTIME(r.surveyed_on, '%Y/%m/%d')::DATE, TRY_STRPTIME(r.surveyed_on, '%Y年%m月%d日')::DATE) "
        "AS date_value, count(*) OVER (PARTITION BY r.household_number) AS copies "
        "FROM raw r LEFT JOIN sampled s ON s.household_number = r.household_number"
    )
    yes_no = "是 或 否（未调查的户三项都留空）"
    checks = [
        ("household_number", "not-in-sample", "该户不在本次抽样中", "导出的调查表中的户编号",
         "household_id IS NULL"),
        ("household_number", "duplicate-row", "同一户在表中出现多次", "每户一行",
         "household_id IS NOT NULL AND copies > 1"),
        *((name, "yes-no-invalid", "只能填是或否", yes_no,
           f"{name} IS NOT NULL AND {name}_value IS NULL") for name in ANSWERS),
        ("wrongly_exited", "answer-not-applicable", "只有已脱贫户填写是否错退", "留空",
         f"wrongly_exited IS NOT NULL AND sampled_stratum <> '{EXITED}'"),
        ("missed", "answer-not-applicable", "只有非建档立卡户填写是否漏评", "留空",
         f"missed IS NOT NULL AND sampled_stratum <> '{NON_REGISTERED}'"),
        ("approves", "answer-missing", "已调查的户须填写是否认可", yes_no,
         "approves IS NULL AND (wrongly_exited IS NOT NULL OR missed IS NOT NULL)"),
        ("people", "people-invalid", "调查人数不是0到99之间的整数", "0到99之间的整数，或留空（按登记人数）",
         "people IS NOT NULL AND (people_value IS NULL OR people_value NOT BETWEEN 0 AND 99)"),
        ("surveyed_on", "date-invalid", "调查日期无法识别", "日期，如 2020-06-15",
         "surveyed_on IS NOT NULL AND date_value IS NULL"),
    ]  # fmt: skip
    for field, slug, message, expected, where in checks:
        sheet_import.flag(duck, field=field, slug=slug, message=message, expected=expected, where=where)


@dataclass(frozen=True, slots=True)
class Estimates:
    sampled: int
    surveyed: int
    wrong_exit: Estimate | None
    missed: Estimate | None
    approval: Estimate | None
    survey: Survey | None  # weighted totals for the county check; None until a household is surveyed


def estimates(*, session: Session, sample: Sample) -> Estimates:
    """The three rates with intervals at the sample's confidence, weighting every household by 1/π."""
    drawn = drawn_units(session, sample.id)
    results = {
        unit.household_id: unit
        for unit in session.scalars(
            select(SampleHousehold).where(SampleHousehold.sample_id == sample.id, SampleHousehold.approves.isnot(None))
        )
    }
    people = {hid: float(unit.people if unit.people is not None else unit.members) for hid, unit in results.items()}
    surveyed = [d for d in drawn if d.household in results]
    exited = {d.household: people[d.household] for d in surveyed if d.stratum == EXITED}
    outside = {d.household: people[d.household] for d in surveyed if d.stratum == NON_REGISTERED}
    wrong = {hid: n for hid, n in exited.items() if results[hid].wrongly_exited}
    missed = {hid: n for hid, n in outside.items() if results[hid].missed}
    approving = {hid: 1.0 for hid, unit in results.items() if unit.approves}
    every = dict.fromkeys(results, 1.0)
    level = sample.confidence
    weights = {d.household: d.weight for d in surveyed}

    def total(values: dict[int, float]) -> float:
        return sum(weights[hid] * value for hid, value in values.items())

    survey = (
        Survey(total(exited), total(wrong), total(outside), total(missed), total(every), total(approving))
        if surveyed
        else None
    )
    return Estimates(
        sampled=len(drawn),
        surveyed=len(surveyed),
        wrong_exit=estimate_rate(surveyed, found=wrong, eligible=exited, confidence=level),
        missed=estimate_rate(surveyed, found=missed, eligible=outside, confidence=level),
        approval=estimate_rate(surveyed, found=approving, eligible=every, confidence=level),
        survey=survey,
    )


def latest_sample(*, session: Session, county_code: str, year: int | None) -> Sample | None:
    """The county's newest sample of the year (of any year when none is given)."""
    statement = select(Sample).where(Sample.county_code == county_code)
    if year is not None:
        statement = statement.where(Sample.year == year)
    return session.scalars(statement.order_by(Sample.id.desc()).limit(1)).first()
