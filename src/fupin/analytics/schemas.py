"""JSON shapes of the figures, shared by the API and the pages' chart data."""

from pydantic import BaseModel, Field

from fupin.analytics.dashboard import Dashboard, Unit, UnitFigures
from fupin.analytics.measures import GROUP_LABELS, MEASURES
from fupin.analytics.rollup import Figures, MonthFigures
from fupin.divisions.codes import LEVEL_NAMES
from fupin.types import UtcDateTime

LEVEL_LABELS = {0: "全国", **LEVEL_NAMES}


class MeasureOut(BaseModel):
    name: str = Field(description="指标代码，即 figures 中的键")
    label: str = Field(description="中文名称")
    group: str = Field(
        description="分组：total 总量、poverty_status、main_cause、household_type、monitoring、guarantee"
    )
    group_label: str = Field(description="分组的中文名称")


class UnitOut(BaseModel):
    code: str = Field(description="12位统计用区划代码；全国为 000000000000")
    name: str = Field(description="单位名称")
    level: int = Field(description="级别：0 全国、1 省、2 市、3 县、4 乡、5 村")
    level_label: str = Field(description="级别的中文名称")

    @classmethod
    def of(cls, unit: Unit) -> "UnitOut":
        return cls(code=unit.code, name=unit.name, level=unit.level, level_label=LEVEL_LABELS[unit.level])


class FiguresOut(BaseModel):
    figures: dict[str, int] = Field(description="各项指标的数值，键见 measures（户数、人数、按状态、按主要致贫原因…）")
    villages: int = Field(description="有建档立卡户的村数（参与汇总的村级记录数）")
    as_of: UtcDateTime | None = Field(description="参与汇总的村级记录中最早的计算时间（数据截至）")

    @classmethod
    def of(cls, figures: Figures) -> "FiguresOut":
        return cls(figures=figures.values, villages=figures.villages, as_of=figures.as_of)


class ChildOut(BaseModel):
    unit: UnitOut
    figures: FiguresOut
    below: list["ChildOut"] = Field(default_factory=list, description="再下一级单位（用于矩形树图）")

    @classmethod
    def of(cls, child: UnitFigures) -> "ChildOut":
        return cls(
            unit=UnitOut.of(child.unit), figures=FiguresOut.of(child.figures), below=[cls.of(b) for b in child.below]
        )


class MonthOut(BaseModel):
    month: str = Field(description="月份 YYYY-MM")
    figures: dict[str, int] = Field(description="该月末的户数、人数、贫困人口、各状态户数和监测户数")

    @classmethod
    def of(cls, month: MonthFigures) -> "MonthOut":
        return cls(month=month.month, figures=month.values)


class DivisionOut(BaseModel):
    unit: UnitOut
    parents: list[UnitOut] = Field(description="数据范围之内的上级单位，自上而下")
    children: list[ChildOut] = Field(description="直接下级单位及其户数、人数和状态户数")


class StatsOut(BaseModel):
    unit: UnitOut
    parents: list[UnitOut] = Field(description="数据范围之内的上级单位，自上而下")
    totals: FiguresOut = Field(description="本单位的汇总数（由各村汇总表按代码前缀求和）")
    children: list[ChildOut] = Field(description="下级单位的汇总数（柱状图），每个带再下一级（矩形树图）")
    trend: list[MonthOut] = Field(description="按月趋势，最近36个月；某月没有变化则沿用上月")
    measures: list[MeasureOut] = Field(description="指标的中文名称和分组")

    @classmethod
    def of(cls, board: Dashboard) -> "StatsOut":
        return cls(
            unit=UnitOut.of(board.unit),
            parents=[UnitOut.of(u) for u in board.chain],
            totals=FiguresOut.of(board.totals),
            children=[ChildOut.of(c) for c in board.children],
            trend=[MonthOut.of(m) for m in board.trend],
            measures=measures(),
        )


def measures() -> list[MeasureOut]:
    return [MeasureOut(name=m.name, label=m.label, group=m.group, group_label=GROUP_LABELS[m.group]) for m in MEASURES]
