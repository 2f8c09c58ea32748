"""fupin's own import template: layouts derived from the field specs, and the workbook `fupin template` writes."""

from pathlib import Path

import xlsxwriter

from fupin.registry import codelists
from fupin.registry.fields import HOUSEHOLD_BY_NAME, HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldSpec
from fupin.tabular.layout import REQUIRED_BY_KIND, Column, Layout

MEMBER_SHEET = "人口信息"
HOUSEHOLD_SHEET = "户信息"
TEXT_KINDS = frozenset({"id_number", "phone", "division", "text"})
# Members name their village too, so a member sheet alone can create its households (同户各行相同).
VILLAGE_COLUMN = Column("村代码", "household.division_code")
MEMBER_SHEET_FIELDS = (*MEMBER_FIELDS, HOUSEHOLD_BY_NAME["division_code"])


def _columns(scope: str, specs: tuple[FieldSpec, ...]) -> tuple[Column, ...]:
    return tuple(Column(spec.label, f"{scope}.{spec.name}", optional=not spec.required) for spec in specs)


def template_layouts() -> tuple[Layout, Layout]:
    household = Layout(
        "fupin_household",
        "fupin 户信息模板",
        "household",
        _columns("household", HOUSEHOLD_FIELDS) + _columns("income", INCOME_FIELDS),
        REQUIRED_BY_KIND["household"] | {"household.division_code"},
    )
    member = Layout(
        "fupin_member",
        "fupin 人口信息模板",
        "member",
        (*_columns("member", MEMBER_FIELDS), VILLAGE_COLUMN),
        REQUIRED_BY_KIND["member"],
    )
    return household, member


def _describe(spec: FieldSpec, lists: dict[str, codelists.CodeList]) -> str:
    if spec.kind == "id_number":
        return "18位公民身份号码（文本格式）；残疾人证为20位"
    if spec.kind == "division":
        return "12位统计用区划代码（村级）"
    if spec.kind in ("code", "codes") and spec.codelist:
        joined = lists[spec.codelist].describe()
        return f"可选值：{joined}" + (f"；可填多个，用逗号分隔，最多{spec.max_items}个" if spec.kind == "codes" else "")
    if spec.kind == "bool":
        return "是 或 否"
    if spec.kind in ("int", "decimal"):
        return (
            f"数字，{spec.minimum:g}～{spec.maximum:g}"
            if spec.minimum is not None and spec.maximum is not None
            else "数字"
        )
    if spec.kind in ("date",):
        return "日期，如 2019-06-30"
    if spec.kind == "year":
        return "四位年份，如 2020"
    if spec.kind == "phone":
        return "11位手机号或带区号的固定电话"
    return f"文字，最多{spec.max_length}字"


def write_template(path: Path, settings_codelists: Path | None = None) -> None:
    """Write the empty import template with instructions, drop-down lists and text-formatted ID columns."""
    lists = codelists.load(settings_codelists)
    workbook = xlsxwriter.Workbook(str(path))
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    codes = workbook.add_worksheet("代码表")
    ranges = _write_codes(codes, lists)
    for sheet_name, specs in ((HOUSEHOLD_SHEET, HOUSEHOLD_FIELDS + INCOME_FIELDS), (MEMBER_SHEET, MEMBER_SHEET_FIELDS)):
        sheet = workbook.add_worksheet(sheet_name)
        for index, spec in enumerate(specs):
            sheet.write_string(0, index, spec.label, required if spec.required else header)
            sheet.set_column(index, index, max(10, len(spec.label) * 2), text if spec.kind in TEXT_KINDS else None)
            if spec.kind == "code" or spec.kind == "bool":
                source = ranges[spec.codelist or "yes_no"]
                sheet.data_validation(
                    1, index, 100_000, index, {"validate": "list", "source": source, "ignore_blank": True}
                )
            sheet.write_comment(0, index, _describe(spec, lists))
        sheet.freeze_panes(1, 0)
    _write_instructions(workbook.add_worksheet("填写说明"), lists, header)
    codes.hide()
    workbook.close()


def _write_codes(sheet: "xlsxwriter.worksheet.Worksheet", lists: dict[str, codelists.CodeList]) -> dict[str, str]:
    ranges = {}
    for column, (name, codelist) in enumerate(lists.items()):
        sheet.write_string(0, column, codelist.label)
        for row, value in enumerate(codelist.values, start=1):
            sheet.write_string(row, column, value)
        letter = xlsxwriter.utility.xl_col_to_name(column)
        ranges[name] = f"=代码表!${letter}$2:${letter}${len(codelist.values) + 1}"
    return ranges


def _write_instructions(
    sheet: "xlsxwriter.worksheet.Worksheet", lists: dict[str, codelists.CodeList], bold: object
) -> None:
    rows = [
        ["填写说明"],
        ["1. 「户信息」每户一行，「人口信息」每人一行，两表用「户编号」关联；红色表头为必填项。"],
        ["2. 证件号码、电话、账号、村代码列已设为文本格式，请勿改为数字格式，否则 Excel 会丢失末尾数字。"],
        ["3. 导入后，有错误的行会写入错误工作簿，并在「错误原因」列说明；修改后可直接重新导入。"],
        [],
        ["表", "列", "说明"],
    ]
    for sheet_name, specs in ((HOUSEHOLD_SHEET, HOUSEHOLD_FIELDS + INCOME_FIELDS), (MEMBER_SHEET, MEMBER_SHEET_FIELDS)):
        rows.extend(
            [sheet_name, spec.label + ("（必填）" if spec.required else ""), _describe(spec, lists)] for spec in specs
        )
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row, bold if index in (0, 5) else None)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 90)
