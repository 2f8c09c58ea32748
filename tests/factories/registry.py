"""Rows in the national member layout, built person by person with valid defaults (factories, not fixtures)."""

import csv
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from fupin.divisions.scope import Scope
from fupin.registry.idnumber import check_char
from fupin.tabular.layout import layouts

# 威宁县 草海镇 东山社区 and a second village of the same town.
VILLAGE = {"省": "贵州省", "市": "毕节市", "县": "威宁彝族回族苗族自治县", "乡": "草海镇", "村": "东山社区"}
VILLAGE_CODE = "520526100034"
OTHER_VILLAGE = {**VILLAGE, "村": "同心社区"}
_sequence = itertools.count(1)


def national_headers() -> list[str]:
    return [c.header for c in layouts()["national_member"].columns if c.header != "村代码"]


def citizen_id(birth: str = "19800101", sex: str = "男", county: str = "520526") -> str:
    """A valid 18-digit ID with a fresh sequence number of the right parity."""
    seq = next(_sequence) % 499 * 2 + (1 if sex == "男" else 0)
    body = f"{county}{birth}{seq:03d}"
    return body + check_char(body)


@dataclass
class Person:
    household: str
    relation: str = "户主"
    name: str = "张三"
    sex: str = "男"
    birth: str = "19800101"
    id_number: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    location: dict[str, str] = field(default_factory=lambda: dict(VILLAGE))

    def row(self) -> dict[str, str]:
        number = self.id_number or citizen_id(self.birth, self.sex)
        self.id_number = number
        base = {
            **self.location,
            "户编号": self.household,
            "人口编号": self.household + "01",
            "姓名": self.name,
            "性别": self.sex,
            "证件类型": "居民身份证",
            "证件号码": number,
            "民族": "汉族",
            "户联系电话": "13800000000",
            "年度": "2020",
            "与户主关系": self.relation,
            "文化程度": "初中",
            "劳动技能": "普通劳动力",
            "健康状况": "健康",
            "是否享受低保": "否",
            "是否参加大病保险": "是",
            "识别标准": "国家标准",
        }
        base.update(self.extra)
        return base


def family(household: str, size: int = 3, **location: str) -> list[Person]:
    """A head, a spouse and children: a valid household of `size` people."""
    where = {**VILLAGE, **location}
    people = [Person(household, "户主", "张大", "男", "19750304", location=where)]
    if size > 1:
        people.append(Person(household, "配偶", "李梅", "女", "19780509", location=where))
    for index in range(size - 2):
        child = Person(
            household,
            "之子" if index % 2 == 0 else "之女",
            f"张小{index}",
            "男" if index % 2 == 0 else "女",
            "20100101",
            location=where,
        )
        child.extra = {"文化程度": "", "在校生状况": "七年级"}
        people.append(child)
    return people


def write_csv(path: Path, people: list[Person], headers: list[str] | None = None) -> Path:
    headers = headers or national_headers()
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for person in people:
            row = person.row()
            writer.writerow([row.get(header, "") for header in headers])
    return path


def load_people(session: "Session", folder: Path, people: list[Person], name: str = "people.csv") -> None:
    """Put households and members into the database through the real importer, as officials would."""
    from datetime import date

    from fupin.audit import Actor
    from fupin.config import Settings
    from fupin.registry.importer import import_file

    result = import_file(
        session=session,
        path=write_csv(folder / name, people),
        actor=Actor("factory", "import"),
        settings=Settings(),
        scope=Scope.everything(),
        today=date(2026, 11, 23),
    )
    assert result.total("rejected") == 0, [p.text() for sheet in result.sheets for p in sheet.problems]
    session.commit()
