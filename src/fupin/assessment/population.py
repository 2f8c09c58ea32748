"""Rural population per village and year: the denominator of poverty incidence, loaded from CSV/XLSX.

Rows are located like the registry importer's: by 村代码, or by the 省/市/县/乡/村 names resolved level by level
(`registry.location.resolve_names`). A row outside the uploader's capture scope, with an unknown village, a bad
year or a bad number is rejected into the error workbook; the rest replace the stored figure of that village and
year (audited, the old value kept as the event's `before`).
"""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlalchemy import Integer, cast, func, insert, literal, select, update
from sqlalchemy.orm import Session

from fupin.assessment import sheet_import
from fupin.assessment.exit_models import RuralPopulation
from fupin.assessment.sheet_import import Field, SheetSpec
from fupin.audit import Actor, Changeset, open_changeset, record
from fupin.db import utcnow
from fupin.divisions import service as divisions
from fupin.divisions.codes import prefix_range
from fupin.divisions.scope import Scope
from fupin.engine.duck import register, workspace
from fupin.errors import Problem
from fupin.registry.location import resolve_names
from fupin.registry.models import Household, Member
from fupin.tabular.layout import LOCATION_LEVELS

LIVE = RuralPopulation.deleted_at.is_(None)
NAME_FIELDS = tuple(
    Field(f"location__{level}", header, synonyms, required=False)
    for level, header, synonyms in zip(
        LOCATION_LEVELS,
        ("省", "市", "县", "乡", "村"),
        (("省份",), ("市(州)", "地市", "市州"), ("县(市、区)", "县区", "区县"), ("乡(镇)", "乡镇"), ("行政村",)),
        strict=True,
    )
)
SPEC = SheetSpec(
    "农村人口",
    (
        Field("code", "村代码", ("行政区划代码", "统计用区划代码", "村级区划代码"), required=False),
        *NAME_FIELDS,
        Field("year", "年度", ("年份",)),
        Field("population", "农村人口", ("乡村人口", "乡村总人口", "农村总人口", "农村人口数")),
        Field("source", "来源", ("数据来源",), required=False),
    ),
    alternatives=(("code",), tuple(f.key for f in NAME_FIELDS)),
)


@dataclass(slots=True)
class PopulationResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: int = 0


def import_population(
    *, session: Session, path: Path, actor: Actor, scope: Scope, error_path: Path | None = None
) -> PopulationResult:
    """Load the file; rejected rows go to `error_path` (when given) as a workbook that re-imports once fixed."""
    with workspace() as duck:
        staged = sheet_import.stage(duck, path, SPEC)
        _locate(session, duck, "code" in staged.present)
        _check(duck, scope, source=path.name)
        found = sheet_import.problems(duck, SPEC, staged.sheet.name)
        result = PopulationResult(read=staged.sheet.table.num_rows, problems=found)
        if found and error_path is not None:
            rows = sheet_import.rejected(duck, staged, found)
            result.rejected_rows = rows.num_rows
            sheet_import.write_rejections(error_path, staged, rows, found)
        good = duck.execute(
            "SELECT division_code, year_value, population_value, source_text FROM checked "
            "WHERE _row NOT IN (SELECT _row FROM problems) ORDER BY division_code, year"
        ).fetchall()
    if good:
        changeset = open_changeset(session=session, actor=actor, purpose="导入农村人口", source=path.name)
        _write(session, changeset, good, result)
    return result


def _locate(session: Session, duck: duckdb.DuckDBPyConnection, by_code: bool) -> None:
    """`located(_row, division_code, level)`: the village each row names (NULL where none matches)."""
    if by_code:
        codes = [code for (code,) in duck.execute("SELECT DISTINCT code FROM raw WHERE code IS NOT NULL").fetchall()]
        register(duck, "known", divisions.existing_codes(session=session, codes=codes))
        duck.execute(
            "CREATE OR REPLACE TABLE located AS SELECT r._row, CASE WHEN k.level = 5 THEN r.code END AS division_code, "
            "coalesce(r.code, '') AS place FROM raw r LEFT JOIN known k ON k.code = r.code"
        )
        return
    names = ", ".join(f"location__{level}" for level in LOCATION_LEVELS)
    duck.execute(f"CREATE OR REPLACE TABLE loc_source AS SELECT DISTINCT {names} FROM raw")
    resolve_names(session, duck, "loc_source")
    on = " AND ".join(f"p.location__{level} IS NOT DISTINCT FROM r.location__{level}" for level in LOCATION_LEVELS)
    place = " || '/' || ".join(f"coalesce(r.location__{level}, '')" for level in LOCATION_LEVELS)
    duck.execute(
        f"CREATE OR REPLACE TABLE located AS SELECT r._row, p.code_5 AS division_code, {place} AS place "
        f"FROM raw r LEFT JOIN loc_path p ON {on}"
    )


def _check(duck: duckdb.DuckDBPyConnection, scope: Scope, *, source: str) -> None:
    low, high = prefix_range(scope.capture_prefix) if scope.capture_prefix is not None else ("", "")
    duck.execute(
        "CREATE OR REPLACE TABLE checked AS SELECT r.*, l.division_code, l.place, "
        "TRY_CAST(r.year AS INTEGER) AS year_value, TRY_CAST(r.population AS BIGINT) AS population_value, "
        "coalesce(r.source, ?) AS source_text, "
        "count(*) OVER (PARTITION BY l.division_code, r.year) AS copies "
        "FROM raw r JOIN located l USING (_row)",
        [f"导入：{source}"],
    )
    checks = [
        ("place", "unknown-village", "找不到该村", "存在的12位村级区划代码，或能唯一对应一个村的省市县乡村名称",
         "division_code IS NULL"),
        ("place", "out-of-scope", "该村不在您的录入范围内", f"录入范围（{scope.capture_prefix or '全国'}）之内的村",
         f"division_code IS NOT NULL AND NOT (division_code >= '{low}' AND division_code < '{high}')"
         if scope.capture_prefix is not None else "division_code IS NOT NULL"),
        ("year", "year-invalid", "年度不是有效年份", "2000到2100之间的四位年份，如 2020",
         "year_value IS NULL OR year_value NOT BETWEEN 2000 AND 2100"),
        ("population", "population-invalid", "农村人口不是非负整数", "不小于0的整数（人）",
         "population_value IS NULL OR population_value < 0 OR population_value > 100000000"),
        ("place", "duplicate-row", "同一村同一年度在文件中出现多次", "每村每年一行",
         "division_code IS NOT NULL AND copies > 1"),
    ]  # fmt: skip
    for column, slug, message, expected, where in checks:
        sheet_import.flag(duck, field=column, slug=slug, message=message, expected=expected, where=where)


def _write(
    session: Session, changeset: Changeset, good: list[tuple[str, int, int, str]], result: PopulationResult
) -> None:
    """Insert the new figures; replace changed ones with an audit event each (few: one row per village and year)."""
    codes = sorted({row[0] for row in good})
    stored = {
        (row.division_code, row.year): row
        for start in range(0, len(codes), 5_000)
        for row in session.scalars(
            select(RuralPopulation).where(LIVE, RuralPopulation.division_code.in_(codes[start : start + 5_000]))
        )
    }
    stamps = {"created_changeset_id": changeset.id, "updated_changeset_id": changeset.id}
    new = []
    for code, year, population, source in good:
        old = stored.get((code, year))
        if old is None:
            new.append(
                {"division_code": code, "year": year, "rural_population": population, "source": source, **stamps}
            )
        elif (old.rural_population, old.source) == (population, source):
            result.unchanged += 1
        else:
            before = {"rural_population": old.rural_population, "source": old.source}
            after = {"rural_population": population, "source": source}
            session.execute(
                update(RuralPopulation)
                .where(RuralPopulation.id == old.id)
                .values(**after, updated_changeset_id=changeset.id, updated_at=utcnow())
            )
            record(session=session, changeset=changeset, entity="rural_population", entity_id=old.id,
                   action="update", before=before, after=after)  # fmt: skip
            result.updated += 1
    if new:
        session.execute(insert(RuralPopulation), new)
    result.inserted = len(new)


def set_population(
    *, session: Session, actor: Actor, division_code: str, year: int, population: int, source: str
) -> None:
    """One village's figure, written like one imported row (the demo's derived figures come this way, in bulk)."""
    changeset = open_changeset(session=session, actor=actor, purpose="农村人口", source=source)
    _write(session, changeset, [(division_code, year, population, source)], PopulationResult())


def listing(
    *, session: Session, scope: Scope, prefix: str, year: int | None, limit: int, offset: int
) -> list[RuralPopulation]:
    """The stored figures under a prefix, inside the scope, newest year first."""
    low, high = prefix_range(prefix)
    statement = scope.apply(
        select(RuralPopulation).where(LIVE, RuralPopulation.division_code >= low, RuralPopulation.division_code < high),
        RuralPopulation.division_code,
    )
    if year is not None:
        statement = statement.where(RuralPopulation.year == year)
    ordered = statement.order_by(RuralPopulation.year.desc(), RuralPopulation.division_code)
    return list(session.scalars(ordered.limit(limit).offset(offset)))


def populations(*, session: Session, prefix: str, year: int) -> dict[str, int]:
    """village code → rural population of the year, for the villages under a prefix that have a figure."""
    low, high = prefix_range(prefix)
    rows = session.execute(
        select(RuralPopulation.division_code, RuralPopulation.rural_population).where(
            LIVE,
            RuralPopulation.year == year,
            RuralPopulation.division_code >= low,
            RuralPopulation.division_code < high,
        )
    )
    return dict(rows.all())


@dataclass(frozen=True, slots=True)
class Denominator:
    population: int | None  # None unless every village with registered households has a figure for the year
    villages_known: int
    villages_missing: int


def denominator(*, session: Session, prefix: str, year: int) -> Denominator:
    """The rural population under a prefix for a year, summed over its villages, never partly guessed."""
    low, high = prefix_range(prefix)
    in_range = (RuralPopulation.division_code >= low, RuralPopulation.division_code < high)
    known, summed = session.execute(
        select(func.count(), func.sum(RuralPopulation.rural_population)).where(
            LIVE, RuralPopulation.year == year, *in_range
        )
    ).one()
    has_figure = (
        select(RuralPopulation.id)
        .where(LIVE, RuralPopulation.year == year, RuralPopulation.division_code == Household.division_code)
        .exists()
    )
    missing = session.scalar(
        select(func.count(func.distinct(Household.division_code))).where(
            Household.deleted_at.is_(None), Household.division_code >= low, Household.division_code < high,
            ~has_figure,
        )
    )  # fmt: skip
    complete = known > 0 and not missing
    return Denominator(int(summed) if complete else None, int(known), int(missing or 0))


def derive_from_members(*, session: Session, actor: Actor, year: int, factor: float, source: str) -> None:
    """Demo figures: each village without a figure for the year gets round(live members × factor), set-wise.

    Only for demonstrations (the registry holds the registered, not the whole rural population); `source` says so.
    """
    changeset = open_changeset(session=session, actor=actor, purpose="农村人口（演示推算）", source=source)
    has_figure = (
        select(RuralPopulation.id)
        .where(LIVE, RuralPopulation.year == year, RuralPopulation.division_code == Household.division_code)
        .exists()
    )
    derived = (
        select(
            Household.division_code,
            literal(year),
            cast(func.round(func.count(Member.id) * factor), Integer),
            literal(source),
            literal(changeset.id),
            literal(changeset.id),
            literal(utcnow()),
        )
        .join(Member, (Member.household_id == Household.id) & Member.deleted_at.is_(None))
        .where(Household.deleted_at.is_(None), ~has_figure)
        .group_by(Household.division_code)
    )
    columns = ["division_code", "year", "rural_population", "source", "created_changeset_id",
               "updated_changeset_id", "updated_at"]  # fmt: skip
    session.execute(insert(RuralPopulation).from_select(columns, derived))
