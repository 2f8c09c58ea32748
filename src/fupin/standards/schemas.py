"""The standard as the API and the pages show it, and the bodies of an administrator's edits."""

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from fupin.audit import Changeset
from fupin.standards import editing, service
from fupin.standards.models import StandardSet
from fupin.types import UtcDateTime

ParameterValue = bool | int | float | str
Year = Field(ge=2000, le=2100, description="年度")
Province = Field(pattern=r"^[0-9]{2}$", description="省级区划代码前两位；00 为全国默认")
Amount = Field(default=None, ge=0, le=1_000_000, description="元/人·年")
Proportion = Field(default=None, ge=0, le=1, description="比例，0.02 即 2%")
Note = Field(default=None, max_length=500, description="来源或说明")


class _FromRow(BaseModel):
    @classmethod
    def of(cls, row: object) -> Self:
        return cls.model_validate(row, from_attributes=True)


class PovertyLineOut(_FromRow):
    year: int
    province_code: str = Field(description="00 为全国默认")
    identification_line: float = Field(description="识别标准（元/人·年）")
    exit_line: float = Field(description="退出标准（元/人·年）")
    confirmed: bool = Field(description="是否已核实；false 显示为「未核实」")
    source: str | None


class MonitoringRangeOut(_FromRow):
    year: int
    province_code: str
    income_ceiling: float = Field(description="人均纯收入低于此值的户纳入监测范围")
    confirmed: bool
    source: str | None


class IndicatorOut(_FromRow):
    code: str
    name: str
    dimension: str
    definition: str
    rule: str = Field(description="规则（安全表达式，:参数 取自 parameters 和当年收入线）")
    parameters: dict[str, ParameterValue]
    weight: float = Field(description="多维贫困（MPI）中的权重")
    required_for_exit: bool = Field(description="退出时是否必须达到")
    position: int


class ChangeOut(BaseModel):
    entity: str = Field(description="poverty_line、monitoring_range、indicator 或 exit")
    key: str = Field(description="年度/省份、指标代码或 exit")
    label: str
    before: dict[str, Any]
    after: dict[str, Any]

    def rows(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) per changed value; an indicator's parameters one by one."""
        found = []
        for name, new in self.after.items():
            old = self.before.get(name)
            if isinstance(new, dict):
                old_values = old if isinstance(old, dict) else {}
                found += [
                    (key, old_values.get(key), value) for key, value in new.items() if old_values.get(key) != value
                ]
            else:
                found.append((name, old, new))
        return found


class VersionOut(BaseModel):
    id: int
    name: str
    version: int
    is_current: bool
    source: str | None = Field(description="来源：载入的文件名，或页面修改的内容")
    note: str | None
    created_at: UtcDateTime
    created_by: str = Field(description="创建该版本的用户")
    channel: str = Field(description="cli、web 或 api")
    changes: list[ChangeOut] = Field(description="该版本相对上一版本的修改（载入文件时为空）")

    @classmethod
    def of(cls, session: Session, standard: StandardSet, changeset: Changeset) -> "VersionOut":
        return cls(**_version_fields(session, standard, changeset))


class StandardOut(VersionOut):
    exit_criteria: dict[str, Any]
    poverty_lines: list[PovertyLineOut]
    monitoring_ranges: list[MonitoringRangeOut]
    indicators: list[IndicatorOut]

    @classmethod
    def of(cls, session: Session, standard: StandardSet, changeset: Changeset) -> "StandardOut":
        criteria = service.exit_criteria(standard)
        return cls(
            **_version_fields(session, standard, changeset),
            exit_criteria={name: getattr(criteria, name) for name in editing.EXIT_FIELDS},
            poverty_lines=[PovertyLineOut.of(row) for row in service.poverty_lines(session=session, standard=standard)],
            monitoring_ranges=[
                MonitoringRangeOut.of(row) for row in service.monitoring_ranges(session=session, standard=standard)
            ],
            indicators=[IndicatorOut.of(row) for row in service.indicators(session=session, standard=standard)],
        )


def _version_fields(session: Session, standard: StandardSet, changeset: Changeset) -> dict[str, Any]:
    return {
        "id": standard.id,
        "name": standard.name,
        "version": standard.version,
        "is_current": standard.is_current,
        "source": standard.source,
        "note": standard.note,
        "created_at": standard.created_at,
        "created_by": changeset.actor,
        "channel": changeset.channel,
        "changes": [
            ChangeOut(entity=c.entity, key=c.key, label=c.label, before=c.before, after=c.after)
            for c in editing.changes(session=session, standard=standard)
        ],
    }


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, exclude={"year", "province_code", "code"})


class PovertyLineEdit(_Edit):
    year: int = Year
    province_code: str = Province
    identification_line: float | None = Amount
    exit_line: float | None = Amount
    confirmed: bool | None = None
    source: str | None = Note


class MonitoringRangeEdit(_Edit):
    year: int = Year
    province_code: str = Province
    income_ceiling: float | None = Amount
    confirmed: bool | None = None
    source: str | None = Note


class IndicatorEdit(_Edit):
    code: str = Field(min_length=1, max_length=40, description="指标代码，如 drinking_water")
    parameters: dict[str, ParameterValue] | None = Field(default=None, description="只改指标已有的参数，保持其类型")
    weight: float | None = Proportion
    required_for_exit: bool | None = None


class ExitCriteriaEdit(_Edit):
    incidence_max: float | None = Proportion
    incidence_max_west: float | None = Proportion
    wrong_exit_max: float | None = Proportion
    missed_max: float | None = Proportion
    approval_min: float | None = Proportion
