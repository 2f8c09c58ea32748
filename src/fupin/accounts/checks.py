"""Checks of what an administrator or a user types: each returns the problems, with field, what and what is expected."""

import re

from sqlalchemy.orm import Session

from fupin.accounts.enums import Role, choices
from fupin.divisions import service as divisions
from fupin.divisions.codes import CODE_LENGTH, LEVEL_NAMES, NATIVE_LENGTH, pad, prefix
from fupin.divisions.scope import Scope
from fupin.errors import Location, Problem

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,39}")
NATIONWIDE = ("", "全国")


def username_problems(username: str) -> list[Problem]:
    if USERNAME.fullmatch(username):
        return []
    expected = "3–40位英文字母、数字或 . _ @ -，以字母或数字开头"
    return [Problem("username-format", "用户名格式不正确", Location(field="username"), username[:40], expected)]


def full_name_problems(full_name: str) -> list[Problem]:
    if 1 <= len(full_name) <= 50 and full_name.isprintable():
        return []
    return [Problem("full-name-format", "姓名为空、过长或含有控制字符", Location(field="full_name"), None, "1–50个字")]


def parse_role(text: str) -> tuple[Role | None, list[Problem]]:
    role = Role.parse(text)
    if role is not None:
        return role, []
    return None, [Problem("role-unknown", "角色不存在", Location(field="role"), text[:40], choices())]


def password_problems(password: str, *, username: str, min_length: int, field: str = "password") -> list[Problem]:
    """Length, letters and digits both, and not the user name: what 等级保护 asks of a password."""
    where = Location(field=field)
    if len(password) < min_length:
        return [Problem("password-too-short", f"密码太短（{len(password)}位）", where, None, f"至少{min_length}位")]
    if not (any(ch.isalpha() for ch in password) and any(ch.isdigit() for ch in password)):
        return [Problem("password-too-simple", "密码须同时包含字母和数字", where, None, "字母与数字的组合")]
    if username and username.lower() in password.lower():
        return [Problem("password-contains-username", "密码不能包含用户名", where, None, "与用户名无关的密码")]
    return []


def normalise_scope(*, session: Session, text: str) -> tuple[str | None, list[Problem]]:
    """A division code or its native prefix (52, 5205, 520526 …) → the prefix; empty or 全国 → the whole country."""
    cleaned = text.strip()
    if cleaned in NATIONWIDE:
        return "", []
    where = Location(field="scope_prefix")
    shapes = "省2位、市4位、县6位、乡9位、村12位的区划代码前缀，或「全国」"
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) in NATIVE_LENGTH.values()):
        return None, [Problem("scope-format", "数据范围不是区划代码前缀", where, cleaned[:20], shapes)]
    unit = divisions.get(session=session, code=pad(cleaned))
    if unit is None or unit.valid_to is not None:
        return None, [Problem("scope-unknown", "数据范围对应的区划不存在", where, cleaned, "已导入的区划代码")]
    native = prefix(unit.code, unit.level)
    if len(cleaned) not in (len(native), CODE_LENGTH):
        level = LEVEL_NAMES[unit.level]
        expected = f"{level}级单位「{unit.name}」的前缀 {native}（{NATIVE_LENGTH[unit.level]}位）"
        return None, [Problem("scope-format", "数据范围的位数与区划级别不符", where, cleaned, expected)]
    return native, []


def grant_problems(*, grantor: Scope, scope_prefix: str) -> list[Problem]:
    """An administrator may grant only scopes inside their own."""
    own = grantor.view_prefix
    if own is not None and scope_prefix.startswith(own):
        return []
    expected = f"本人数据范围（{own or '全国'}）之内的区划" if own is not None else "管理员账号"
    return [
        Problem(
            "scope-too-wide", "不能授予超出本人数据范围的权限", Location(field="scope_prefix"), scope_prefix, expected
        )
    ]
