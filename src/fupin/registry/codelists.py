"""Code lists as data: the shipped TOML, optionally overridden by a deployment's own file."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    label: str
    values: tuple[str, ...]
    confirmed: bool
    multiple: bool = False
    synonyms: dict[str, str] = field(default_factory=dict)

    def canonical(self, value: str) -> str | None:
        """The stored label for a value or one of its synonyms; None when unknown."""
        if value in self.values:
            return value
        return self.synonyms.get(value)

    def describe(self) -> str:
        return "、".join(self.values)


def _parse(document: dict[str, dict[str, object]]) -> dict[str, CodeList]:
    lists = {}
    for name, spec in document.items():
        lists[name] = CodeList(
            name=name,
            label=str(spec["label"]),
            values=tuple(spec["values"]),  # type: ignore[arg-type]
            confirmed=bool(spec.get("confirmed", False)),
            multiple=bool(spec.get("multiple", False)),
            synonyms=dict(spec.get("synonyms", {})),  # type: ignore[call-overload]
        )
    return lists


@cache
def load(override: Path | None = None) -> dict[str, CodeList]:
    """The shipped code lists, with the lists of an override file replacing whole lists by name."""
    shipped = resources.files("fupin.registry").joinpath("codelists.toml").read_text(encoding="utf-8")
    lists = _parse(tomllib.loads(shipped))
    if override is not None:
        lists.update(_parse(tomllib.loads(override.read_text(encoding="utf-8"))))
    return lists
