"""Resolve the 省/市/县/乡/村 name columns of national exports to 12-digit village codes, set-wise."""

import duckdb
from sqlalchemy.orm import Session

from fupin.divisions import service as divisions
from fupin.engine.duck import register
from fupin.tabular.layout import LOCATION_LEVELS

# Exports write "XX村" where the NBS table says "XX村委会"; compare names without these endings.
SUFFIXES = "(村民委员会|居民委员会|社区居委会|村委会|居委会|办事处|社区|村)$"


def name_key(expression: str) -> str:
    """A name without its committee endings: 东山社区居民委员会, 东山社区 and 东山 all key to 东山."""
    once = f"regexp_replace({expression}, '{SUFFIXES}', '')"
    return f"regexp_replace({once}, '{SUFFIXES}', '')"


def resolve_names(session: Session, duck: duckdb.DuckDBPyConnection, source: str) -> None:
    """Create workspace table `loc_path` (the five names, code_5): code_5 is NULL where no single village matches."""
    paths = ", ".join(f"location__{level}" for level in LOCATION_LEVELS)
    duck.execute(f"CREATE OR REPLACE TABLE loc_path AS SELECT DISTINCT {paths} FROM {source}")
    provinces = duck.execute("SELECT DISTINCT location__province FROM loc_path").fetchall()
    province_codes = _province_prefixes(session, [name for (name,) in provinces if name])
    register(duck, "div", divisions.table_under(session=session, prefixes=province_codes or ["XX"]))
    duck.execute(f"CREATE OR REPLACE TABLE div_key AS SELECT *, {name_key('name')} AS name_key FROM div")
    _walk_levels(duck)
    for scratch in ("div", "div_key", "pick"):
        duck.execute(f"DROP TABLE IF EXISTS {scratch}")


def _province_prefixes(session: Session, names: list[str]) -> list[str]:
    found = []
    for unit in divisions.children(session=session, code=None):
        key = unit.name.removesuffix("省").removesuffix("市").removesuffix("自治区")
        if any(name == unit.name or name.startswith(key) for name in names):
            found.append(unit.code[:2])
    return found


def _walk_levels(duck: duckdb.DuckDBPyConnection) -> None:
    """Match level by level under the unit found one level up: an exact name, else a unique name key."""
    duck.execute(
        "CREATE OR REPLACE TABLE loc_path AS SELECT row_number() OVER () AS path_id, *, NULL::VARCHAR AS code_0 "
        "FROM loc_path"
    )
    for depth, level in enumerate(LOCATION_LEVELS, start=1):
        parent = "d.parent_code IS NULL" if depth == 1 else f"d.parent_code = p.code_{depth - 1}"
        name = f"p.location__{level}"
        duck.execute(
            f"""
            CREATE OR REPLACE TABLE pick AS
            SELECT p.path_id,
                   CASE WHEN count(*) FILTER (WHERE d.name = {name}) = 1 THEN max(d.code) FILTER (WHERE d.name = {name})
                        WHEN count(*) FILTER (WHERE d.name = {name}) = 0 AND count(*) = 1 THEN max(d.code) END AS code
            FROM loc_path p JOIN div_key d
              ON d.level = {depth} AND {parent}
             AND (d.name = {name} OR d.name_key = {name_key(name)})
            GROUP BY p.path_id
            """
        )
        duck.execute(
            f"CREATE OR REPLACE TABLE loc_path AS SELECT p.*, k.code AS code_{depth} "
            "FROM loc_path p LEFT JOIN pick k USING (path_id)"
        )
        if level == "county":
            # Prefecture cities without counties (东莞, 中山, 儋州): exports repeat the city as the county.
            duck.execute(
                "UPDATE loc_path SET code_3 = code_2 WHERE code_3 IS NULL AND location__county = location__prefecture"
            )
