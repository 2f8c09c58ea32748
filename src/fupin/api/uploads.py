"""Uploaded files, shared by the 导入 page and POST /api/v1/imports: streamed to the upload folder in chunks,
refused with a Chinese message when the type is wrong, the file too large or empty, or its content not what its
extension says."""

import secrets
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath

from starlette.datastructures import UploadFile
from starlette.requests import Request

from fupin.config import Settings
from fupin.errors import FupinError, Location, Problem

CHUNK = 1 << 20
EXTENSIONS = (".csv", ".xlsx")
FIELD = Location(field="file")
FORM_OVERHEAD = 64 * 1024  # the other form fields and the multipart boundaries around the file


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    filename: str
    size: int


def refuse_oversized(request: Request, settings: Settings) -> None:
    """Refuse a body announced as too large before a byte of it is parsed."""
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > settings.upload_max_mb * CHUNK + FORM_OVERHEAD:
        raise FupinError(_too_large(settings))


def save(upload: UploadFile | None, settings: Settings) -> StoredFile:
    """Copy the upload chunk by chunk into a folder of its own under `upload_dir`, checking as it goes."""
    filename = PurePath((upload.filename if upload else "") or "").name
    if upload is None or not filename:
        raise FupinError(Problem("upload-missing", "没有选择要上传的文件", FIELD, None, "一个 .csv 或 .xlsx 文件"))
    extension = PurePath(filename).suffix.lower()
    if extension not in EXTENSIONS:
        message = f"文件类型不支持：「{filename}」的扩展名是「{extension or '无'}」"
        raise FupinError(Problem("upload-bad-type", message, FIELD, None, "扩展名为 .csv 或 .xlsx 的文件"))
    folder = settings.upload_dir / f"{date.today():%Y%m%d}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True, exist_ok=True)
    # The original name (a base name, in a folder of its own) names the sheet of a CSV and the audit's source.
    target = folder / (
        filename if len(filename.encode()) <= 200 and not filename.startswith(".") else f"upload{extension}"
    )
    try:
        size = _copy(upload, target, settings)
        _check_content(target, filename, extension, size)
    except FupinError:
        target.unlink(missing_ok=True)
        folder.rmdir()
        raise
    return StoredFile(target, filename, size)


def _copy(upload: UploadFile, target: Path, settings: Settings) -> int:
    limit, size = settings.upload_max_mb * CHUNK, 0
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise FupinError(_too_large(settings))
            out.write(chunk)
    return size


def _check_content(path: Path, filename: str, extension: str, size: int) -> None:
    if size == 0:
        raise FupinError(
            Problem("upload-empty", f"文件「{filename}」是空的（0字节）", FIELD, None, "含表头和数据行的文件")
        )
    if extension == ".xlsx" and not _is_workbook(path):
        message = f"文件「{filename}」不是有效的 XLSX 工作簿（可能已损坏，或是改了扩展名的其他文件）"
        raise FupinError(Problem("upload-corrupt", message, FIELD, None, "用 Excel 或 WPS 另存为 .xlsx 的工作簿"))
    if extension == ".csv" and not _is_text(path):
        message = f"文件「{filename}」不是文本格式的 CSV（含有二进制内容，或既不是 UTF-8 也不是 GBK/GB18030 编码）"
        raise FupinError(
            Problem("upload-corrupt", message, FIELD, None, "用 Excel 或 WPS 另存为 CSV（逗号分隔）的文件")
        )


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:  # a character cut by the end of the sample
                return True
    return False


def _too_large(settings: Settings) -> Problem:
    return Problem(
        "upload-too-large",
        f"文件太大：超过允许的 {settings.upload_max_mb} MB",
        FIELD,
        None,
        f"不超过 {settings.upload_max_mb} MB 的文件（可按乡镇拆分后分别导入）",
    )
