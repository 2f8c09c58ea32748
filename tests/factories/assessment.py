"""Assessment runs with hand-built verdicts (no registry needed), rolled up as a run would be."""

from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fupin.assessment import rollup
from fupin.assessment.models import AssessmentRun, Verdict
from fupin.audit import Actor, open_changeset
from fupin.standards.loader import load_standard_file, shipped_national

CODES = ["income", "compulsory_education", "basic_medical", "housing_safety", "drinking_water"]
WEIGHTS = {"income": 0.4, "compulsory_education": 0.15, "basic_medical": 0.15, "housing_safety": 0.15}
WEIGHTS["drinking_water"] = 0.15
REQUIRED = 0b01111  # drinking water is not required for exit here, so failing it alone still meets the standard
K = 0.3
NOW = datetime(2026, 11, 23, 12, 0)
A, B, C, D = "520526100034", "520526100056", "520526101001", "520527100001"
# (village, members, failed_mask, unknown_mask); bit i is CODES[i]
VERDICTS = [
    (A, 3, 0, 0),
    (A, 2, 0b00001, 0),  # income: score 0.4, poor
    (A, 1, 0, 0b00100),  # medical unknown: undecided, not deprived
    (A, 4, 0b01001, 0),  # income + housing: score 0.55, poor
    (B, 2, 0b10000, 0),  # water only: meets the standard, score 0.15, not poor
    (B, 5, 0, 0),
    (C, 1, 0b00110, 0b00001),  # education + medical: score 0.3 = k, poor
    (D, 6, 0, 0),
    (D, 2, 0, 0b10000),  # water unknown, not required: meets
]


def stored_run(session: Session, scope_prefix: str, verdicts: list[tuple[str, int, int, int]]) -> AssessmentRun:
    standard = load_standard_file(session=session, path=shipped_national(), actor=Actor("tester", "cli"))
    changeset = open_changeset(session=session, actor=Actor("tester", "cli"))
    run = AssessmentRun(
        year=2020,
        scope_prefix=scope_prefix,
        as_of=date(2020, 12, 31),
        standard_set_id=standard.id,
        indicator_codes=CODES,
        required_mask=REQUIRED,
        exit_lines={"52": 4000.0},
        changeset_id=changeset.id,
    )
    session.add(run)
    session.flush()
    rows = [
        {
            "run_id": run.id,
            "household_id": 1000 + i,
            "division_code": code,
            "members": members,
            "per_capita_net_income": None,
            "exit_line": 4000.0,
            "failed_mask": failed,
            "unknown_mask": unknown,
            "meets_exit": (failed & REQUIRED) == 0 and (unknown & REQUIRED) == 0,
        }
        for i, (code, members, failed, unknown) in enumerate(verdicts)
    ]
    session.execute(insert(Verdict), rows)
    rollup.refresh(session=session, run=run, weights=WEIGHTS, k=K, now=NOW)
    return run
