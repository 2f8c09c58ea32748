"""Capture scope in an import: a row is rejected when its village, or the village its household is registered in,
lies outside the uploading user's capture prefix. Set-wise, in the workspace, like every other check."""

import duckdb

from fupin.divisions.scope import Scope
from fupin.registry.checks import q
from fupin.tabular.read import ROW

SLUG = "village-out-of-scope"


def scope_problems(duck: duckdb.DuckDBPyConnection, scope: Scope, household_key: str) -> None:
    """Flag rows outside `scope`'s capture prefix (needs `staged` with division_code, and `existing_households`)."""
    prefix = scope.capture_prefix
    if prefix == "":
        return  # the whole country: nothing lies outside
    outside = "TRUE" if prefix is None else f"NOT starts_with({{column}}, {q(prefix)})"
    reach = "无录入权限" if prefix is None else f"您的录入范围：区划代码以 {prefix} 开头"
    in_file = outside.format(column="s.division_code")
    duck.execute(
        f"INSERT INTO problems SELECT s.{ROW}, 'division_code', '{SLUG}', s.division_code__text, {q(reach)} "
        f"FROM staged s WHERE s.division_code IS NOT NULL AND {in_file}"
    )
    registered = outside.format(column="e.division_code")
    duck.execute(
        f"INSERT INTO problems SELECT s.{ROW}, 'division_code', '{SLUG}', s.{household_key}__text, "
        f"{q('该户已登记在录入范围之外的村；' + reach)} "
        f"FROM staged s JOIN existing_households e ON e.household_number = s.{household_key} "
        f"WHERE e.division_code IS NOT NULL AND {registered}"
    )
