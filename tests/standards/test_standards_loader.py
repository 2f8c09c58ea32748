"""Standards as data: the shipped file loads as versions, lines fall back to national, bad files are refused."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Actor, AuditEvent
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.standards import service
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.standards.models import StandardSet

ACTOR = Actor("tester", "cli")


def test_shipped_standard_loads_as_a_new_current_version_each_time(session: Session) -> None:
    first = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    second = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    assert second.version == first.version + 1
    assert service.current(session=session).id == second.id
    assert session.get(StandardSet, first.id).is_current is False  # kept for the verdicts that used it
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "standard")).all()
    assert {event.entity_id for event in events} >= {str(first.id), str(second.id)}


def test_lines_prefer_the_province_and_fall_back_to_national(session: Session, tmp_path: Path) -> None:
    text = shipped_national().read_text(encoding="utf-8") + (
        '\n[[poverty_line]]\nyear = 2020\nprovince_code = "52"\nidentification_line = 4100\nexit_line = 4200\n'
        'confirmed = false\nsource = "省定标准（测试）"\n'
    )
    path = tmp_path / "guizhou.toml"
    path.write_text(text, encoding="utf-8")
    standard = load_standard_file(session=session, path=path, actor=ACTOR)
    guizhou = service.lines_for(session=session, standard=standard, year=2020, province_code="52")
    yunnan = service.lines_for(session=session, standard=standard, year=2020, province_code="53")
    assert (guizhou.exit_line, guizhou.confirmed) == (4200, False)
    assert (yunnan.exit_line, yunnan.monitoring_ceiling) == (4000, 6000)
    with pytest.raises(FupinError) as missing:
        service.lines_for(session=session, standard=standard, year=2009, province_code="52")
    assert missing.value.problems[0].slug == "standard-missing"


def test_rules_receive_the_years_lines_and_their_own_parameters(session: Session) -> None:
    standard = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    lines = service.lines_for(session=session, standard=standard, year=2019, province_code="52")
    rules = service.rules_for(service.indicators(session=session, standard=standard), lines, codelists.load(None))
    assert [rule.code for rule in rules][:2] == ["income", "compulsory_education"]
    assert "3218" in rules[0].tree.sql()
    assert "BETWEEN 6 AND 15" in rules[1].tree.sql()


def test_a_bad_file_is_refused_whole_with_every_problem(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "测试"\n[[poverty_line]]\nyear = 2020\nidentification_line = "四千"\nexit_line = 4000\n'
        '[[indicator]]\ncode = "w"\nname = "水"\ndimension = "饮水"\nrule = "water_amount > 3"\nweight = 0.2\n',
        encoding="utf-8",
    )
    before = session.scalar(select(StandardSet.id).order_by(StandardSet.id.desc()).limit(1))
    with pytest.raises(FupinError) as refused:
        load_standard_file(session=session, path=path, actor=ACTOR)
    slugs = [(p.slug, p.location.field) for p in refused.value.problems]
    assert ("standard-field", "poverty_line[1].identification_line") in slugs
    assert ("rule-unknown-name", "w") in slugs
    assert session.scalar(select(StandardSet.id).order_by(StandardSet.id.desc()).limit(1)) == before
    broken = tmp_path / "broken.toml"
    broken.write_text("name = ", encoding="utf-8")
    with pytest.raises(FupinError) as unreadable:
        load_standard_file(session=session, path=broken, actor=ACTOR)
    assert unreadable.value.problems[0].slug == "standard-unreadable"
