"""The NBS table loader: every row inserted, updated, unchanged or rejected with its row and reason."""

import gzip
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.audit import Actor, AuditEvent
from fupin.divisions import service
from fupin.divisions.loader import LoadResult, load_files
from fupin.divisions.models import Division

ACTOR = Actor("test", "system")
HEADER = "code,name,parent_code,level"
WEINING = "520526000000"  # 威宁彝族回族苗族自治县, seeded with the Guizhou table
CAOHAI = "520526100000"  # 草海镇


def write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode(encoding))
    return path


def load(session: Session, *paths: Path, dry_run: bool = False) -> LoadResult:
    return load_files(session=session, paths=list(paths), actor=ACTOR, dry_run=dry_run)


def reasons(result: LoadResult) -> set[tuple[int, str]]:
    return {(problem.location.row or 0, problem.slug) for problem in result.problems}


def test_shipped_guizhou_is_seeded_with_all_five_levels(session: Session) -> None:
    counts = service.count_by_level(session=session, prefix="52")
    assert counts[1] == 1
    assert counts[2] == 9
    assert counts[3] == 88
    assert sum(counts.values()) == 19_572


def test_bad_rows_are_rejected_with_row_and_reason(session: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv",
        f"520526100990,新村,{CAOHAI},5",  # 2 good: new village under an existing township
        f"52052610099,短码村,{CAOHAI},5",  # 3 code of 11 digits
        f"520526100991,级别错村,{CAOHAI},4",  # 4 level says township, code says village
        "520526100992,孤儿村,520526999000,5",  # 5 parent exists nowhere
        f"520526100990,重复村,{CAOHAI},5",  # 6 same code again
        f"520526100993,,{CAOHAI},5",  # 7 no name
        f"520526100994,越级村,{WEINING},5",  # 8 parent is a county: allowed (level is lower), prefix ok
        "520527100995,错县村,520526100000,5",  # 9 code not under its parent
        "520526198000,坏乡,520526999999,4",  # 10 township whose parent is no unit
        "520526198001,坏乡之村,520526198000,5",  # 11 its village: parent rejected
        f"520526100996,级别数字村,{CAOHAI},6",  # 12 level out of range
        "520526100997,无上级村,,5",  # 13 no parent code
    )
    result = load(session, path)
    assert reasons(result) == {
        (3, "division-code-format"),
        (4, "division-level-mismatch"),
        (5, "division-parent-unknown"),
        (6, "division-duplicate"),
        (7, "division-name"),
        (9, "division-parent-prefix"),
        (10, "division-parent-unknown"),
        (11, "division-parent-rejected"),
        (12, "division-level"),
        (13, "division-parent-missing"),
    }
    assert (result.read, result.inserted, result.rejected) == (12, 2, 10)
    assert result.read == result.inserted + result.updated + result.unchanged + result.rejected
    assert service.get(session=session, code="520526100990") is not None
    problem = next(p for p in result.problems if p.slug == "division-code-format")
    assert problem.location.field == "code"
    assert problem.value == "52052610099"
    assert "12位" in problem.text()


def test_level_must_be_below_the_parents(session: Session, tmp_path: Path) -> None:
    result = load(session, write(tmp_path / "d.csv", f"520526100000,草海镇,{CAOHAI[:9]}100001,4"))
    assert {slug for _, slug in reasons(result)} <= {"division-parent-unknown", "division-parent-level"}
    assert result.rejected == 1


def test_reimport_changes_nothing_and_a_rename_is_audited(session: Session, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", f"520526100990,新村,{CAOHAI},5")
    load(session, first)
    again = load(session, first)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    renamed = load(session, write(tmp_path / "b.csv", f"520526100990,新村社区,{CAOHAI},5"))
    assert renamed.updated == 1
    unit = service.get(session=session, code="520526100990")
    assert unit is not None
    assert unit.name == "新村社区"
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == "520526100990")).one()
    assert (json.loads(event.before or ""), json.loads(event.after or "")) == ({"name": "新村"}, {"name": "新村社区"})


def test_dry_run_writes_nothing(session: Session, tmp_path: Path) -> None:
    before = session.scalar(select(func.count()).select_from(Division))
    result = load(session, write(tmp_path / "d.csv", f"520526100990,新村,{CAOHAI},5"), dry_run=True)
    assert result.inserted == 1
    assert session.scalar(select(func.count()).select_from(Division)) == before


def test_gzip_and_gb18030_files_are_read(session: Session, tmp_path: Path) -> None:
    plain = write(tmp_path / "gb.csv", f"520526100990,新村,{CAOHAI},5", encoding="gb18030")
    packed = tmp_path / "d.csv.gz"
    packed.write_bytes(gzip.compress(write(tmp_path / "u.csv", f"520526100991,旧村,{CAOHAI},5").read_bytes()))
    result = load(session, plain, packed)
    assert (result.inserted, result.rejected) == (2, 0)
    unit = service.get(session=session, code="520526100990")
    assert unit is not None
    assert unit.name == "新村"


def test_rows_across_files_find_their_parents_in_each_other(session: Session, tmp_path: Path) -> None:
    towns = write(tmp_path / "towns.csv", f"520526199000,新镇,{WEINING},4")
    villages = write(
        tmp_path / "villages.csv", "520526199001,新镇一村,520526199000,4", "520526199002,新镇二村,520526199000,5"
    )
    result = load(session, villages, towns)
    assert reasons(result) == {(2, "division-level-mismatch")}
    assert result.inserted == 2
    assert [unit.code for unit in service.children(session=session, code="520526199000")] == ["520526199002"]


def test_the_national_tables_of_one_level_check_against_the_database(session: Session, data: Path) -> None:
    provinces = load(session, data / "level1_provinces.csv")
    assert provinces.rejected == 0
    assert provinces.inserted + provinces.unchanged == 31
    prefectures = load(session, data / "level2_prefectures.csv")
    assert prefectures.rejected == 0
    assert prefectures.read == prefectures.inserted + prefectures.unchanged
