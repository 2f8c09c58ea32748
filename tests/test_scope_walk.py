"""The one-choke-point proof: walk EVERY route of the app as users of every role with a narrow scope.

Routes come from `app.routes` (tests/routes.py), so a new route is walked without being listed here. A route whose
path takes an id is called with the ids and codes of rows OUTSIDE the user's scope (a household, a member, a job, a
division) and must answer 404, exactly as for a row that does not exist: never 200 with data, never 403 that
admits the row exists, never 500. A route without an id is called with filters aimed outside the scope and must
show nothing from outside (spot-checked by the names, numbers and user names only the outside rows carry).
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.assessment.exit_models import Sample, SampleHousehold
from fupin.assessment.service import assess
from fupin.audit import Actor, open_changeset
from fupin.config import Settings
from fupin.divisions.codes import pad
from fupin.divisions.scope import Scope
from fupin.jobs import service as jobs
from fupin.registry import codelists
from fupin.registry.models import Household, Member
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.web.app import create_app
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import PASSWORD, Clock, make_user
from tests.factories.registry import VILLAGE, VILLAGE_CODE, Person, family, load_people
from tests.factories.web import csrf_token, share_session, sign_in
from tests.routes import Endpoint, endpoints

OUTSIDE_VILLAGE = "520526100056"  # 同心社区: the neighbouring village of the same town
OUTSIDE_HOUSEHOLD = "5205261000560001"
OUTSIDE_COUNTY = "520526000000"  # 威宁县: its samples lie outside every walker (a village, 丙妹镇, 从江县)
OUTSIDE_NAMES = ("赵界外", "孙界外")  # only the outside family carries these names
OWN_HOUSEHOLD = "5205261000340001"
CONGJIANG, BINGMEI = "522633", "522633100"  # 从江县 and its 丙妹镇: another county altogether
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Narrow scopes per role: village-level roles hold one village (which has a household of its own), the others a
# county or township of another prefecture. The outside rows lie outside every one of them.
WALKERS = {
    Role.village: VILLAGE_CODE,
    Role.viewer: VILLAGE_CODE,
    Role.steward: VILLAGE_CODE,
    Role.township: BINGMEI,
    Role.county: CONGJIANG,
    Role.inspector: CONGJIANG,
    Role.admin: CONGJIANG,
}

EXEMPT = {
    "GET /api/v1/openapi.json": "the public API description, no data",
    "GET /api/v1/docs": "the API documentation page, no data",
    "GET /docs/oauth2-redirect": "FastAPI's documentation helper, no data",
    "GET /login": "the sign-in page, before any user or scope exists",
    "POST /login": "sign-in, before any user or scope exists (tests/web/test_web_signin.py)",
    "POST /logout": "ends the session the walk runs in (tests/web/test_web_signin.py)",
}
# Static files are a mount (`/static`) with no methods: endpoints() never lists them.


@dataclass(frozen=True)
class Outside:
    """Ids and codes of rows outside every walker's scope, and the text only those rows carry."""

    values: dict[str, list[str]]
    markers: tuple[str, ...]
    filters: dict[str, str]


@pytest.fixture
def walk_app(database_url: str, session: Session, clock: Clock, tmp_path: Path) -> FastAPI:
    settings = Settings(
        database_url=database_url, secret_key=SecretStr("w" * 40), worker_threads=0, upload_dir=tmp_path / "uploads"
    )
    application = create_app(settings, clock=clock)
    return share_session(application, session)


@pytest.fixture
def outside(session: Session, tmp_path: Path) -> Outside:
    """One household in the walkers' own village, one outside it; an outside user with a job of their own."""
    where = {**VILLAGE, "村": "同心社区"}
    strangers = [
        Person(OUTSIDE_HOUSEHOLD, "户主", OUTSIDE_NAMES[0], "男", "19700101", location=where),
        Person(OUTSIDE_HOUSEHOLD, "配偶", OUTSIDE_NAMES[1], "女", "19720202", location=where),
    ]
    load_people(session, tmp_path, family(OWN_HOUSEHOLD, 2) + strangers)
    household = session.scalars(select(Household).where(Household.household_number == OUTSIDE_HOUSEHOLD)).one()
    member = session.scalars(select(Member).where(Member.household_id == household.id)).first()
    assert member is not None
    stranger = make_user(session, username="jie.wai.ren", role=Role.admin, scope_prefix=OUTSIDE_VILLAGE)
    job = own_job(session, tmp_path / "outside", stranger.id, OUTSIDE_VILLAGE, "界外导入.csv")
    load_standard_file(session=session, path=shipped_national(), actor=Actor("walk", "cli"))
    run = assess(session=session, year=2020, scope=Scope.of(OUTSIDE_VILLAGE), actor=Actor("walk", "cli"),
                 lists=codelists.load(None))  # fmt: skip
    sample = county_sample(session, OUTSIDE_COUNTY, household.id)
    return Outside(
        values={
            "household_id": [str(household.id)],
            "member_id": [str(member.id)],
            "job_id": [str(job.id)],
            "sample_id": [str(sample)],
            "code": [OUTSIDE_VILLAGE, "520526000000"],  # the village, and the county above the village walkers
            "assess_job_id": [str(own_assess_job(session, stranger.id, OUTSIDE_VILLAGE).id)],
            "run_id": [str(run.id)],  # a run of the neighbouring village only
            "set_id": ["99999999"],  # standards are national, not scoped: only a version that does not exist is 404
        },
        markers=(OUTSIDE_HOUSEHOLD, *OUTSIDE_NAMES, stranger.username, "界外导入"),
        filters={"division": OUTSIDE_VILLAGE, "village": OUTSIDE_VILLAGE, "q": member.id_number},
    )


def county_sample(session: Session, county: str, household_id: int | None) -> int:
    """A stored assessment sample of a county (with one sampled household when given)."""
    changeset = open_changeset(session=session, actor=Actor("walk", "system"), purpose="测试")
    sample = Sample(
        county_code=county, year=2020, seed=1, margin=0.05, confidence=0.95, expected_rate=0.5, design_effect=2.0,
        villages_wanted=1, design="测试", created_by="walk", changeset_id=changeset.id,
    )  # fmt: skip
    session.add(sample)
    session.flush()
    if household_id is not None:
        sampled = {"stratum": "exited", "village_probability": 1.0, "household_probability": 1.0, "members": 2}
        session.add(
            SampleHousehold(sample_id=sample.id, household_id=household_id, division_code=OUTSIDE_VILLAGE, **sampled)
        )
    session.commit()
    return sample.id


def own_job(session: Session, folder: Path, user_id: int, scope_prefix: str, filename: str) -> Any:
    """A finished import job with an error workbook on disk, so every job route has something to show its owner."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "errors.xlsx").write_bytes(b"PK\x03\x04 workbook")
    parameters = {"path": str(folder / "upload.csv"), "filename": filename, "dry_run": False}
    job = jobs.create(
        session=session, kind="import", parameters=parameters, created_by_id=user_id, scope_prefix=scope_prefix
    )
    totals = {"read": 1, "inserted": 0, "updated": 0, "unchanged": 0, "rejected": 1}
    problems = {"count": 1, "by_slug": {"id-checksum": 1}, "first": []}
    result = {"totals": totals, "sheets": [], "reconciles": True, "error_workbook": "errors.xlsx", "problems": problems}
    job.status, job.result = "succeeded", result
    session.commit()
    return job


def own_assess_job(session: Session, user_id: int, scope_prefix: str) -> Any:
    """A finished assessment job of the user, whose result names no run of anyone else."""
    parameters = {"year": 2020, "scope_prefix": scope_prefix, "actor": {"name": "walk", "channel": "web"}}
    job = jobs.create(
        session=session, kind="assess", parameters=parameters, created_by_id=user_id, scope_prefix=scope_prefix
    )
    job.status, job.result = "succeeded", {"households": 0, "meeting": 0, "run_id": 0}
    session.commit()
    return job


@dataclass
class Walker:
    role: Role
    client: TestClient
    bearer: dict[str, str]
    csrf: str


@pytest.fixture
def walkers(walk_app: FastAPI, session: Session, outside: Outside) -> Iterator[list[Walker]]:
    found = []
    with TestClient(walk_app, follow_redirects=False) as api:
        for role, prefix in WALKERS.items():
            user = make_user(session, role=role, scope_prefix=prefix)
            client = TestClient(walk_app, follow_redirects=False)
            assert sign_in(client, user.username, PASSWORD).status_code == 303
            found.append(Walker(role, client, token_for(api, user.username), csrf_token(client.get("/").text)))
        yield found


def walked() -> list[Endpoint]:
    return [endpoint for endpoint in endpoints() if str(endpoint) not in EXEMPT]


def parameters(endpoint: Endpoint) -> list[str]:
    return [part[1:-1] for part in endpoint.path.split("/") if part.startswith("{")]


def call(walker: Walker, endpoint: Endpoint, path: str, body: dict[str, Any], filters: dict[str, str]) -> Response:
    query = filters if endpoint.method == "GET" else None
    if endpoint.is_api:
        json = body if endpoint.method in {"POST", "PUT", "PATCH"} else None
        return walker.client.request(endpoint.method, path, headers=walker.bearer, json=json, params=query)
    form = {"csrf_token": walker.csrf, "reason": "核对低保申请"} if endpoint.method != "GET" else None
    return walker.client.request(endpoint.method, path, data=form, params=query)


def minimal_body(schema: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """A JSON body that passes validation (every required text field filled), so the route reaches its scope check."""
    operation = schema["paths"].get(endpoint.path, {}).get(endpoint.method.lower(), {})
    reference = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    model = schema["components"]["schemas"].get(reference.get("$ref", "").rsplit("/", 1)[-1], {})
    return dict.fromkeys(model.get("required", []), "核对低保申请")


def visible_text(answer: Response) -> str:
    """What the user gets to read: the page or JSON, or every cell of a downloaded workbook."""
    if answer.headers.get("content-type", "").startswith(XLSX) and answer.content.startswith(b"PK\x03\x04\x14"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
        return "\n".join(
            str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for cell in row
        )
    return answer.text


def test_every_route_answers_404_for_ids_outside_the_scope(
    walk_app: FastAPI, walkers: list[Walker], outside: Outside
) -> None:
    schema = walk_app.openapi()
    leaks = []
    for endpoint in walked():
        names = parameters(endpoint)
        if not names:
            continue
        unknown = [name for name in names if name not in outside.values]
        assert not unknown, f"{endpoint}: give the walk an outside value for {unknown} in the `outside` fixture"
        for value in {v for name in names for v in outside.values[name]}:
            path = endpoint.path
            for name in names:
                path = path.replace(
                    "{" + name + "}", value if value in outside.values[name] else outside.values[name][0]
                )
            for walker in walkers:
                answer = call(walker, endpoint, path, minimal_body(schema, endpoint), {})
                text = visible_text(answer)
                if answer.status_code != 404 or any(marker in text for marker in outside.markers):
                    leaks.append(f"{walker.role} {endpoint.method} {path}: {answer.status_code} {text[:160]}")
    assert not leaks, "\n".join(leaks)


def test_routes_without_ids_show_nothing_from_outside(
    walk_app: FastAPI, walkers: list[Walker], outside: Outside
) -> None:
    schema = walk_app.openapi()
    leaks = []
    # reads first: the writes below may end a walker's session (a password change) or change nothing at all
    plain = sorted((e for e in walked() if not parameters(e)), key=lambda e: e.method != "GET")
    for endpoint in plain:
        for walker in walkers:
            answer = call(walker, endpoint, endpoint.path, minimal_body(schema, endpoint), outside.filters)
            text = visible_text(answer)
            found = [marker for marker in outside.markers if marker in text]
            if answer.status_code >= 500 or found:
                leaks.append(f"{walker.role} {endpoint}: {answer.status_code} shows {found}")
    assert not leaks, "\n".join(leaks)


def test_the_walk_reaches_in_scope_rows_so_its_404s_mean_something(
    walk_app: FastAPI, session: Session, walkers: list[Walker], outside: Outside, tmp_path: Path
) -> None:
    """The village cadre's own household, member, job and village answer 200 on every GET route with an id.

    Samples are county-wide, so a village cadre sees none: a sample route is read by the county walker instead,
    with a sample of its own county.
    """
    cadre = next(walker for walker in walkers if walker.role is Role.village)
    me = cadre.client.get("/api/v1/me", headers=cadre.bearer).json()
    household = session.scalars(select(Household).where(Household.household_number == OWN_HOUSEHOLD)).one()
    member = session.scalars(select(Member).where(Member.household_id == household.id)).first()
    assert member is not None
    user_id = session.scalars(select(User.id).where(User.username == me["username"])).one()
    job = own_job(session, tmp_path / "own", user_id, VILLAGE_CODE, "本村导入.csv")
    run = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=Actor("walk", "cli"),
                 lists=codelists.load(None))  # fmt: skip
    sample = county_sample(session, pad(CONGJIANG), None)
    officer = next(walker for walker in walkers if walker.role is Role.county)
    own = {"household_id": household.id, "member_id": member.id, "job_id": job.id, "code": VILLAGE_CODE,
           "assess_job_id": own_assess_job(session, user_id, VILLAGE_CODE).id, "run_id": run.id,
           "set_id": run.standard_set_id, "sample_id": sample}  # fmt: skip
    for endpoint in walked():
        names = parameters(endpoint)
        if endpoint.method != "GET" or not names:
            continue
        path = endpoint.path.format(**{name: own[name] for name in names})
        answer = call(officer if "sample_id" in names else cadre, endpoint, path, {}, {})
        assert answer.status_code == 200, (str(endpoint), answer.status_code, answer.text[:200])
    listing = cadre.client.get("/households").text + cadre.client.get("/api/v1/households", headers=cadre.bearer).text
    assert listing.count(OWN_HOUSEHOLD) >= 2
    assert all(marker not in listing for marker in outside.markers)


def test_the_exempt_routes_exist(walk_app: FastAPI) -> None:
    """An exemption for a route that is gone would hide nothing, but it would mislead the next reader."""
    assert set(EXEMPT) <= {str(endpoint) for endpoint in endpoints(walk_app)}
