"""Tree queries over the division hierarchy: unit, parent chain, children, descendants by prefix, find by name."""

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import ColumnElement, SQLColumnExpression, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from fupin.divisions.codes import CODE_LENGTH, NATIVE_LENGTH, pad, prefix_range
from fupin.divisions.models import Division
from fupin.engine.base import fetch

LIVE = Division.valid_to.is_(None)


def get(*, session: Session, code: str) -> Division | None:
    return session.get(Division, code)


@dataclass(frozen=True, slots=True)
class ChainUnit:
    code: str
    name: str
    parent_code: str | None
    level: int


CHAIN_COLUMNS = (Division.code, Division.name, Division.parent_code, Division.level)
# Built once, with one parameter per level: most pages show a breadcrumb, and building the statement (or expanding an
# IN list) cost more than running it.
_BY_CODES = select(*CHAIN_COLUMNS).where(Division.code.in_([bindparam(f"code{level}") for level in NATIVE_LENGTH]))
_BY_CODE = select(*CHAIN_COLUMNS).where(Division.code == bindparam("code"))


def parent_chain(*, session: Session, code: str) -> list[ChainUnit]:
    """The unit and its ancestors, province first, following `parent_code`.

    One statement loads the unit and the units its code's prefixes name (a statistical code's ancestors are almost
    always those); a parent outside that set (a unit moved under another) is looked up by key on the way.
    """
    candidates = {f"code{level}": pad(code[:length]) for level, length in NATIVE_LENGTH.items()}
    candidates[f"code{max(NATIVE_LENGTH)}"] = code
    return chain_from(
        session=session, code=code, loaded=[ChainUnit(*row) for row in session.execute(_BY_CODES, candidates)]
    )


def chain_condition(code: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """`Division` rows that are the unit `code` names and the units its prefixes name, for a statement that reads
    them along with whatever holds the code (a household's page and its breadcrumbs in one round trip)."""
    prefixes = [func.substr(code, 1, length).concat("0" * (CODE_LENGTH - length)) for length in NATIVE_LENGTH.values()]
    return Division.code.in_([*prefixes[:-1], code])


def chain_from(*, session: Session, code: str, loaded: Sequence[ChainUnit]) -> list[ChainUnit]:
    """`parent_chain` from units already read (those `chain_condition` finds), looking up by key any others."""
    by_code = {unit.code: unit for unit in loaded}
    chain: list[ChainUnit] = []
    current = by_code.get(code)  # the unit itself is always among those read
    while current is not None and len(chain) < len(NATIVE_LENGTH):
        chain.append(current)
        parent = current.parent_code
        current = (by_code.get(parent) or _unit(session, parent)) if parent else None
    return list(reversed(chain))


def _unit(session: Session, code: str) -> ChainUnit | None:
    row = session.execute(_BY_CODE, {"code": code}).first()
    return ChainUnit(*row) if row else None


def children(*, session: Session, code: str | None) -> list[Division]:
    """Units directly under `code` (provinces when None)."""
    condition = Division.parent_code.is_(None) if code is None else Division.parent_code == code
    return list(session.scalars(select(Division).where(condition, LIVE).order_by(Division.code)))


def descendants(*, session: Session, prefix: str, level: int | None = None) -> list[Division]:
    """Every unit whose code starts with `prefix`, optionally at one level only."""
    low, high = prefix_range(prefix)
    statement = select(Division).where(Division.code >= low, Division.code < high, LIVE)
    if level is not None:
        statement = statement.where(Division.level == level)
    return list(session.scalars(statement.order_by(Division.code)))


def count_by_level(*, session: Session, prefix: str = "") -> dict[int, int]:
    low, high = prefix_range(prefix)
    statement = (
        select(Division.level, func.count())
        .where(Division.code >= low, Division.code < high, LIVE)
        .group_by(Division.level)
    )
    return {int(level): int(total) for level, total in session.execute(statement).all()}


def find(*, session: Session, name: str, under: str = "", limit: int = 50) -> list[Division]:
    """Units whose name contains `name`, within a prefix, shortest names first."""
    low, high = prefix_range(under)
    statement = (
        select(Division)
        .where(Division.name.contains(name, autoescape=True), Division.code >= low, Division.code < high, LIVE)
        .order_by(Division.level, func.length(Division.name), Division.code)
        .limit(limit)
    )
    return list(session.scalars(statement))


def table_under(*, session: Session, prefixes: Sequence[str]) -> pa.Table:
    """code, name, parent_code, level of every live unit under any of the prefixes, for set-wise matching."""
    ranges = [prefix_range(prefix) for prefix in prefixes]
    within = or_(*(and_(Division.code >= low, Division.code < high) for low, high in ranges))
    statement = select(Division.code, Division.name, Division.parent_code, Division.level).where(LIVE, within)
    types: dict[str, pa.DataType] = {"code": pa.string(), "name": pa.string(), "parent_code": pa.string()}
    schema = pa.schema(types | {"level": pa.int64()})
    return fetch(session, statement, schema)


def existing_codes(*, session: Session, codes: Sequence[str]) -> pa.Table:
    """code and level of the given codes that exist (live)."""
    types: dict[str, pa.DataType] = {"code": pa.string(), "level": pa.int64()}
    schema = pa.schema(types)
    rows: list[pa.Table] = []
    for start in range(0, len(codes), 5_000):
        chunk = list(codes[start : start + 5_000])
        rows.append(fetch(session, select(Division.code, Division.level).where(Division.code.in_(chunk), LIVE), schema))
    return pa.concat_tables(rows) if rows else schema.empty_table()


def names(*, session: Session, codes: Sequence[str]) -> dict[str, str]:
    """code → name of the given live units, in one query (for labelling a page of rows)."""
    if not codes:
        return {}
    statement = select(Division.code, Division.name).where(Division.code.in_(set(codes)), Division.valid_to.is_(None))
    return {str(code): str(name) for code, name in session.execute(statement)}
