"""The exit-readiness report as a workbook: a summary sheet and the blocking households, all cells text."""

from pathlib import Path

import pyarrow as pa

from fupin.assessment.exit import Check
from fupin.assessment.readiness import Readiness
from fupin.assessment.sampling import Estimate
from fupin.tabular.xlsx import write_text_workbook

HIGHER_IS_BETTER = "群众认可度"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def verdict(passed: bool | None) -> str:
    return {True: "达标", False: "未达标", None: "无法判断"}[passed]


def standard(check: Check) -> str:
    return ("≥ " if check.name == HIGHER_IS_BETTER else "< ") + percent(check.limit)


def interval(estimate: Estimate | None) -> str:
    if estimate is None:
        return "—"
    return f"{percent(estimate.rate)}（{percent(estimate.low)}～{percent(estimate.high)}，{estimate.households}户）"


def summary_rows(found: Readiness) -> list[tuple[str, str]]:
    figures, population = found.figures, found.population
    rows = [
        ("单位", f"{found.unit.name}（{found.unit.code}）"),
        ("年度", str(found.year or "—")),
        ("评估批次", f"#{found.run.id}" if found.run else "尚未评估"),
        ("结论", {True: "达到退出条件", False: "未达到退出条件", None: "尚不能判断"}[found.exit.ready]),
        ("登记户数 / 人数", f"{figures.households} / {figures.people}"),
        ("剩余贫困户 / 人口", f"{figures.poor_households} / {figures.poor_people}"),
        ("已脱贫户 / 人口", f"{figures.exited_households} / {figures.exited_people}"),
        ("农村人口", str(population.population) if population and population.population is not None else "未知"),
    ]
    rows += [
        (c.name, f"{percent(c.value)}（标准 {standard(c)}，{verdict(c.passed)}）{c.note}") for c in found.exit.checks
    ]
    if found.estimates and found.sample:
        level = f"{found.sample.confidence * 100:.0f}%"
        counts = f"样本 {found.estimates.sampled} 户，已调查 {found.estimates.surveyed} 户"
        rows += [
            ("抽样", f"#{found.sample.id}：{counts}"),
            (f"错退率估计（{level}区间）", interval(found.estimates.wrong_exit)),
            (f"漏评率估计（{level}区间）", interval(found.estimates.missed)),
            (f"认可度估计（{level}区间）", interval(found.estimates.approval)),
        ]
    rows.append(("阻碍退出的户数", str(found.blocking_total)))
    return rows


def write_report(found: Readiness, path: Path) -> Path:
    summary = summary_rows(found)
    headers = ("户编号", "村", "村代码", "贫困户状态", "人数", "人均纯收入（元）", "退出线（元）", "原因")
    values = [
        (row.household_number, row.village, row.division_code, row.poverty_status or "", str(row.members),
         "" if row.per_capita_net_income is None else f"{row.per_capita_net_income:.0f}",
         "" if row.exit_line is None else f"{row.exit_line:.0f}", "；".join(row.reasons))
        for row in found.blocking
    ]  # fmt: skip
    blocking = pa.table({h: pa.array([v[i] for v in values], type=pa.string()) for i, h in enumerate(headers)})
    table = pa.table({"项目": [k for k, _ in summary], "内容": [v for _, v in summary]})
    sheets = [("汇总", table), ("阻碍退出的户", blocking)]
    if found.villages:
        sheets.append(("各村", _villages(found)))
    return write_text_workbook(path, sheets)


def _villages(found: Readiness) -> pa.Table:
    rows = [
        (v.code, v.name, str(v.figures.poor_people), "未知" if v.rural_population is None else str(v.rural_population),
         percent(v.check.value), verdict(v.check.passed))
        for v in found.villages
    ]  # fmt: skip
    headers = ("村代码", "村", "剩余贫困人口", "农村人口", "贫困发生率", "结论")
    return pa.table({h: pa.array([row[i] for row in rows], type=pa.string()) for i, h in enumerate(headers)})
