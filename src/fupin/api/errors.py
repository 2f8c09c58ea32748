"""Errors as JSON: one body shape, `{"errors": [{slug, field, message}]}`, for domain problems and bad requests."""

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from fupin.errors import FupinError, Location, Problem, ThrottledError

BODY_FIELD = "body."


class ErrorItem(BaseModel):
    slug: str = Field(description="稳定的错误代码，见 docs/errors.md")
    field: str | None = Field(description="出错的位置，如 body.password、header.Authorization")
    message: str = Field(description="中文说明：错在哪里、应当如何填写")


class ErrorBody(BaseModel):
    errors: list[ErrorItem]


def error_response(error: FupinError, status_code: int) -> JSONResponse:
    items = [_payload(problem) for problem in error.problems]
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else {}
    if isinstance(error, ThrottledError):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return JSONResponse({"errors": items}, status_code=status_code, headers=headers)


def _payload(problem: Problem) -> dict[str, str | None]:
    """A bare field name is a field of the request body (what the domain checks); others are already qualified."""
    field = problem.location.field
    return problem.payload(BODY_FIELD if field and "." not in field else "")


# Pydantic's error types, said in Chinese; the rest fall back to 格式不正确.
VALIDATION_MESSAGES = {
    "missing": ("required", "必填项为空"),
    "string_too_long": ("too-long", "内容过长"),
    "string_too_short": ("too-short", "内容过短"),
    "string_type": ("request-invalid", "应为文本"),
    "enum": ("request-invalid", "不是允许的取值"),
    "json_invalid": ("request-invalid", "请求体不是有效的 JSON"),
    "model_attributes_type": ("request-invalid", "请求体应为 JSON 对象"),
    "dict_type": ("request-invalid", "请求体应为 JSON 对象"),
    "int_parsing": ("request-invalid", "应为整数"),
    "bool_parsing": ("request-invalid", "应为 true 或 false"),
    "greater_than_equal": ("out-of-range", "数值超出允许范围"),
    "less_than_equal": ("out-of-range", "数值超出允许范围"),
}


def problems_from_validation(errors: Sequence[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        slug, message = VALIDATION_MESSAGES.get(error.get("type", ""), ("request-invalid", "格式不正确"))
        field = ".".join(str(part) for part in error.get("loc", ())) or None
        problems.append(Problem(slug, message, Location(field=field), None, _expected(error)))
    return problems


def _expected(error: dict[str, Any]) -> str | None:
    context = error.get("ctx") or {}
    if "max_length" in context:
        return f"不超过{context['max_length']}个字符"
    if "min_length" in context:
        return f"至少{context['min_length']}个字符"
    if "ge" in context or "le" in context:
        return _bounds(context.get("ge"), context.get("le"))
    if "expected" in context:
        return str(context["expected"])
    return None


def _bounds(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"{low}～{high}之间的数"
    return f"不小于{low}" if low is not None else f"不大于{high}"


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "未登录或令牌无效"),
        (403, "角色或数据范围不允许"),
        (422, "输入有误：逐项说明字段、问题和应填写的内容"),
    )
}
