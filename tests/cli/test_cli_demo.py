"""`fupin demo --no-serve`: the demo database, its accounts and a first assessment, repeatable."""

from sqlalchemy import func, select

from fupin.accounts.models import User
from fupin.accounts.passwords import verify_password
from fupin.assessment.exit_models import RuralPopulation
from fupin.assessment.models import AssessmentRun
from fupin.assessment.readiness import report
from fupin.cli.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from fupin.db import make_engine, unit_of_work
from fupin.divisions.scope import Scope
from fupin.registry.models import Household
from tests.cli.test_cli_assessment import fupin


def test_demo_builds_accounts_and_an_assessment_and_can_run_again(fresh_url: str) -> None:
    code, output = fupin("demo", "--members", "1000", "--seed", "3", "--no-serve", "--database", fresh_url)
    assert code == 0, output
    assert "威宁" in output
    assert "演示账号" in output
    assert DEMO_PASSWORD in output
    assert "2020年" in output
    engine = make_engine(fresh_url)
    with unit_of_work(engine) as session:
        users = {user.username: user for user in session.scalars(select(User))}
        assert set(users) == {username for username, *_ in DEMO_ACCOUNTS}
        assert users["dongshan"].scope_prefix == "520526100034"
        assert verify_password(users["admin"].password_hash, DEMO_PASSWORD)
        assert session.scalar(select(func.count()).select_from(AssessmentRun)) == 1
        villages = session.scalar(select(func.count(func.distinct(Household.division_code))))
        sources = session.execute(select(RuralPopulation.source, func.count()).group_by(RuralPopulation.source)).all()
        assert [(source[:4], count) for source, count in sources] == [("演示推算", villages)]
        found = report(session=session, scope=Scope.everything(), code="520526000000")
        assert found is not None
        assert found.population is not None
        assert found.population.population is not None
        assert found.exit.checks[0].value is not None  # the report has an incidence to show
    code, output = fupin("demo", "--members", "1000", "--seed", "3", "--no-serve", "--database", fresh_url)
    assert code == 0, output
    assert "演示账号已存在" in output
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_ACCOUNTS)
    engine.dispose()
