"""One place that turns errors into answers: JSON under /api/, a Chinese error page (or the sign-in page) elsewhere."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from fupin.api.errors import error_response, problems_from_validation
from fupin.errors import (
    ForbiddenError,
    FupinError,
    NotFoundError,
    Problem,
    ThrottledError,
    UnauthenticatedError,
)
from fupin.web.deps import SignInRequiredError
from fupin.web.render import page

STATUS = {UnauthenticatedError: 401, ForbiddenError: 403, NotFoundError: 404, ThrottledError: 429}
HTTP_MESSAGES = {
    400: ("request-invalid", "请求体无法解析：应为 UTF-8 编码的 JSON 或表单（上传文件用 multipart/form-data）"),
    404: ("not-found", "页面或资源不存在"),
    405: ("method-not-allowed", "不支持该请求方法"),
}


def status_of(error: FupinError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 422)


def answer(request: Request, error: FupinError, status_code: int) -> Response:
    if request.url.path.startswith("/api/"):
        return error_response(error, status_code)
    if isinstance(error, UnauthenticatedError):
        return sign_in_redirect(request.url.path)
    return page(request, "error.html", principal=None, title="出错了", problems=error.problems, status_code=status_code)


def sign_in_redirect(next_path: str) -> Response:
    return RedirectResponse(f"/login?next={quote(next_path)}", status_code=303)


def install(app: FastAPI) -> None:
    @app.exception_handler(FupinError)
    def on_fupin_error(request: Request, error: FupinError) -> Response:
        return answer(request, error, status_of(error))

    @app.exception_handler(RequestValidationError)
    def on_invalid_request(request: Request, error: RequestValidationError) -> Response:
        return answer(request, FupinError(*problems_from_validation(error.errors())), 422)

    @app.exception_handler(HTTPException)
    def on_http_error(request: Request, error: HTTPException) -> Response:
        slug, message = HTTP_MESSAGES.get(
            error.status_code, ("http-error", f"请求无法处理（HTTP {error.status_code}）")
        )
        # A body the framework cannot even parse (bytes that are not UTF-8, a broken multipart) is answered like a
        # body that is not JSON: 422 request-invalid, the status every API operation documents.
        status_code = 422 if error.status_code == 400 else error.status_code
        return answer(request, FupinError(Problem(slug, message)), status_code)

    @app.exception_handler(SignInRequiredError)
    def on_sign_in_required(request: Request, error: SignInRequiredError) -> Response:
        return sign_in_redirect(error.next_path)
