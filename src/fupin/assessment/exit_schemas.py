"""Exit readiness, rural population and the assessment sample as the API shows them."""

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field

from fupin.assessment.exit_models import Sample, SampleHousehold
from fupin.assessment.population import PopulationResult
from fupin.assessment.readiness import Readiness, VillageLine
from fupin.assessment.sample import STRATUM_LABELS
from fupin.assessment.sampling import Estimate
from fupin.assessment.survey import Estimates, UploadResult
from fupin.errors import Problem
from fupin.types import UtcDateTime

Probability = Annotated[float, Field(gt=0, lt=1)]


class FromAttributes(BaseModel):
    """A response read from a domain object (dataclass or row) whose attributes carry the same names."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, source: object) -> Self:
        return cls.model_validate(source)


class CheckOut(FromAttributes):
    name: str = Field(description="指标：贫困发生率、综合贫困发生率、错退率、漏评率、群众认可度")
    value: float | None = Field(description="比例（0.02 即 2%）；无法计算时为 null")
    limit: float = Field(description="标准：发生率、错退率、漏评率须低于此值，认可度须不低于此值")
    passed: bool | None = Field(description="是否达标；null 表示无法判断（无农村人口或无抽样结果）")
    note: str = Field(description="无法判断的原因")


class EstimateOut(FromAttributes):
    rate: float
    low: float = Field(description="置信区间下限")
    high: float = Field(description="置信区间上限")
    standard_error: float
    households: int = Field(description="参与估计的户数")

    @classmethod
    def maybe(cls, estimate: Estimate | None) -> "EstimateOut | None":
        return None if estimate is None else cls.of(estimate)


class EstimatesOut(BaseModel):
    sampled: int = Field(description="样本户数")
    surveyed: int = Field(description="已调查户数")
    wrong_exit: EstimateOut | None = Field(description="错退率（按人，加权）")
    missed: EstimateOut | None = Field(description="漏评率（按人，加权）")
    approval: EstimateOut | None = Field(description="群众认可度（按户，加权）")

    @classmethod
    def of(cls, found: Estimates) -> "EstimatesOut":
        return cls(
            sampled=found.sampled,
            surveyed=found.surveyed,
            wrong_exit=EstimateOut.maybe(found.wrong_exit),
            missed=EstimateOut.maybe(found.missed),
            approval=EstimateOut.maybe(found.approval),
        )


class BlockingOut(FromAttributes):
    household_id: int
    household_number: str
    division_code: str
    village: str
    poverty_status: str | None
    members: int
    per_capita_net_income: float | None
    exit_line: float | None
    reasons: list[str] = Field(description="阻碍退出的原因")


class VillageOut(BaseModel):
    code: str
    name: str
    poor_people: int
    rural_population: int | None
    incidence: CheckOut

    @classmethod
    def of(cls, line: VillageLine) -> "VillageOut":
        return cls(code=line.code, name=line.name, poor_people=line.figures.poor_people,
                   rural_population=line.rural_population, incidence=CheckOut.of(line.check))  # fmt: skip


class ReadinessOut(BaseModel):
    code: str
    name: str
    level: int = Field(description="3 县、5 村")
    year: int | None = Field(description="评估年度（最近一次评估的年度，或查询指定的年度）")
    run_id: int | None = Field(description="所用评估批次；null 表示尚未评估")
    households: int
    people: int
    poor_households: int = Field(description="剩余建档立卡贫困户（未脱贫、返贫、新识别）")
    poor_people: int
    exited_households: int
    exited_people: int
    rural_population: int | None = Field(description="农村人口；null 表示未知（有村缺少数据）")
    villages_missing_population: int
    ready: bool | None = Field(description="是否达到退出条件；null 表示尚不能判断")
    checks: list[CheckOut]
    sample_id: int | None
    estimates: EstimatesOut | None
    blocking_total: int
    page: int
    page_size: int
    blocking: list[BlockingOut]
    villages: list[VillageOut] = Field(description="县：各村的剩余贫困人口、农村人口和贫困发生率；村为空")

    @classmethod
    def of(cls, found: Readiness) -> "ReadinessOut":
        figures, population = found.figures, found.population
        return cls(
            code=found.unit.code, name=found.unit.name, level=found.unit.level, year=found.year,
            run_id=found.run.id if found.run else None, households=figures.households, people=figures.people,
            poor_households=figures.poor_households, poor_people=figures.poor_people,
            exited_households=figures.exited_households, exited_people=figures.exited_people,
            rural_population=population.population if population else None,
            villages_missing_population=population.villages_missing if population else 0,
            ready=found.exit.ready, checks=[CheckOut.of(c) for c in found.exit.checks],
            sample_id=found.sample.id if found.sample else None,
            estimates=EstimatesOut.of(found.estimates) if found.estimates else None,
            blocking_total=found.blocking_total, page=found.page, page_size=found.page_size,
            blocking=[BlockingOut.of(row) for row in found.blocking],
            villages=[VillageOut.of(line) for line in found.villages],
        )  # fmt: skip


class PopulationOut(FromAttributes):
    division_code: str
    year: int
    rural_population: int
    source: str | None
    updated_at: UtcDateTime


class ProblemOut(BaseModel):
    row: int | None
    field: str | None
    slug: str
    message: str


class UploadOut(BaseModel):
    read: int
    stored: int
    blank: int = Field(description="三项都留空（尚未调查）的行")
    rejected: int
    problems: list[ProblemOut]

    @classmethod
    def of(cls, result: UploadResult) -> "UploadOut":
        problems = result.problems or []
        rejected = result.rejected_rows or len({p.location.row for p in problems})
        return cls(read=result.read, stored=result.stored, blank=result.blank, rejected=rejected,
                   problems=problems_out(problems))  # fmt: skip


class DrawIn(BaseModel):
    county_code: str = Field(description="县的12位区划代码", max_length=12)
    year: int = Field(ge=2000, le=2100, description="评估年度")
    seed: int = Field(ge=0, le=2**31 - 1, description="随机种子（相同种子、参数和登记数据得到相同样本）")
    margin: Probability = Field(0.05, description="允许误差（如 0.05）")
    confidence: Probability = Field(0.95, description="置信度（如 0.95）")
    villages: int = Field(30, ge=1, le=1000, description="抽取的村数")


class SampleOut(BaseModel):
    id: int
    county_code: str
    year: int
    seed: int
    margin: float
    confidence: float
    expected_rate: float
    design_effect: float
    villages_wanted: int
    design: str
    note: str | None
    created_by: str
    created_at: UtcDateTime

    @classmethod
    def of(cls, sample: Sample) -> "SampleOut":
        return cls.model_validate(sample, from_attributes=True)


class SampledOut(BaseModel):
    household_id: int
    division_code: str
    stratum: str = Field(description="exited 已脱贫户；non_registered 非建档立卡户")
    stratum_label: str
    village_probability: float
    household_probability: float
    members: int
    wrongly_exited: bool | None
    missed: bool | None
    approves: bool | None
    people: int | None
    surveyor: str | None
    surveyed_on: date | None

    @classmethod
    def of(cls, unit: SampleHousehold) -> "SampledOut":
        return cls.model_validate(
            {**{k: getattr(unit, k) for k in cls.model_fields if hasattr(unit, k)},
             "stratum_label": STRATUM_LABELS[unit.stratum]}
        )  # fmt: skip


class SampleDetailOut(BaseModel):
    sample: SampleOut
    estimates: EstimatesOut
    households: list[SampledOut]


class AnswersIn(BaseModel):
    wrongly_exited: bool | None = Field(None, description="是否错退（只适用于已脱贫户）")
    missed: bool | None = Field(None, description="是否漏评（只适用于非建档立卡户）")
    approves: bool | None = Field(None, description="是否认可")
    people: int | None = Field(None, ge=0, le=99, description="调查时的人数；空则按登记人数")
    surveyor: str | None = Field(None, max_length=50)
    surveyed_on: date | None = None


def problems_out(problems: list[Problem]) -> list[ProblemOut]:
    return [ProblemOut(row=p.location.row, field=p.location.field, slug=p.slug, message=p.text()) for p in problems]


class PopulationImportOut(BaseModel):
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int = Field(description="被拒绝的行数（原因见 problems）")
    problems: list[ProblemOut]

    @classmethod
    def of(cls, result: PopulationResult) -> "PopulationImportOut":
        rejected = len({p.location.row for p in result.problems})
        return cls(read=result.read, inserted=result.inserted, updated=result.updated, unchanged=result.unchanged,
                   rejected=rejected, problems=problems_out(result.problems))  # fmt: skip
