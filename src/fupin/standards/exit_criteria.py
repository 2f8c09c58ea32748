"""Exit thresholds as data of a standard (its `[exit]` table), with the national values as defaults."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fupin.errors import FupinError, Location, Problem

WESTERN_PROVINCES = ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")


@dataclass(frozen=True, slots=True)
class ExitCriteria:
    incidence_max: float = 0.02
    incidence_max_west: float = 0.03
    wrong_exit_max: float = 0.02
    missed_max: float = 0.02
    approval_min: float = 0.90
    western_provinces: tuple[str, ...] = WESTERN_PROVINCES

    def incidence_limit(self, division_code: str) -> float:
        return self.incidence_max_west if division_code[:2] in self.western_provinces else self.incidence_max

    @classmethod
    def from_data(cls, data: Mapping[str, Any], source: str = "") -> "ExitCriteria":
        """Criteria from a standard's `[exit]` table; missing keys keep the national defaults."""
        problems = []
        values: dict[str, Any] = {}
        for name in ("incidence_max", "incidence_max_west", "wrong_exit_max", "missed_max", "approval_min"):
            if name not in data:
                continue
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                problems.append(
                    Problem(
                        "standard-field",
                        f"「{name}」须为0到1之间的比例",
                        Location(sheet=source, field=f"exit.{name}"),
                        str(value),
                        "如 0.02 表示 2%",
                    )
                )
            else:
                values[name] = float(value)
        if "western_provinces" in data:
            values["western_provinces"] = tuple(str(code) for code in data["western_provinces"])
        if problems:
            raise FupinError(*problems)
        return cls(**values)
