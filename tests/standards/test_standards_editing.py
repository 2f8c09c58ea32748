"""Administrators' edits: each makes a new current version with only that change, audited; bad values are refused."""

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlglot import exp

from fupin.assessment.models import Verdict
from fupin.assessment.service import assess
from fupin.audit import Actor, AuditEvent
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.standards import editing, service
from fupin.standards.expressions import QUANTIFIER_TEXT, parse_rule, quantifier_text
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.standards.models import StandardSet
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

ADMIN = Actor("guan.li", "web")
HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}


@pytest.fixture
def loaded(session: Session) -> StandardSet:
    return load_standard_file(session=session, path=shipped_national(), actor=Actor("tester", "cli"))


def _without(document: dict[str, Any], entity: str, key: object) -> dict[str, Any]:
    """The document with one entry taken out, to compare everything else."""
    copy = json.loads(json.dumps(document))
    if entity == "indicator":
        copy["indicator"] = [item for item in copy["indicator"] if item["code"] != key]
    else:
        copy[entity] = [row for row in copy[entity] if [row["year"], row["province_code"]] != list(key)]  # type: ignore[call-overload]
    return copy


def _events(session: Session, standard: StandardSet) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.changeset_id == standard.created_changeset_id, AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        )
    )


def test_an_indicator_parameter_edit_makes_a_new_version_with_only_that_change(
    session: Session, loaded: StandardSet
) -> None:
    before = editing.document_of(session=session, standard=loaded)
    edited = editing.edit_indicator(
        session=session, actor=ADMIN, code="drinking_water", values={"parameters": {"water_quantity_min": "35"}}
    )
    assert (edited.version, edited.is_current, loaded.is_current) == (loaded.version + 1, True, False)
    after = editing.document_of(session=session, standard=edited)
    water = next(item for item in after["indicator"] if item["code"] == "drinking_water")
    assert water["parameters"] == {"water_quantity_min": 35.0}
    assert _without(after, "indicator", "drinking_water") == _without(before, "indicator", "drinking_water")
    [event] = _events(session, edited)
    assert (event.entity, event.entity_id) == ("standard_indicator", "drinking_water")
    assert json.loads(event.before or "") == {"parameters": {"water_quantity_min": 20.0}}
    assert json.loads(event.after or "") == {"parameters": {"water_quantity_min": 35.0}}
    [change] = editing.changes(session=session, standard=edited)
    assert (change.entity, change.key, change.label) == ("indicator", "drinking_water", "指标")


def test_lines_ranges_weights_and_exit_criteria_are_edited_field_by_field(
    session: Session, loaded: StandardSet
) -> None:
    first = editing.edit_poverty_line(
        session=session, actor=ADMIN, year=2020, province_code="00", values={"exit_line": "4100", "confirmed": "否"}
    )
    lines = service.lines_for(session=session, standard=first, year=2020, province_code="52")
    assert (lines.exit_line, lines.identification_line, lines.confirmed) == (4100, 4000, False)
    [event] = _events(session, first)
    assert json.loads(event.before or "") == {"exit_line": 4000, "confirmed": True}
    assert event.entity_id == "2020/00"
    province = editing.edit_poverty_line(
        session=session,
        actor=ADMIN,
        year="2020",
        province_code="52",
        values={"identification_line": 4200, "exit_line": 4300},
    )
    assert service.lines_for(session=session, standard=province, year=2020, province_code="52").exit_line == 4300
    assert service.lines_for(session=session, standard=province, year=2020, province_code="53").exit_line == 4100
    ranged = editing.edit_monitoring_range(
        session=session, actor=ADMIN, year=2021, province_code="00", values={"income_ceiling": 6500}
    )
    ceilings = {row.year: row.income_ceiling for row in service.monitoring_ranges(session=session, standard=ranged)}
    assert ceilings == {2020: 6000, 2021: 6500, 2022: 6300}
    weighted = editing.edit_indicator(
        session=session, actor=ADMIN, code="income", values={"weight": "0.3", "required_for_exit": "否"}
    )
    income = service.indicators(session=session, standard=weighted)[0]
    assert (income.weight, income.required_for_exit) == (0.3, False)
    exited = editing.edit_exit_criteria(session=session, actor=ADMIN, values={"approval_min": "0.95"})
    assert service.exit_criteria(exited).approval_min == 0.95
    assert [s.version for s, _ in service.versions(session=session)][:6] == [
        loaded.version + n for n in (5, 4, 3, 2, 1, 0)
    ]
    assert service.versions(session=session)[0][1].actor == "guan.li"


@pytest.mark.parametrize(
    ("edit", "slug", "field"),
    [
        (lambda s: editing.edit_poverty_line(session=s, actor=ADMIN, year=2020, province_code="00",
                                             values={"exit_line": "四千"}), "standard-field", "exit_line"),
        (lambda s: editing.edit_poverty_line(session=s, actor=ADMIN, year=2020, province_code="5",
                                             values={"exit_line": 1}), "standard-field", "province_code"),
        (lambda s: editing.edit_poverty_line(session=s, actor=ADMIN, year=2020, province_code="99",
                                             values={"exit_line": 1}), "standard-field", "province_code"),
        (lambda s: editing.edit_poverty_line(session=s, actor=ADMIN, year=1800, province_code="00",
                                             values={"exit_line": 1}), "standard-field", "year"),
        (lambda s: editing.edit_poverty_line(session=s, actor=ADMIN, year=2030, province_code="00",
                                             values={"exit_line": 5000}), "standard-field", "identification_line"),
        (lambda s: editing.edit_monitoring_range(session=s, actor=ADMIN, year=2021, province_code="00",
                                                 values={"income_ceiling": -1}), "standard-field", "income_ceiling"),
        (lambda s: editing.edit_indicator(session=s, actor=ADMIN, code="income", values={"weight": 2}),
         "standard-field", "weight"),
        (lambda s: editing.edit_indicator(session=s, actor=ADMIN, code="compulsory_education",
                                          values={"parameters": {"school_age_max": "15.5"}}),
         "standard-field", "parameters.school_age_max"),
        (lambda s: editing.edit_indicator(session=s, actor=ADMIN, code="income", values={"parameters": {"x": 1}}),
         "standard-field", "parameters.x"),
        (lambda s: editing.edit_indicator(session=s, actor=ADMIN, code="nope", values={"weight": 0.1}),
         "indicator-not-found", "code"),
        (lambda s: editing.edit_exit_criteria(session=s, actor=ADMIN, values={"missed_max": "2"}),
         "standard-field", "missed_max"),
        (lambda s: editing.edit_exit_criteria(session=s, actor=ADMIN, values={"approval_min": 0.9}),
         "standard-unchanged", None),
    ],
)  # fmt: skip
def test_bad_values_are_refused_by_field_and_store_nothing(
    session: Session, loaded: StandardSet, edit: Any, slug: str, field: str | None
) -> None:
    with pytest.raises(FupinError) as refused:
        edit(session)
    problem = refused.value.problems[0]
    assert (problem.slug, problem.location.field) == (slug, field)
    assert problem.message
    assert problem.expected or slug == "indicator-not-found"
    assert service.current(session=session).id == loaded.id


def test_old_verdicts_keep_naming_the_version_that_gave_them(session: Session, loaded: StandardSet) -> None:
    good = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False, "water_quantity_lpd": 30.0}
    household = make_household(session, members=[HEAD], income={"per_capita_net_income": 6000.0}, **good)
    lists = codelists.load(None)
    first = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=ADMIN, lists=lists)
    edited = editing.edit_indicator(
        session=session, actor=ADMIN, code="drinking_water", values={"parameters": {"water_quantity_min": 35}}
    )
    second = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=ADMIN, lists=lists)
    assert (first.standard_set_id, second.standard_set_id) == (loaded.id, edited.id)
    verdicts = {v.run_id: v for v in session.scalars(select(Verdict).where(Verdict.household_id == household.id))}
    assert verdicts[first.id].meets_exit is True
    assert verdicts[second.id].meets_exit is False
    assert verdicts[second.id].failed_mask == 1 << second.indicator_codes.index("drinking_water")


def test_what_a_version_says_is_read_once_and_an_edit_is_explained_at_once(
    session: Session, loaded: StandardSet
) -> None:
    """Household pages keep what a version says for a year and province; an edit stores a new version, so the next
    explanation applies it without waiting for anything to expire."""
    first = service.applicable(session=session, standard=loaded, year=2020, province_code="52")
    statements: list[str] = []

    def record(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(session.get_bind(), "before_cursor_execute", record)
    assert service.applicable(session=session, standard=loaded, year=2020, province_code="52") is first
    assert not [text for text in statements if "standards_" in text]
    service.current(session=session)
    assert [text for text in statements if "standards_set" in text]  # the listener sees what is read
    event.remove(session.get_bind(), "before_cursor_execute", record)
    water = next(item for item in first.indicators if item.code == "drinking_water")
    assert water.parameters == {"water_quantity_min": 20.0}
    edited = editing.edit_indicator(
        session=session, actor=ADMIN, code="drinking_water", values={"parameters": {"water_quantity_min": "35"}}
    )
    again = service.applicable(
        session=session, standard=service.current(session=session), year=2020, province_code="52"
    )
    assert service.current(session=session).id == edited.id
    assert next(item for item in again.indicators if item.code == "drinking_water").parameters == {
        "water_quantity_min": 35.0
    }
    assert first.lines == again.lines


def test_the_checked_rules_of_a_kept_version_are_kept_with_it(session: Session, loaded: StandardSet) -> None:
    found = service.applicable(session=session, standard=loaded, year=2020, province_code="52")
    lists = codelists.load(None)
    rules = service.applicable_rules(found, lists)
    assert [rule.code for rule in rules] == [item.code for item in found.indicators]
    assert service.applicable_rules(found, lists) is rules
    other_lists = dict(lists)  # an override file's lists: checked again, against them
    assert service.applicable_rules(found, other_lists) is not rules
    assert [rule.tree for rule in service.applicable_rules(found, other_lists)] == [rule.tree for rule in rules]


def test_a_member_condition_is_named_as_written_once_checked() -> None:
    rule = parse_rule("school", "NOT any_member(age BETWEEN 6 AND 15 AND school_status IS NULL)")
    quantifier = next(rule.tree.find_all(exp.Anonymous))
    assert quantifier_text(quantifier) == quantifier.sql(dialect="duckdb")
    assert quantifier.meta[QUANTIFIER_TEXT] == "ANY_MEMBER(age BETWEEN 6 AND 15 AND school_status IS NULL)"
