"""`fupin import`: every row of a CSV/XLSX ends inserted, updated, unchanged, or rejected with its reasons.

Flow per sheet: read → stage (clean, type, field checks) → locate villages → member and household rules →
compare with what the database holds → set-wise inserts and updates in chunks → problems as data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.analytics import service as analytics
from fupin.audit import Actor, Changeset, open_changeset
from fupin.config import Settings
from fupin.db import utcnow
from fupin.divisions.scope import Scope
from fupin.engine.base import fetch_columns
from fupin.engine.duck import register, to_arrow, workspace
from fupin.errors import Location, Problem
from fupin.registry import codelists
from fupin.registry.capture import scope_problems
from fupin.registry.checks import describe
from fupin.registry.existing import fetch_existing
from fupin.registry.locating import location_problems, plan_location
from fupin.registry.models import Household, Member
from fupin.registry.rules import household_rules, identity_problems, member_fields, plan_identity
from fupin.registry.staging import (
    build_staged,
    collect_field_problems,
    column_name,
    create_problems,
    create_valid,
    plan_staging,
    spec_for,
)
from fupin.registry.writer import Target, classify, count, insert, update, write_households
from fupin.tabular.layout import Binding, bind, looks_like_header
from fupin.tabular.read import ROW, Sheet, read_sheets

Progress = Callable[[str, int, int], None]
Checkpoint = Callable[[], None]
MEMBER_TARGET_FIELDS = ("sex", "birth_date", "id_type")
TOUCHED = "touched_villages"


@dataclass(slots=True)
class SheetResult:
    sheet: str
    layout: str
    headers: list[str]
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    households_inserted: int = 0
    households_updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: pa.Table | None = None  # original cells of rejected rows, plus 错误原因

    @property
    def reconciles(self) -> bool:
        return self.read == self.inserted + self.updated + self.unchanged + self.rejected


@dataclass(slots=True)
class ImportResult:
    path: Path
    sheets: list[SheetResult]
    changeset_id: int | None
    dry_run: bool

    def total(self, name: str) -> int:
        return sum(int(getattr(sheet, name)) for sheet in self.sheets)


@dataclass(slots=True)
class _Context:
    session: Session
    duck: duckdb.DuckDBPyConnection
    settings: Settings
    scope: Scope
    lists: dict[str, codelists.CodeList]
    today: date
    dry_run: bool
    changeset: Changeset | None
    progress: Progress
    checkpoint: Checkpoint


def import_file(
    *,
    session: Session,
    path: Path,
    actor: Actor,
    settings: Settings,
    scope: Scope,
    dry_run: bool = False,
    progress: Progress | None = None,
    checkpoint: Checkpoint | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import every recognised sheet of a file; `checkpoint` (the caller's commit) runs between write chunks.

    Rows whose village lies outside `scope`'s capture prefix are rejected (`Scope.everything()` for the CLI).
    """
    report = progress or (lambda _phase, _done, _total: None)
    report("读取文件", 0, 1)
    sheets = read_sheets(path, looks_like_header)
    bound = sorted(
        ((sheet, bind(sheet.headers, sheet.name)) for sheet in sheets),
        key=lambda pair: pair[1].layout.kind != "household",
    )
    changeset = None if dry_run else open_changeset(session=session, actor=actor, purpose="导入", source=path.name)
    if changeset is not None and checkpoint is not None:
        checkpoint()  # no write lock held through the checks (SQLite has one), so a job's progress can be recorded
    results = []
    with workspace(settings.work_dir) as duck:
        context = _Context(
            session,
            duck,
            settings,
            scope,
            codelists.load(settings.codelists_file),
            today or date.today(),
            dry_run,
            changeset,
            report,
            checkpoint or (lambda: None),
        )
        for sheet, binding in bound:
            results.append(_import_sheet(context, sheet, binding))
            _note_villages(duck)
        if changeset is not None:
            report("更新汇总", 0, 1)
            analytics.refresh_from_workspace(
                session=session, duck=duck, query=f"SELECT key FROM {TOUCHED}", now=utcnow()
            )
    if changeset is not None:
        changeset.summary = {
            r.sheet: {
                "read": r.read,
                "inserted": r.inserted,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "rejected": r.rejected,
            }
            for r in results
        }
        session.flush()
    return ImportResult(path, results, changeset.id if changeset else None, dry_run)


def _note_villages(duck: duckdb.DuckDBPyConnection) -> None:
    """Remember the villages a sheet may have changed: its households' new villages and the ones they came from."""
    duck.execute(f"CREATE TABLE IF NOT EXISTS {TOUCHED} (key VARCHAR)")
    duck.execute(
        f"INSERT INTO {TOUCHED} SELECT division_code FROM hh_in WHERE division_code IS NOT NULL "
        "UNION SELECT division_code FROM existing_households WHERE division_code IS NOT NULL"
    )


def _import_sheet(context: _Context, sheet: Sheet, binding: Binding) -> SheetResult:
    if binding.layout.kind == "household":
        from fupin.registry.household_import import import_household_sheet

        return import_household_sheet(context, sheet, binding)
    return _import_member_sheet(context, sheet, binding)


def _import_member_sheet(context: _Context, sheet: Sheet, binding: Binding) -> SheetResult:
    duck, session = context.duck, context.session
    result = SheetResult(sheet.name, binding.layout.name, sheet.headers, read=sheet.table.num_rows)
    context.progress("校验", 0, result.read)
    context.checkpoint()
    has = {column_name(column.target) for column in binding.by_index.values()}
    plan = plan_staging(duck, sheet, binding, context.lists, context.today)
    plan_location(session, duck, plan, has)
    plan_identity(plan, today=context.today, min_birth_year=context.settings.min_birth_year, has=has)
    build_staged(duck, plan)
    create_problems(duck)
    collect_field_problems(duck, binding)
    location_problems(duck, has)
    identity_problems(duck, has)
    member_fields(duck, has)
    household_columns = [
        "division_code",
        *sorted(name for name in has if name.startswith("household__") and name != "household__division_code"),
    ]
    fetch_existing(
        session,
        duck,
        households="SELECT member__household_number AS key FROM staged",
        persons="SELECT member__id_number AS key FROM staged",
        household_fields=[name.removeprefix("household__") for name in household_columns],
    )
    household_rules(duck, household_columns)
    scope_problems(duck, context.scope, "member__household_number")
    _finish_problems(context, sheet, binding, result)
    create_valid(duck)
    context.progress("写入", 0, result.read - result.rejected)
    context.checkpoint()  # the checks only read: end that transaction, so the writes start a fresh one
    _upsert_households(context, household_columns, result)
    _upsert_members(context, has, result)
    return result


def _upsert_households(context: _Context, household_columns: list[str], result: SheetResult) -> None:
    duck = context.duck
    fields = [name.removeprefix("household__") for name in household_columns]
    selects = ", ".join(f"{source} AS {target}" for source, target in zip(household_columns, fields, strict=True))
    duck.execute(
        f"CREATE OR REPLACE TABLE hh_in AS SELECT DISTINCT ON (member__household_number) "
        f"member__household_number AS household_number, {selects} FROM valid ORDER BY member__household_number, {ROW}"
    )
    result.households_inserted, result.households_updated = write_households(
        context.session,
        duck,
        fields=fields,
        changeset=context.changeset,
        chunk_rows=context.settings.import_batch_rows,
    )
    if context.changeset is None:
        return
    fresh = select(Household.id, Household.household_number).where(
        Household.created_changeset_id == context.changeset.id
    )
    register(duck, "new_households", fetch_columns(context.session, fresh))
    context.checkpoint()


def _upsert_members(context: _Context, has: set[str], result: SheetResult) -> None:
    duck = context.duck
    bound = sorted(
        name.removeprefix("member__")
        for name in has
        if name.startswith("member__") and name != "member__household_number"
    )
    fields = [name for name in bound if name not in MEMBER_TARGET_FIELDS] + list(MEMBER_TARGET_FIELDS)
    effective = {"sex": "sex_eff", "birth_date": "birth_eff", "id_type": "id_type_eff"}
    selects = ", ".join(f"v.{effective.get(name, 'member__' + name)} AS {name}" for name in fields)
    ids = "SELECT id, household_number FROM existing_households"
    if context.changeset is not None:
        ids += " UNION ALL SELECT id, household_number FROM new_households"
    duck.execute(
        f"CREATE OR REPLACE TABLE m_in AS SELECT h.id AS household_id, {selects} FROM valid v "
        f"LEFT JOIN ({ids}) h ON h.household_number = v.member__household_number"
    )
    classify(
        duck,
        incoming="m_in",
        existing="existing_members",
        key="id_number",
        fields=[f for f in fields if f != "id_number"],
    )
    valid = count(duck, "m_in")
    if context.changeset is None:
        result.inserted, result.updated = count(duck, "m_in_new"), count(duck, "m_in_changed")
    else:
        target = Target(Member.__table__, "member", tuple(fields))  # type: ignore[arg-type]
        done = 0

        def on_chunk(rows: int, commit_allowed: bool) -> None:
            nonlocal done
            done += rows
            context.progress("写入", done, valid)
            if commit_allowed:
                context.checkpoint()

        result.inserted = insert(
            context.session,
            duck,
            target=target,
            query="SELECT * FROM m_in_new",
            columns=["household_id", *fields],
            changeset=context.changeset,
            chunk_rows=context.settings.import_batch_rows,
            on_chunk=on_chunk,
        )
        changed_fields = [f for f in fields if f != "id_number"]
        result.updated = update(
            context.session,
            duck,
            target=target,
            query="SELECT * FROM m_in_changed",
            columns=changed_fields,
            changeset=context.changeset,
        )
        context.checkpoint()
    result.unchanged = valid - result.inserted - result.updated


def _finish_problems(context: _Context, sheet: Sheet, binding: Binding, result: SheetResult) -> None:
    """Turn the `problems` table into Problem records and the rejected rows with their 错误原因."""
    headers = {column_name(column.target): sheet.headers[index] for index, column in binding.by_index.items()}
    headers.setdefault("division_code", "村代码" if "household__division_code" in headers else "省/市/县/乡/村")
    rows = context.duck.execute(
        "SELECT DISTINCT _row, field, slug, value, detail FROM problems ORDER BY _row, field, slug"
    ).fetchall()
    reasons: dict[int, list[str]] = {}
    for row, name, slug, value, detail in rows:
        problem = _problem(context, sheet.name, int(row), name, slug, value, detail, headers)
        result.problems.append(problem)
        reasons.setdefault(int(row), []).append(_reason(problem))
    result.rejected = len(reasons)
    if reasons:
        register(
            context.duck, "reasons", pa.table({ROW: list(reasons), "reason": ["；".join(v) for v in reasons.values()]})
        )
        columns = ", ".join(f"raw.c{i}" for i in range(len(sheet.headers)))
        result.rejected_rows = to_arrow(
            context.duck,
            f"SELECT raw.{ROW}, {columns}, reasons.reason FROM raw JOIN reasons USING ({ROW}) ORDER BY raw.{ROW}",
        )


def _reason(problem: Problem) -> str:
    where = (
        f"第{problem.location.row}行「{problem.location.field}」"
        if problem.location.field
        else f"第{problem.location.row}行"
    )
    got = f"（填写值：{problem.value}）" if problem.value not in (None, "") else ""
    wanted = f"，应为：{problem.expected}" if problem.expected else ""
    return f"{where}{problem.message}{got}{wanted}"


def _problem(
    context: _Context,
    sheet: str,
    row: int,
    name: str,
    slug: str,
    value: str | None,
    detail: str | None,
    headers: dict[str, str],
) -> Problem:
    spec = spec_for(name.replace("__", ".", 1)) if "__" in name else None
    message, expected = describe(spec, slug, detail, context.lists)
    return Problem(slug, message, Location(sheet=sheet, row=row, field=headers.get(name, name)), value, expected)
