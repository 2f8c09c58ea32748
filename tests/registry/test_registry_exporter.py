from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fupin.audit import Actor
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.exporter import export
from fupin.registry.importer import import_file
from tests.factories.registry import family, write_csv

ACTOR = Actor("tester", "import")


@pytest.mark.parametrize(
    ("layout", "suffix"),
    [("national_member", ".csv"), ("national_member", ".xlsx"), ("fupin_member", ".csv"), ("fupin_member", ".xlsx")],
)
def test_export_then_import_changes_nothing(session: Session, tmp_path: Path, layout: str, suffix: str) -> None:
    people = family("5205261000340001", 4) + family("5205261000340002", 3, 村="同心社区")
    people[0].extra = {
        "务工所在地": "广东省东莞市",
        "务工时间（月）": "8",
        "健康状况": "残疾,长期慢性病",
        "残疾类别": "肢体残疾",
    }
    import_file(
        session=session,
        path=write_csv(tmp_path / "in.csv", people),
        actor=ACTOR,
        settings=Settings(),
        scope=Scope.everything(),
        today=date(2026, 11, 23),
    )
    out = tmp_path / f"out{suffix}"
    assert export(session=session, scope=Scope.everything(), layout_name=layout, path=out) == 7
    again = import_file(
        session=session, path=out, actor=ACTOR, settings=Settings(), scope=Scope.everything(), today=date(2026, 11, 23)
    ).sheets[0]
    assert (again.read, again.unchanged, again.inserted, again.updated, again.rejected) == (7, 7, 0, 0, 0)


def test_export_respects_the_scope(session: Session, tmp_path: Path) -> None:
    people = family("5205261000340001", 2) + family("5205261000560001", 2, 村="同心社区")
    import_file(
        session=session,
        path=write_csv(tmp_path / "in.csv", people),
        actor=ACTOR,
        settings=Settings(),
        scope=Scope.everything(),
        today=date(2026, 11, 23),
    )
    assert (
        export(session=session, scope=Scope.of("520526100056"), layout_name="national_member", path=tmp_path / "v.csv")
        == 2
    )
    assert export(session=session, scope=Scope.of("5205"), layout_name="national_member", path=tmp_path / "p.csv") == 4
    assert export(session=session, scope=Scope.of("5206"), layout_name="national_member", path=tmp_path / "n.csv") == 0
