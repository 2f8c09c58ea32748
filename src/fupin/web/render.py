"""Rendering a page: the template, the signed-in user, the left menu, the breadcrumb trail and the form token."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from fupin.accounts.principal import Principal
from fupin.errors import Problem

# The templates ship inside the package and do not change while a server runs: no file checks on every render.
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(), auto_reload=False
    )
)


@dataclass(frozen=True, slots=True)
class MenuItem:
    label: str
    href: str | None  # None: the page is not built yet, shown greyed out rather than as a dead link


def menu(principal: Principal) -> list[MenuItem]:
    items = [
        MenuItem("首页", "/"),
        MenuItem("行政区划", "/divisions"),
        MenuItem("农户", "/households"),
        MenuItem("导入", "/imports"),
        MenuItem("评估", "/assessments"),
        MenuItem("扶贫标准", "/standards"),
        MenuItem("退出评估", "/exit"),
        MenuItem("评估抽样", "/samples"),
        MenuItem("农村人口", "/population"),
    ]
    if principal.role.manages_users:
        items.append(MenuItem("用户管理", "/users"))
    items.append(MenuItem("修改密码", "/password"))
    return items


def page(
    request: Request,
    name: str,
    *,
    principal: Principal | None,
    title: str,
    breadcrumbs: list[tuple[str, str | None]] | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    values = {
        "title": title,
        "principal": principal,
        "menu": menu(principal) if principal else [],
        "csrf_token": principal.csrf_token if principal else context.pop("csrf_token", ""),
        "breadcrumbs": breadcrumbs or [],
        "current_path": request.url.path,
        **context,
    }
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def by_field(problems: list[Problem]) -> dict[str, list[str]]:
    """Problems grouped by form field ('' for the form as a whole), each as its message with what is expected."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        text = problem.message + (f"；应为：{problem.expected}" if problem.expected else "")
        grouped.setdefault(problem.location.field or "", []).append(text)
    return grouped
