"""`fupin`: the command-line entry point."""

import typer

from fupin.cli import (
    accounts,
    analytics,
    assessment,
    db,
    demo,
    divisions,
    population,
    registry,
    sampling,
    serve,
    standards,
    synth,
    worker,
)

app = typer.Typer(
    name="fupin",
    help="fupin（扶贫）：精准扶贫与防返贫动态监测信息系统",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db", help="数据库迁移")
app.add_typer(divisions.app, name="divisions", help="行政区划：导入、查询")
app.add_typer(accounts.app, name="users", help="用户：新建、列出、重设密码、签发 API 令牌")
app.add_typer(standards.app, name="standards", help="评估标准：收入线、监测范围、指标规则")
app.add_typer(analytics.app, name="analytics", help="汇总：按村重算汇总数和按月趋势")
app.add_typer(sampling.app, name="sample", help="评估抽样：抽样、导出调查表、上传调查结果")
app.add_typer(population.app, name="population", help="农村人口：按村导入（贫困发生率的分母）")
registry.register(app)
app.command("synth", help="生成合成的建档立卡数据（测试、演示、性能基准）")(synth.synth)
app.command("demo", help="建立演示数据库并输出各县汇总")(demo.demo)
app.command("assess", help="按当前评估标准评估范围内每一户（结果连同所用标准版本保存）")(assessment.assess_command)
app.command("serve", help="启动网页和 API 服务")(serve.serve)
app.command("worker", help="运行后台任务（导入）的独立进程")(worker.worker)


if __name__ == "__main__":
    app()
