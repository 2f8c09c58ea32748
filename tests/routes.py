"""Every route of the real app, flattened from `app.routes` (FastAPI keeps included routers nested), so tests that
walk them cover new routes without being told."""

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from pydantic import SecretStr

from fupin.config import Settings
from fupin.web.app import create_app


@dataclass(frozen=True, order=True)
class Endpoint:
    method: str
    path: str
    documented: bool  # in the OpenAPI schema (the JSON API), or a page

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def collection_app() -> FastAPI:
    """An app only to read its routes at collection time: nothing connects to this database."""
    return create_app(Settings(database_url="sqlite://", secret_key=SecretStr("r" * 40), worker_threads=0))


def endpoints(app: FastAPI | None = None) -> list[Endpoint]:
    """Each (method, path) the app answers; HEAD is GET's twin and mounts (static files) have no methods."""
    found = set()
    for context in iter_route_contexts((app or collection_app()).routes):
        for method in context.methods or ():
            if method != "HEAD":
                found.add(Endpoint(method, str(context.path), bool(getattr(context, "include_in_schema", False))))
    return sorted(found)
