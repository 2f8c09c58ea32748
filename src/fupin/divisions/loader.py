"""Import the NBS statistical division table (code,name,parent_code,level) into divisions_unit, set-wise.

The files are read as text with pyarrow, checked in a DuckDB workspace (one SQL step per rule, never a Python
loop per row) and written in one changeset: new codes in bulk through the engine adapter, changed codes by one
staged UPDATE, each change with an audit event. Rejected rows are reported as problems, never dropped silently.
"""

from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import DateTime, and_, bindparam, case, or_, select, text
from sqlalchemy.orm import Session

from fupin.audit import Actor, Changeset, diff, open_changeset, record
from fupin.db import analyze, utcnow
from fupin.divisions.codes import CODE_LENGTH, NATIVE_LENGTH, prefix_range
from fupin.divisions.models import Division
from fupin.engine.base import fetch, load
from fupin.engine.duck import register, to_arrow, workspace
from fupin.errors import FupinError, Location, Problem

COLUMNS = ("code", "name", "parent_code", "level")
TABLE = "divisions_unit"
STAGE = "divisions_unit_stage"
MAX_ROUNDS = 5  # levels strictly decrease up a valid chain, so a rejection cascades through at most five levels
NAME_LENGTH = 100
BLANKS = " \t\r\n\u3000"  # the ideographic space is common in tables typed in Chinese


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a row is refused: the column it concerns, what is wrong, what is expected."""

    field: str
    message: str
    expected: str


REJECTIONS: dict[str, Rejection] = {
    "division-code-format": Rejection("code", "区划代码不是12位数字", "12位数字，如 520102000000"),
    "division-level": Rejection("level", "级别不是1–5", "1 省、2 市、3 县、4 乡、5 村"),
    "division-self-parent": Rejection(
        "parent_code",
        "上级代码与本级代码相同（不设县的地级市所虚设的县级行，该单位已由地级行代表）",
        "上级单位的代码；虚设的县级行无需导入",
    ),
    "division-level-mismatch": Rejection(
        "level", "级别与代码结构不符", "与代码末尾的0一致：省2位、市4位、县6位、乡9位、村12位有效数字"
    ),
    "division-name": Rejection("name", "名称为空或超过100字", "1–100字的区划名称"),
    "division-duplicate": Rejection("code", "区划代码重复，以首次出现的行为准", "每个代码只出现一次"),
    "division-parent-missing": Rejection("parent_code", "缺少上级代码", "省级以下单位须填写上级代码"),
    "division-parent-rejected": Rejection("parent_code", "上级单位所在行被拒绝", "先改正上级单位所在的行"),
    "division-parent-unknown": Rejection("parent_code", "上级代码在导入文件和数据库中都找不到", "已有的上级区划代码"),
    "division-parent-level": Rejection("parent_code", "上级单位的级别不高于本级", "级别数字更小的上级单位"),
    "division-parent-prefix": Rejection(
        "code", "代码不以上级单位的有效代码开头", "以上级单位的有效代码（如县6位）开头"
    ),
}


@dataclass(slots=True)
class LoadResult:
    """Counts (read = inserted + updated + unchanged + rejected) and one problem per rejected row."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)  # file, row, the four columns, slug


def shipped_guizhou() -> Path:
    """The Guizhou table (all five levels, 19,572 units) that ships with fupin."""
    return Path(str(resources.files("fupin.divisions").joinpath("data", "guizhou.csv.gz")))


def load_files(
    *, session: Session, paths: list[Path], actor: Actor, dry_run: bool = False, scratch: Path | None = None
) -> LoadResult:
    """Check the files against each other and the database, then insert new codes and update changed ones."""
    with workspace(scratch) as duck:
        _stage_files(duck, paths)
        _stage_existing(duck, session)
        _check(duck)
        _plan(duck)
        result = _result(duck)
        if not dry_run:
            _write(session=session, duck=duck, actor=actor, paths=paths, result=result, scratch=scratch)
    return result


# --- reading ---------------------------------------------------------------------------------------------------


def _read(path: Path) -> pa.Table:
    """One file's four columns as text; pyarrow decompresses `.gz` by extension."""
    if not path.is_file():
        raise FupinError(Problem("file-missing", f"找不到文件 {path}"))
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(COLUMNS, pa.string()), include_columns=list(COLUMNS))
    failure: Exception | None = None
    # UTF-8 first; tables saved by Excel on Chinese Windows are GB18030.
    for encoding in ("utf8", "gb18030"):
        try:
            options = pacsv.ReadOptions(encoding=encoding)
            return pacsv.read_csv(path, read_options=options, convert_options=convert)
        except pa.ArrowKeyError as error:
            raise _header_problem(path) from error
        except pa.ArrowInvalid as error:
            failure = error
    raise FupinError(Problem("division-file", f"无法读取 CSV 文件：{failure}", Location(sheet=path.name)))


def _header_problem(path: Path) -> FupinError:
    return FupinError(
        Problem("division-header", "表头缺少必需的列", Location(sheet=path.name, row=1), expected=",".join(COLUMNS))
    )


def _stage_files(duck: duckdb.DuckDBPyConnection, paths: list[Path]) -> None:
    """Workspace table `incoming`: every row, trimmed, with its file and row number (header = row 1)."""
    duck.execute("CREATE TABLE incoming (_file VARCHAR, _file_index INTEGER, _row BIGINT, " + _text_columns() + ")")
    cleaned = ", ".join(f"nullif(trim({column}, '{BLANKS}'), '')" for column in COLUMNS)
    for index, path in enumerate(paths):
        table = _read(path)
        table = table.append_column("_row", pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64)))
        duck.register("_file_rows", table)
        duck.execute(f"INSERT INTO incoming SELECT ?, ?, _row, {cleaned} FROM _file_rows", [path.name, index])
        duck.unregister("_file_rows")


def _text_columns() -> str:
    return ", ".join(f"{column} VARCHAR" for column in COLUMNS)


def _stage_existing(duck: duckdb.DuckDBPyConnection, session: Session) -> None:
    """Workspace table `existing`: the database's units under every province the input touches."""
    provinces = [row[0] for row in duck.execute(_PROVINCES_SQL).fetchall()]
    ranges = [prefix_range(province) for province in provinces]
    within = or_(*(and_(Division.code >= low, Division.code < high) for low, high in ranges))
    live = case((Division.valid_to.is_(None), 1), else_=0).label("live")
    statement = select(Division.code, Division.name, Division.parent_code, Division.level, live)
    table = fetch(session, statement.where(within), EXISTING_SCHEMA) if ranges else EXISTING_SCHEMA.empty_table()
    register(duck, "existing", table)


_EXISTING_TYPES: dict[str, pa.DataType] = {
    "code": pa.string(),
    "name": pa.string(),
    "parent_code": pa.string(),
    "level": pa.int64(),
    "live": pa.int64(),  # 1 unless valid_to is set
}
EXISTING_SCHEMA = pa.schema(_EXISTING_TYPES)

_PROVINCES_SQL = """
SELECT DISTINCT left(value, 2) FROM (SELECT code AS value FROM incoming UNION ALL SELECT parent_code FROM incoming)
WHERE regexp_full_match(value, '[0-9]{12}')
ORDER BY 1
"""


# --- checking --------------------------------------------------------------------------------------------------


def structural_level_sql(column: str) -> str:
    """SQL for `codes.structural_level`: the level a 12-digit code's trailing zeros say it has."""
    whens = " ".join(
        f"WHEN substr({column}, {NATIVE_LENGTH[level] + 1}) = '{'0' * (CODE_LENGTH - NATIVE_LENGTH[level])}' "
        f"THEN {level}"
        for level in (1, 2, 3, 4)
    )
    return f"CASE {whens} ELSE 5 END"


def native_length_sql(level: str) -> str:
    """SQL for `codes.NATIVE_LENGTH[level]`: how many leading digits a unit of that level owns."""
    whens = " ".join(f"WHEN {number} THEN {length}" for number, length in NATIVE_LENGTH.items())
    return f"CASE {level} {whens} END"


def _check(duck: duckdb.DuckDBPyConnection) -> None:
    """Give every refused row of `rows` its reason: row by itself, then duplicates, then parents until stable."""
    duck.execute(_rows_sql())
    duck.execute(_DUPLICATES_SQL)
    for _ in range(MAX_ROUNDS):
        duck.execute(_parents_sql())
        changed = duck.execute(_APPLY_VERDICT_SQL).fetchone()
        if not changed or int(changed[0]) == 0:
            break


def _rows_sql() -> str:
    # The order of the WHENs is the order of the reasons: a row reports the first rule it breaks.
    return f"""
    CREATE TABLE rows AS
    SELECT row_number() OVER (ORDER BY _file_index, _row) AS _seq, _file, _file_index, _row,
           code, name, parent_code, level AS level_text, level_number AS level,
           CASE
             WHEN code IS NULL OR NOT regexp_full_match(code, '[0-9]{{{CODE_LENGTH}}}') THEN 'division-code-format'
             WHEN level_number IS NULL THEN 'division-level'
             WHEN parent_code = code THEN 'division-self-parent'
             WHEN level_number <> {structural_level_sql("code")} THEN 'division-level-mismatch'
             WHEN name IS NULL OR length(name) > {NAME_LENGTH} THEN 'division-name'
             WHEN level_number > 1 AND parent_code IS NULL THEN 'division-parent-missing'
           END AS reason
    FROM (SELECT *, CASE WHEN level IN ('1', '2', '3', '4', '5') THEN CAST(level AS INTEGER) END AS level_number
          FROM incoming)
    """


# The first occurrence that is otherwise valid wins; later ones are refused.
_DUPLICATES_SQL = """
UPDATE rows SET reason = 'division-duplicate'
FROM (SELECT _seq, row_number() OVER (PARTITION BY code ORDER BY _seq) AS occurrence FROM rows WHERE reason IS NULL) d
WHERE rows._seq = d._seq AND d.occurrence > 1
"""


def _parents_sql() -> str:
    # A parent is an accepted input row or, failing that, a live unit of the database; the input wins.
    return f"""
    CREATE OR REPLACE TABLE verdict AS
    WITH accepted AS (SELECT code, level FROM rows WHERE reason IS NULL),
    known AS (
      SELECT code, level FROM accepted
      UNION ALL
      SELECT code, level FROM existing WHERE live = 1 AND code NOT IN (SELECT code FROM accepted)
    ),
    refused AS (SELECT DISTINCT code FROM rows WHERE code IS NOT NULL)
    SELECT r._seq,
      CASE
        WHEN k.code IS NULL AND r.parent_code IN (SELECT code FROM refused) THEN 'division-parent-rejected'
        WHEN k.code IS NULL THEN 'division-parent-unknown'
        WHEN k.level >= r.level THEN 'division-parent-level'
        WHEN NOT starts_with(r.code, left(k.code, {native_length_sql("k.level")})) THEN 'division-parent-prefix'
      END AS reason
    FROM rows r LEFT JOIN known k ON k.code = r.parent_code
    WHERE r.reason IS NULL AND r.parent_code IS NOT NULL
    """


_APPLY_VERDICT_SQL = """
UPDATE rows SET reason = v.reason FROM verdict v WHERE rows._seq = v._seq AND v.reason IS NOT NULL
"""


# --- planning and reporting ------------------------------------------------------------------------------------


def _plan(duck: duckdb.DuckDBPyConnection) -> None:
    """Workspace table `plan`: each accepted row, the database's current values, and insert / update / same."""
    duck.execute("""
    CREATE TABLE plan AS
    SELECT r.code, r.name, r.parent_code, r.level,
           e.name AS old_name, e.parent_code AS old_parent_code, e.level AS old_level, e.live AS old_live,
           CASE
             WHEN e.code IS NULL THEN 'insert'
             WHEN e.name IS DISTINCT FROM r.name OR e.parent_code IS DISTINCT FROM r.parent_code
                  OR e.level <> r.level OR e.live = 0 THEN 'update'
             ELSE 'same'
           END AS action
    FROM rows r LEFT JOIN existing e ON e.code = r.code
    WHERE r.reason IS NULL
    ORDER BY r.code
    """)


def _result(duck: duckdb.DuckDBPyConnection) -> LoadResult:
    counts = dict(duck.execute("SELECT action, count(*) FROM plan GROUP BY action").fetchall())
    refused = to_arrow(
        duck,
        "SELECT _file AS file, _row AS row, code, name, parent_code, level_text AS level, reason AS slug "
        "FROM rows WHERE reason IS NOT NULL ORDER BY _seq",
    ).to_pylist()
    total = duck.execute("SELECT count(*) FROM rows").fetchone()
    return LoadResult(
        read=int(total[0]) if total else 0,
        inserted=int(counts.get("insert", 0)),
        updated=int(counts.get("update", 0)),
        unchanged=int(counts.get("same", 0)),
        rejected=len(refused),
        problems=[_problem(row) for row in refused],
        rejected_rows=refused,
    )


def _problem(row: dict[str, Any]) -> Problem:
    rejection = REJECTIONS[row["slug"]]
    where = Location(sheet=row["file"], row=int(row["row"]), field=rejection.field)
    return Problem(row["slug"], rejection.message, where, value=row[rejection.field], expected=rejection.expected)


# --- writing ---------------------------------------------------------------------------------------------------


def _write(
    *,
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    actor: Actor,
    paths: list[Path],
    result: LoadResult,
    scratch: Path | None,
) -> None:
    """Insert the new codes and update the changed ones, all in one changeset; the caller commits."""
    sources = ", ".join(path.name for path in paths)
    changeset = open_changeset(session=session, actor=actor, purpose="导入统计用区划代码", source=sources[:500])
    stamp = utcnow()
    ids = f"{changeset.id} AS created_changeset_id, {changeset.id} AS updated_changeset_id"
    columns = [*COLUMNS, "created_changeset_id", "updated_changeset_id", "updated_at"]
    query = (
        f"SELECT code, name, parent_code, level, {ids}, '{stamp.isoformat(sep=' ')}' AS updated_at "
        "FROM plan WHERE action = 'insert'"
    )
    load(session, duck, table=TABLE, columns=columns, query=query, scratch=scratch)
    if result.updated:
        _update(session=session, duck=duck, changeset=changeset, stamp=stamp, scratch=scratch)
    analyze(session, TABLE)  # the tree's range reads by level (dashboards, 行政区划) plan on these
    changeset.summary = {
        "read": result.read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }
    session.flush()


def _update(
    *, session: Session, duck: duckdb.DuckDBPyConnection, changeset: Changeset, stamp: datetime, scratch: Path | None
) -> None:
    """Stage the changed rows in a temporary table and update them with one statement, then audit each."""
    # DDL is transactional on both databases: if anything fails, the caller's rollback removes the stage too.
    session.execute(text(_STAGE_SQL))
    query = "SELECT code, name, parent_code, level FROM plan WHERE action = 'update'"
    load(session, duck, table=STAGE, columns=list(COLUMNS), query=query, scratch=scratch)
    update = text(_UPDATE_SQL).bindparams(bindparam("stamp", type_=DateTime()))
    session.execute(update, {"changeset": changeset.id, "stamp": stamp})
    session.execute(text(f"DROP TABLE {STAGE}"))
    _audit_updates(session=session, duck=duck, changeset=changeset)
    # The UPDATE bypassed the ORM: units already loaded in this session must be read again.
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Division):
            session.expire(instance)


_STAGE_SQL = f"""
CREATE TEMPORARY TABLE {STAGE} (
  code VARCHAR(12) PRIMARY KEY, name VARCHAR(100), parent_code VARCHAR(12), level SMALLINT
)
"""

_UPDATE_SQL = f"""
UPDATE {TABLE} SET name = s.name, parent_code = s.parent_code, level = s.level, valid_to = NULL,
       updated_changeset_id = :changeset, updated_at = :stamp
FROM {STAGE} AS s WHERE {TABLE}.code = s.code
"""


def _audit_updates(*, session: Session, duck: duckdb.DuckDBPyConnection, changeset: Changeset) -> None:
    """One audit event per changed unit, with the values it replaced."""
    changed = to_arrow(duck, "SELECT * FROM plan WHERE action = 'update' ORDER BY code").to_pylist()
    for row in changed:
        old = {"name": row["old_name"], "parent_code": row["old_parent_code"], "level": row["old_level"]}
        new = {"name": row["name"], "parent_code": row["parent_code"], "level": row["level"]}
        if not row["old_live"]:
            old, new = {**old, "retired": True}, {**new, "retired": False}
        before, after = diff(old, new)
        record(
            session=session,
            changeset=changeset,
            entity=TABLE,
            entity_id=row["code"],
            action="update",
            before=before,
            after=after,
        )
