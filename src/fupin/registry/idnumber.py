"""Citizen ID numbers (公民身份号码, GB 11643-1999) and the other ID types the registry accepts.

Each rule exists twice, as a Python check for one value (forms, explanations) and as a DuckDB SQL
condition for whole files; tests/registry/test_registry_idnumber.py proves the two agree.
"""

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Mainland provinces, Taiwan (71), and the residence-permit prefixes 81/82/83; a leading 9 marks the
# 2023 foreign permanent-resident ID. Historical county codes are not checked: old codes stay valid.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
CITIZEN_TYPES = frozenset({"居民身份证", "港澳居民居住证", "台湾居民居住证", "外国人永久居留身份证"})
NUMERIC_LOOK = re.compile(r"^[0-9]+(\.[0-9]*)?E[+-]?[0-9]+$|^[0-9]+\.[0-9]*$")
OTHER_ID = re.compile(r"^[0-9A-Z\-]{1,32}$")


@dataclass(frozen=True, slots=True)
class IdProblem:
    slug: str
    message: str
    expected: str


PROBLEMS = {
    "id-numeric": IdProblem(
        "id-numeric",
        "证件号码以数字或科学计数法格式存储，末几位数字可能已被 Excel 改写，无法确认原号码",
        "将该列设为文本格式后重新填写完整的18位号码",
    ),
    "id-length": IdProblem("id-length", "证件号码位数不对", "18位公民身份号码（15位旧号码会自动升位）"),
    "id-format": IdProblem("id-format", "证件号码含有非法字符", "前17位为数字，第18位为数字或大写字母X"),
    "id-region": IdProblem("id-region", "证件号码前两位不是有效的省级地址码", "以有效省份代码开头（如52为贵州）"),
    "id-birth-date": IdProblem(
        "id-birth-date", "证件号码中的出生日期无效或晚于今天", "第7至14位为真实的出生日期YYYYMMDD"
    ),
    "id-checksum": IdProblem("id-checksum", "证件号码校验位错误", "按GB 11643-1999计算的校验位"),
    "id-disability-suffix": IdProblem(
        "id-disability-suffix", "残疾人证号的最后两位无效", "18位身份证号+残疾类别(1-7)+残疾等级(1-4)，共20位"
    ),
    "id-other-format": IdProblem("id-other-format", "证件号码格式无效", "1至32位数字、大写字母或连字符"),
}


def check_char(body17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(body17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade_15(number: str) -> str:
    """A first-generation 15-digit number (GB 11643-1989) in its 18-digit form."""
    body = number[:6] + "19" + number[6:]
    return body + check_char(body)


def normalize(number: str) -> str:
    """Trimmed, upper-case X, and a 15-digit legacy number upgraded; anything else is left as typed."""
    value = number.strip().upper()
    if len(value) == 15 and value.isdigit():
        return upgrade_15(value)
    return value


def citizen_problem(number: str, *, today: date, min_birth_year: int) -> IdProblem | None:
    """The first rule an 18-character citizen number breaks, or None."""
    if NUMERIC_LOOK.match(number):
        return PROBLEMS["id-numeric"]
    if len(number) != 18:
        return PROBLEMS["id-length"]
    if not (number[:17].isascii() and number[:17].isdigit()) or not (number[17].isdigit() or number[17] == "X"):
        return PROBLEMS["id-format"]
    if number[:2] not in PROVINCES and number[0] != "9":
        return PROBLEMS["id-region"]
    born = birth_date(number)
    if born is None or born > today or born.year < min_birth_year:
        return PROBLEMS["id-birth-date"]
    if check_char(number[:17]) != number[17]:
        return PROBLEMS["id-checksum"]
    return None


def problem(number: str, id_type: str = "居民身份证", *, today: date, min_birth_year: int = 1850) -> IdProblem | None:
    """The first rule a (normalised) number of the given ID type breaks, or None when valid."""
    if id_type == "残疾人证":
        if NUMERIC_LOOK.match(number):
            return PROBLEMS["id-numeric"]
        if len(number) != 20:
            return PROBLEMS["id-length"]
        found = citizen_problem(number[:18], today=today, min_birth_year=min_birth_year)
        if found is not None:
            return found
        if number[18] not in "1234567" or number[19] not in "1234":
            return PROBLEMS["id-disability-suffix"]
        return None
    if id_type in CITIZEN_TYPES:
        return citizen_problem(number, today=today, min_birth_year=min_birth_year)
    return None if OTHER_ID.match(number) else PROBLEMS["id-other-format"]


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex(number: str) -> str:
    """男 for an odd sequence digit (position 17), 女 for an even one."""
    return "男" if int(number[16]) % 2 else "女"


def carries_identity(id_type: str) -> bool:
    """Whether the number encodes birth date and sex (citizen numbers and disability certificates)."""
    return id_type in CITIZEN_TYPES or id_type == "残疾人证"


# --- the same rules as DuckDB SQL over a column ---------------------------------------------------


def sql_normalize(column: str) -> str:
    """DuckDB expression: upper-case, and 15-digit numbers upgraded to 18 digits."""
    upper = f"upper({column})"
    body = f"(substr({upper}, 1, 6) || '19' || substr({upper}, 7, 9))"
    return f"CASE WHEN regexp_full_match({upper}, '[0-9]{{15}}') THEN {body} || {sql_check_char(body)} ELSE {upper} END"


def sql_check_char(body17: str) -> str:
    terms = " + ".join(f"CAST(substr({body17}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr('{CHECK_CHARS}', (({terms}) % 11) + 1, 1)"


def sql_birth(column: str) -> str:
    return f"try_strptime(substr({column}, 7, 8), '%Y%m%d')"


def sql_citizen_problem(column: str, *, today: date, min_birth_year: int) -> str:
    """DuckDB CASE expression giving the slug of the first broken rule, or NULL."""
    provinces = ", ".join(f"'{code}'" for code in sorted(PROVINCES))
    birth = sql_birth(column)
    return (
        "CASE "
        f"WHEN regexp_full_match({column}, '[0-9]+(\\.[0-9]*)?E[+-]?[0-9]+|[0-9]+\\.[0-9]*') THEN 'id-numeric' "
        f"WHEN length({column}) <> 18 THEN 'id-length' "
        f"WHEN NOT regexp_full_match({column}, '[0-9]{{17}}[0-9X]') THEN 'id-format' "
        f"WHEN substr({column}, 1, 2) NOT IN ({provinces}) AND substr({column}, 1, 1) <> '9' THEN 'id-region' "
        f"WHEN {birth} IS NULL OR {birth} > DATE '{today.isoformat()}' "
        f"OR year({birth}) < {min_birth_year} THEN 'id-birth-date' "
        f"WHEN {sql_check_char(f'substr({column}, 1, 17)')} <> substr({column}, 18, 1) THEN 'id-checksum' "
        "END"
    )


def sql_problem(number: str, id_type: str, *, today: date, min_birth_year: int) -> str:
    """DuckDB expression: the slug of the first rule broken by `number` of type `id_type`, or NULL."""
    citizen = sql_citizen_problem(number, today=today, min_birth_year=min_birth_year)
    head = f"substr({number}, 1, 18)"
    disability_head = sql_citizen_problem(head, today=today, min_birth_year=min_birth_year)
    citizen_types = ", ".join(f"'{kind}'" for kind in sorted(CITIZEN_TYPES))
    return (
        f"CASE WHEN {id_type} = '残疾人证' THEN ("
        f"CASE WHEN regexp_full_match({number}, '[0-9]+(\\.[0-9]*)?E[+-]?[0-9]+|[0-9]+\\.[0-9]*') THEN 'id-numeric' "
        f"WHEN length({number}) <> 20 THEN 'id-length' "
        f"WHEN ({disability_head}) IS NOT NULL THEN ({disability_head}) "
        f"WHEN NOT regexp_full_match(substr({number}, 19, 2), '[1-7][1-4]') THEN 'id-disability-suffix' END) "
        f"WHEN {id_type} IN ({citizen_types}) THEN ({citizen}) "
        f"WHEN NOT regexp_full_match({number}, '[0-9A-Z\\-]{{1,32}}') THEN 'id-other-format' END"
    )
