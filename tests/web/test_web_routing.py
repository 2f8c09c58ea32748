"""A page's path passes over the whole API without trying its routes; API paths, the schema and pages still work."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from fupin.web.app import API_PREFIX
from fupin.web.routing import PrefixedRouter


def _scope(path: str, root_path: str = "") -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": root_path + path, "root_path": root_path, "headers": []}


def test_the_api_is_passed_over_for_a_page(app: FastAPI) -> None:
    prefixed = [route for route in app.router.routes if isinstance(route, PrefixedRouter)]
    assert [route.include_context.prefix for route in prefixed] == [API_PREFIX]
    api = prefixed[0]
    assert api.matches(_scope("/households/1"))[0] is Match.NONE
    assert api.matches(_scope(f"{API_PREFIX}/households"))[0] is Match.FULL
    assert api.matches(_scope(f"{API_PREFIX}/households", root_path="/fupin"))[0] is Match.FULL  # behind a proxy


def test_pages_api_and_schema_answer_as_before(client: TestClient) -> None:
    assert client.get("/login").status_code == 200
    assert client.get(f"{API_PREFIX}/households").status_code == 401  # the API's own answer, not the pages' 404
    assert client.get(f"{API_PREFIX}/no-such-thing").status_code == 404
    paths = client.get(f"{API_PREFIX}/openapi.json").json()["paths"]
    assert f"{API_PREFIX}/households" in paths
    assert not [path for path in paths if not path.startswith(API_PREFIX)]  # pages stay out of the schema
