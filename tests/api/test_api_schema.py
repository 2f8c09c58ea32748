"""The API against its own OpenAPI schema: schemathesis generates valid and invalid requests for every operation.

Each answer must be documented (status, content type, body schema), never a 500, and every error body must be
`{"errors": [{slug, field, message}]}` with a Chinese message. The run is in-process (ASGI), bounded and
derandomized, so it is the same run every time and downloads nothing.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from pydantic import SecretStr
from schemathesis.checks import CheckContext
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.modes import GenerationMode
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.config import Settings
from fupin.web.app import create_app
from tests.factories.accounts import PASSWORD, Clock, make_user
from tests.factories.registry import family, load_people
from tests.factories.web import share_session
from tests.routes import endpoints

CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = 12  # per operation and generation mode: enough to find shape defects, small enough for two backends


@pytest.fixture
def schema_app(database_url: str, session: Session, clock: Clock, tmp_path: Path) -> FastAPI:
    """The real app over the test's savepoint session, with uploads kept in the test's own folder."""
    app_settings = Settings(
        database_url=database_url,
        secret_key=SecretStr("s" * 40),
        worker_threads=0,
        upload_dir=tmp_path / "uploads",
        upload_max_mb=1,
    )
    application = create_app(app_settings, clock=clock)
    return share_session(application, session)


@pytest.fixture
def api_schema(schema_app: FastAPI, bearer: dict[str, str]) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "headers": bearer,
            "generation": {
                # FastAPI ignores query parameters it does not know, as HTTP APIs commonly do; not a defect
                "allow-extra-parameters": False,
            },
            "checks": {
                # Schema-valid input may still break a domain rule the schema cannot express (an ID checksum,
                # one 户主 per household, a wrong current password): that is 422 with the rule's Chinese message
                "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
            },
        }
    )
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", schema_app, config=config)


@pytest.fixture
def bearer(session: Session, tmp_path: Path, schema_app: FastAPI) -> dict[str, str]:
    """A county administrator's token, over a county that holds two households, so reads find rows."""
    load_people(session, tmp_path, family("5205261000340001", 3) + family("5205261000560001", 2, 村="同心社区"))
    user = make_user(session, role=Role.admin, scope_prefix="520526")
    with TestClient(schema_app) as client:
        answer = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def chinese_error_body(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx answer is `{"errors": [{slug, field, message}]}` with a Chinese message."""
    if response.status_code < 400:
        return None
    body = json.loads(response.content)
    assert set(body) == {"errors"}, body
    assert body["errors"], body
    for item in body["errors"]:
        assert set(item) == {"slug", "field", "message"}, item
        assert re.fullmatch(r"[a-z0-9-]+", item["slug"]), item
        assert CHINESE.search(item["message"]), item
    return True


def operations() -> list[tuple[str, str]]:
    """Every documented API operation, read from the app so new routes are tested without listing them."""
    return [(e.method, e.path) for e in endpoints() if e.is_api and e.documented]


def test_every_operation_conforms_to_its_schema(api_schema: Any) -> None:
    """One app and one registry for all operations (setting them up is most of the cost); every failure is listed."""
    failures, sent = [], []
    for method, path in operations():
        for mode in GenerationMode:
            try:
                exercise(api_schema[path][method], mode, sent)
            except Unsatisfiable:
                continue  # every request the schema allows is valid (no parameters to break): no negative case
            except Exception as error:  # collected, so one defect does not hide the others
                failures.append(f"{method} {path} ({mode.value}):\n{error}")
    assert not failures, "\n\n".join(failures)
    assert {(case.method, case.path) for case in sent} == set(operations())  # every operation was really called


def exercise(operation: Any, mode: GenerationMode, sent: list[Case]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Case) -> None:
        sent.append(case)
        case.call_and_validate(additional_checks=[chinese_error_body])

    run()


def test_the_walk_covers_every_documented_operation(api_schema: Any) -> None:
    documented = {(method.upper(), path) for path, item in api_schema.raw_schema["paths"].items() for method in item}
    assert documented == set(operations())
