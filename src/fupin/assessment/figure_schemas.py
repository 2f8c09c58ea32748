"""JSON shapes of the verdict roll-ups, shared by the API and the pages' chart data."""

from pydantic import BaseModel, Field

from fupin.analytics.dashboard import Unit
from fupin.analytics.schemas import UnitOut
from fupin.assessment.figures import IndicatorCount, UnitVerdicts, VerdictFigures
from fupin.types import UtcDateTime


class IndicatorCountOut(BaseModel):
    code: str = Field(description="指标代码")
    name: str = Field(description="指标名称（取自所用评估标准）")
    failed: int = Field(description="未达标户数")
    unknown: int = Field(description="信息不全、无法判定的户数")
    failed_members: int = Field(description="未达标户的人数")
    censored_headcount: float = Field(description="删减后剥夺发生率：多维贫困且在该指标被剥夺的人数 ÷ 总人数")
    contribution: float = Field(description="该指标对多维贫困指数 M0 的贡献率（各指标之和为1）")

    @classmethod
    def of(cls, count: IndicatorCount, figures: VerdictFigures) -> "IndicatorCountOut":
        index = figures.mpi()
        return cls(
            code=count.code,
            name=count.name,
            failed=count.failed,
            unknown=count.unknown,
            failed_members=count.failed_members,
            censored_headcount=index.censored_headcounts.get(count.code, 0.0),
            contribution=index.contributions.get(count.code, 0.0),
        )


class MpiOut(BaseModel):
    cutoff: float = Field(description="贫困临界值 k：剥夺得分达到 k 即为多维贫困")
    population: int = Field(description="人数 n")
    poor: int = Field(description="多维贫困人数 q")
    headcount: float = Field(description="多维贫困发生率 H = q/n")
    intensity: float = Field(description="平均剥夺强度 A：多维贫困人口的平均剥夺得分")
    adjusted_headcount: float = Field(description="多维贫困指数 M0 = H × A")


class VerdictFiguresOut(BaseModel):
    year: int = Field(description="评估年度")
    households: int = Field(description="已评估户数")
    members: int = Field(description="已评估人数")
    meeting_households: int = Field(description="达到退出标准的户数")
    meeting_members: int = Field(description="达到退出标准的人数")
    failing_households: int = Field(description="有必需指标未达标的户数")
    failing_members: int = Field(description="有必需指标未达标的人数")
    undecided_households: int = Field(description="无未达标、但有必需指标信息不全的户数（待定）")
    undecided_members: int = Field(description="待定户的人数")
    villages: int = Field(description="参与汇总的村数")
    run_id: int = Field(description="参与汇总的各村最近一次评估中最新的评估编号")
    refreshed_at: UtcDateTime | None = Field(description="汇总时间")
    mpi: MpiOut
    indicators: list[IndicatorCountOut] = Field(description="各指标的未达标与信息不全户数，按未达标户数从多到少")

    @classmethod
    def of(cls, figures: VerdictFigures) -> "VerdictFiguresOut":
        index = figures.mpi()
        ranked = sorted(figures.indicators, key=lambda i: (-i.failed, i.code))
        return cls(
            year=figures.year,
            **{name: figures[name] for name in figures.counts if name != "poor_members"},
            villages=figures.villages,
            run_id=figures.run_id,
            refreshed_at=figures.refreshed_at,
            mpi=MpiOut(
                cutoff=figures.mpi_cutoff,
                population=figures["members"],
                poor=figures["poor_members"],
                headcount=index.headcount,
                intensity=index.intensity,
                adjusted_headcount=index.adjusted_headcount,
            ),
            indicators=[IndicatorCountOut.of(count, figures) for count in ranked],
        )


class ChildVerdictsOut(BaseModel):
    unit: UnitOut
    figures: VerdictFiguresOut | None = Field(description="该年度的评估汇总；没有评估结果时为空")


class UnitVerdictsOut(BaseModel):
    unit: UnitOut
    year: int | None = Field(description="评估年度（未指定时为最近有结果的年度；没有任何结果时为空）")
    years: list[int] = Field(description="有评估结果的年度，从新到旧")
    figures: VerdictFiguresOut | None = Field(description="本单位的评估汇总（按各村最近一次评估）")
    children: list[ChildVerdictsOut] = Field(description="直接下级单位的评估汇总")

    @classmethod
    def of(cls, unit: Unit, children: list[Unit], verdicts: UnitVerdicts) -> "UnitVerdictsOut":
        return cls(
            unit=UnitOut.of(unit),
            year=verdicts.year,
            years=verdicts.years,
            figures=VerdictFiguresOut.of(verdicts.totals) if verdicts.totals else None,
            children=[
                ChildVerdictsOut(unit=UnitOut.of(child), figures=_maybe(verdicts.children.get(child.code)))
                for child in children
            ],
        )


def _maybe(figures: VerdictFigures | None) -> VerdictFiguresOut | None:
    return VerdictFiguresOut.of(figures) if figures else None
