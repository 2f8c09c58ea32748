"""Runs, their counts, and a household's verdicts and explanation as the API and the pages show them."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from fupin.assessment.runs import HouseholdVerdict, RunCounts, RunRow
from fupin.assessment.service import Explained
from fupin.standards.catalogue import lookup
from fupin.types import UtcDateTime

RUN_FIELDS = ("id", "year", "scope_prefix", "as_of", "standard_set_id", "status", "started_at", "finished_at")
VERDICT_FIELDS = ("meets_exit", "per_capita_net_income", "exit_line", "members")
RESULT_LABELS = {"met": "达到", "not_met": "未达到", "unknown": "无法判断（缺少数据）"}


class AssessmentStart(BaseModel):
    year: int = Field(ge=2000, le=2100, description="评估年度（收入取该年度，年龄按该年12月31日计）")
    division: str = Field(
        default="", max_length=12, pattern=r"^[0-9]*$", description="区划代码或前缀；空为本人的整个数据范围"
    )


class RunOut(BaseModel):
    id: int
    year: int
    scope_prefix: str = Field(description="评估范围（区划代码前缀，空为全国）")
    as_of: date
    standard_set_id: int
    standard_name: str
    standard_version: int
    status: str = Field(description="running 或 done")
    households: int | None = Field(description="评估户数（仅当您的数据范围覆盖整个评估范围时）")
    meeting: int | None = Field(description="达到退出标准的户数（同上）")
    started_by: str
    started_at: UtcDateTime
    finished_at: UtcDateTime | None

    @classmethod
    def of(cls, row: RunRow, *, whole: bool) -> "RunOut":
        run = row.run
        return cls(
            **{name: getattr(run, name) for name in RUN_FIELDS},
            standard_name=row.standard.name,
            standard_version=row.standard.version,
            households=run.households if whole else None,
            meeting=run.meeting if whole else None,
            started_by=row.changeset.actor,
        )


class IndicatorCountOut(BaseModel):
    code: str
    name: str
    required_for_exit: bool
    failed: int = Field(description="未达到该指标的户数")
    unknown: int = Field(description="因缺少数据无法判断的户数")


class RunDetailOut(RunOut):
    households_in_scope: int = Field(description="您数据范围内被评估的户数")
    meeting_in_scope: int
    not_meeting_in_scope: int
    indicators: list[IndicatorCountOut]

    @classmethod
    def with_counts(cls, row: RunRow, counts: RunCounts, *, whole: bool) -> "RunDetailOut":
        return cls(
            **RunOut.of(row, whole=whole).model_dump(),
            households_in_scope=counts.households,
            meeting_in_scope=counts.meeting,
            not_meeting_in_scope=counts.not_meeting,
            indicators=[IndicatorCountOut.model_validate(item, from_attributes=True) for item in counts.indicators],
        )


class VerdictOut(BaseModel):
    run_id: int
    year: int
    standard_set_id: int
    standard_version: int
    meets_exit: bool
    per_capita_net_income: float | None
    exit_line: float
    members: int
    failed: list[str] = Field(description="未达到的指标代码")
    unknown: list[str] = Field(description="无法判断的指标代码")
    assessed_at: UtcDateTime

    @classmethod
    def of(cls, found: HouseholdVerdict) -> "VerdictOut":
        return cls(
            **{name: getattr(found.verdict, name) for name in VERDICT_FIELDS},
            run_id=found.run.id,
            year=found.run.year,
            standard_set_id=found.standard.id,
            standard_version=found.standard.version,
            failed=found.failed,
            unknown=found.unknown,
            assessed_at=found.run.started_at,
        )


class InputOut(BaseModel):
    name: str
    label: str
    value: Any


class ExplainedOut(BaseModel):
    code: str
    name: str
    result: Literal["met", "not_met", "unknown"]
    result_label: str
    rule: str
    inputs: list[InputOut] = Field(description="决定结论的户级和收入数据")
    matching_members: dict[str, int] = Field(description="成员条件 → 符合条件的成员人数")

    @classmethod
    def of(cls, explained: Explained) -> "ExplainedOut":
        outcome = explained.outcome
        result = "unknown" if outcome.value is None else ("met" if outcome.value else "not_met")
        return cls(
            code=explained.indicator.code,
            name=explained.indicator.name,
            result=result,
            result_label=RESULT_LABELS[result],
            rule=explained.indicator.rule,
            inputs=[InputOut(name=name, label=_label(name), value=value) for name, value in outcome.inputs.items()],
            matching_members={text: len(positions) for text, positions in outcome.members.items()},
        )


def _label(name: str) -> str:
    found = lookup(name, inside_member=False)
    return found.label if found is not None else name


class HouseholdAssessmentOut(BaseModel):
    household_id: int
    verdicts: list[VerdictOut] = Field(description="历次评估结论（新的在前），各自注明所用标准版本")
    explanation_year: int | None = Field(description="现场解释所用的年度")
    explanation: list[ExplainedOut] = Field(description="按当前标准逐项解释（与批量评估同一规则）")
    explanation_problem: str | None = Field(description="无法解释时的原因（如尚未载入标准、缺少该年收入线）")

    def names(self) -> dict[str, str]:
        """Indicator names by code, as the current standard calls them."""
        return {item.code: item.name for item in self.explanation}
