"""Field checks compiled from the field specs into DuckDB SQL: each field yields a typed value and an error slug.

Every slug used here is listed in MESSAGES (and in docs/errors.md, which a test keeps complete).
"""

from dataclasses import dataclass
from datetime import date

from fupin.registry import idnumber
from fupin.registry.codelists import CodeList
from fupin.registry.fields import FieldSpec

FULL_WIDTH = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(code) for code in range(0x21, 0x7F)) + " "
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m", "%Y%m", "%Y年%m月")


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    expected: str | None = None


MESSAGES: dict[str, Message] = {
    "required": Message("必填项为空", "填写该项"),
    "too-long": Message("内容过长", "不超过规定字数"),
    "bad-code": Message("不是有效的代码值", None),
    "too-many-codes": Message("填写的项数过多", None),
    "bad-number": Message("不是有效的数字", "阿拉伯数字"),
    "out-of-range": Message("数值超出允许范围", None),
    "bad-bool": Message("只能填写「是」或「否」", "是 或 否"),
    "bad-date": Message("不是有效的日期或晚于今天", "如 2019-06-30 的日期"),
    "bad-year": Message("不是有效的年份", "四位年份，不晚于今年"),
    "bad-phone": Message("电话号码格式不对", "11位手机号，或区号加7-8位的固定电话"),
    "bad-division-code": Message("村代码不是12位数字", "12位统计用区划代码"),
    "unknown-division": Message("区划代码不存在", "已导入的区划代码表中的村级代码"),
    "not-village": Message("区划代码不是村级（第5级）代码", "12位村级统计用区划代码"),
    "unknown-village": Message("按省/市/县/乡/村名称找不到对应的村", "与统计用区划代码表一致的名称"),
    "village-out-of-scope": Message("该村不在您的数据录入范围内", "您的录入范围之内的村（请由上级或该村所属单位导入）"),
    "sex-mismatch": Message("性别与证件号码第17位不一致", "奇数为男，偶数为女"),
    "birth-mismatch": Message("出生日期与证件号码中的出生日期不一致", "与证件号码第7-14位相同"),
    "education-and-school": Message("文化程度和在校生状况只能填写其中一项", "在校生填写在校生状况，其他人填写文化程度"),
    "education-or-school-missing": Message("文化程度和在校生状况都未填写", "两项中填写一项"),
    "work-place-months": Message("务工所在地与务工时间（月）须同时填写或同时为空", "两项同时填写或同时为空"),
    "duplicate-id": Message("证件号码在本文件中重复出现", "一人只能在一户中登记一次"),
    "id-in-other-household": Message("该证件号码已在另一户登记", "先从原户中移除该成员，再导入"),
    "multiple-heads": Message("同一户有多个户主", "每户有且只有一个户主"),
    "no-head": Message("该户没有户主", "每户有且只有一个户主"),
    "multiple-spouses": Message("同一户有多个配偶", "每户最多一个配偶"),
    "spouse-same-sex": Message("配偶与户主性别相同", "配偶与户主性别不同"),
    "household-conflict": Message("同户各行的户级信息不一致", "同一户编号的各行填写相同的户级信息"),
    "duplicate-household": Message("户编号在本文件中重复出现", "每户一行"),
    "household-missing": Message("户编号不存在", "先导入户信息，或在同一工作簿的户信息表中填写该户"),
    "income-parts-mismatch": Message("收入合计与其分项之和不一致", None),
    "net-income-mismatch": Message(
        "纯收入与按公式计算的结果不一致", "工资性+生产经营性+财产性+转移性收入−生产经营性支出"
    ),
    "per-capita-mismatch": Message("人均纯收入与纯收入÷家庭人口数不一致", None),
    **{slug: Message(problem.message, problem.expected) for slug, problem in idnumber.PROBLEMS.items()},
}


def q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


FULL_WIDTH_PATTERN = "[\uff01-\uff5e\u3000]"


def clean(column: str) -> str:
    """Trim, fold full-width ASCII to half-width, and make blanks NULL.

    Cleaning runs on every cell, so the common cases take the cheap paths: plain ASCII (byte length equals
    character length) is trimmed only when it starts or ends with a space, and translate, which costs
    microseconds per value, runs only on the rare values that hold full-width text.
    """
    folded = f"trim(translate({column}, {q(FULL_WIDTH)}, {q(HALF_WIDTH)}))"
    ascii_text = (
        f"CASE WHEN starts_with({column}, ' ') OR ends_with({column}, ' ') THEN trim({column}) ELSE {column} END"
    )
    text = (
        f"CASE WHEN strlen({column}) = length({column}) THEN {ascii_text} "
        f"WHEN regexp_matches({column}, {q(FULL_WIDTH_PATTERN)}) THEN {folded} ELSE trim({column}) END"
    )
    return f"NULLIF({text}, '')"


def canonical_code(value: str, codelist: CodeList) -> str:
    pairs = [(v, v) for v in codelist.values] + list(codelist.synonyms.items())
    whens = " ".join(f"WHEN {q(given)} THEN {q(stored)}" for given, stored in pairs)
    return f"CASE {value} {whens} END"


def _number(value: str) -> str:
    return f"TRY_CAST(replace({value}, ',', '') AS DOUBLE)"


def _range_error(number: str, spec: FieldSpec) -> str:
    bounds = []
    if spec.minimum is not None:
        bounds.append(f"{number} < {spec.minimum}")
    if spec.maximum is not None:
        bounds.append(f"{number} > {spec.maximum}")
    return " OR ".join(bounds) or "false"


def typed(spec: FieldSpec, value: str, lists: dict[str, CodeList], today: date) -> tuple[str, str]:
    """(typed-value expression, error-slug expression) for one field whose cleaned text is `value`."""
    kind = spec.kind
    if kind in ("text",):
        return value, f"CASE WHEN length({value}) > {spec.max_length} THEN 'too-long' END"
    if kind == "code":
        stored = canonical_code(value, lists[spec.codelist or ""])
        return stored, f"CASE WHEN {value} IS NOT NULL AND ({stored}) IS NULL THEN 'bad-code' END"
    if kind == "codes":
        return _codes(spec, value, lists[spec.codelist or ""])
    if kind in ("int", "decimal", "year"):
        return _numeric(spec, value, today)
    if kind == "bool":
        stored = f"CASE {value} WHEN '是' THEN true WHEN '否' THEN false END"
        return stored, f"CASE WHEN {value} IS NOT NULL AND ({stored}) IS NULL THEN 'bad-bool' END"
    if kind == "date":
        formats = "[" + ", ".join(q(fmt) for fmt in DATE_FORMATS) + "]"
        stored = f"CAST(try_strptime({value}, {formats}) AS DATE)"
        bad = f"({stored}) IS NULL OR ({stored}) > DATE {q(today.isoformat())}"
        return stored, f"CASE WHEN {value} IS NOT NULL AND ({bad}) THEN 'bad-date' END"
    if kind == "phone":
        digits = f"regexp_replace({value}, '[\\s\\-]', '', 'g')"
        ok = f"regexp_full_match({digits}, '1[3-9][0-9]{{9}}|0[0-9]{{9,11}}|[2-9][0-9]{{6,7}}')"
        return digits, f"CASE WHEN {value} IS NOT NULL AND NOT {ok} THEN 'bad-phone' END"
    if kind == "division":
        return (
            value,
            f"CASE WHEN {value} IS NOT NULL AND NOT regexp_full_match({value}, '[0-9]{{12}}') THEN "
            "'bad-division-code' END",
        )
    if kind == "id_number":
        return idnumber.sql_normalize(value), "NULL"  # checked with its ID type in the member rules
    raise ValueError(f"no check for field kind {kind}")


def _numeric(spec: FieldSpec, value: str, today: date) -> tuple[str, str]:
    number = _number(value)
    if spec.kind == "year":
        bad = f"{number} IS NULL OR {number} <> floor({number}) OR {number} < 1900 OR {number} > {today.year}"
        return f"CAST({number} AS INTEGER)", f"CASE WHEN {value} IS NOT NULL AND ({bad}) THEN 'bad-year' END"
    integral = f" OR {number} <> floor({number})" if spec.kind == "int" else ""
    stored = f"CAST({number} AS INTEGER)" if spec.kind == "int" else number
    error = (
        f"CASE WHEN {value} IS NULL THEN NULL WHEN {number} IS NULL{integral} THEN 'bad-number' "
        f"WHEN {_range_error(number, spec)} THEN 'out-of-range' END"
    )
    return stored, error


def _codes(spec: FieldSpec, value: str, codelist: CodeList) -> tuple[str, str]:
    items = f"list_filter(list_transform(string_split_regex({value}, '[,、;/]'), lambda x: trim(x)), lambda x: x <> '')"
    mapped = f"list_transform({items}, lambda x: {canonical_code('x', codelist)})"
    order = "[" + ", ".join(q(v) for v in codelist.values) + "]"
    stored = (
        f"CASE WHEN {value} IS NOT NULL THEN array_to_string(list_filter({order}, lambda v: "
        f"list_contains({mapped}, v)), ',') END"
    )
    error = (
        f"CASE WHEN {value} IS NULL THEN NULL WHEN list_contains(list_transform({mapped}, lambda x: x IS NULL), true) "
        f"THEN 'bad-code' WHEN len(list_distinct({mapped})) > {spec.max_items or 99} THEN 'too-many-codes' END"
    )
    return stored, error


def describe(
    spec: FieldSpec | None, slug: str, detail: str | None, lists: dict[str, CodeList]
) -> tuple[str, str | None]:
    """(message, expected) of a problem, the same words for the error workbook, the pages and the API."""
    message = MESSAGES[slug].text + (f"（{detail}）" if detail else "")
    return message, expected_for(spec, slug, lists) if spec else MESSAGES[slug].expected


def expected_for(spec: FieldSpec, slug: str, lists: dict[str, CodeList]) -> str | None:
    """What a user should write instead, for messages that depend on the field."""
    if slug == "bad-code" and spec.codelist:
        return lists[spec.codelist].describe()
    if slug == "too-many-codes":
        return f"最多{spec.max_items}项，用逗号分隔"
    if slug == "too-long":
        return f"不超过{spec.max_length}字"
    if slug == "out-of-range" and spec.minimum is not None and spec.maximum is not None:
        return f"{spec.minimum:g}～{spec.maximum:g}"
    return MESSAGES[slug].expected
