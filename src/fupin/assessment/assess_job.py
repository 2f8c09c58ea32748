"""An assessment run as a background job: the same `assess` as `fupin assess`, its progress on the job's row."""

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.divisions import codes
from fupin.divisions import service as divisions
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, NotFoundError, Problem
from fupin.jobs.worker import JobContext
from fupin.registry import codelists
from fupin.standards import service as standards

KIND = "assess"
YEARS = (2000, 2100)


def parameters(*, year: int, scope_prefix: str, actor: Actor) -> dict[str, Any]:
    """What the job needs, as JSON: the year, the division prefix to assess (checked against the user's scope)."""
    return {
        "year": year,
        "scope_prefix": scope_prefix,
        "actor": {"name": actor.name, "channel": actor.channel, "origin": actor.origin},
    }


def run(context: JobContext) -> dict[str, Any]:
    values = context.parameters
    finished = assess(
        session=context.session,
        year=int(values["year"]),
        scope=Scope.of(str(values["scope_prefix"])),
        actor=Actor(**values["actor"]),
        lists=codelists.load(context.settings.codelists_file),
        progress=context.progress,
    )
    return {
        "run_id": finished.id,
        "year": finished.year,
        "scope_prefix": finished.scope_prefix,
        "standard_set_id": finished.standard_set_id,
        "households": finished.households,
        "meeting": finished.meeting,
    }


def check_request(*, session: Session, scope: Scope, year: object, division: str) -> tuple[int, str]:
    """The year and the division prefix to assess, refused as a user would need it said.

    A division outside the user's scope is answered as one that does not exist (404), never as forbidden.
    """
    when = _year(year)
    prefix = _division(session, scope, division.strip())
    standard = standards.current(session=session)
    try:
        standards.lines_for(session=session, standard=standard, year=when, province_code=prefix[:2] or "00")
    except FupinError as error:
        raise FupinError(
            *[replace(p, location=Location(field="year"), value=str(when)) for p in error.problems]
        ) from None
    return when, prefix


def _year(value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or not YEARS[0] <= int(text) <= YEARS[1]:
        raise FupinError(
            Problem("bad-year", "评估年度须为四位年份", Location(field="year"), text, f"{YEARS[0]}—{YEARS[1]}")
        )
    return int(text)


def _division(session: Session, scope: Scope, code: str) -> str:
    if scope.view_prefix is None:
        raise FupinError(Problem("scope-empty", "没有可评估的范围", expected="有查看范围的用户"))
    prefix = scope.view_prefix if code == "" else (codes.prefix(code) if len(code) == codes.CODE_LENGTH else code)
    known = prefix == "" or (
        prefix.isdigit()
        and len(prefix) in codes.NATIVE_LENGTH.values()
        and divisions.get(session=session, code=codes.pad(prefix)) is not None
    )
    if not known or not scope.covers(prefix):
        raise NotFoundError(
            Problem(
                "division-not-found", f"区划代码 {code[:20]} 不存在或不在您的数据范围内", Location(field="division")
            )
        )
    return prefix
