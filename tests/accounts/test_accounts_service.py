"""Creating users: every wrong input is named in Chinese; scopes are real divisions inside the grantor's own."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts import service
from fupin.accounts.enums import Role
from fupin.accounts.passwords import verify_password
from fupin.audit import Actor, AuditEvent, open_changeset
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from tests.factories.accounts import PASSWORD, Clock, make_user

EVERYTHING = Scope.everything()


def create(session: Session, grantor: Scope = EVERYTHING, **fields: str) -> service.NewUser:
    values = {
        "username": "li.si",
        "full_name": "李四",
        "role": "county",
        "scope_prefix": "520526",
        "password": PASSWORD,
    }
    values.update(fields)
    new = service.NewUser(**values)
    changeset = open_changeset(session=session, actor=Actor("admin", "web", "127.0.0.1"))
    service.create(session=session, changeset=changeset, new=new, grantor=grantor, password_min_length=10)
    return new


def slugs_and_fields(error: FupinError) -> set[tuple[str, str | None]]:
    return {(problem.slug, problem.location.field) for problem in error.problems}


def test_create_stores_a_hash_and_audits_without_secrets(session: Session) -> None:
    create(session, username="Li.Si", role="县级业务人员", scope_prefix="520526000000")
    user = service.get_by_username(session=session, username="li.si")
    assert user is not None
    assert (user.username, user.role, user.scope_prefix) == ("li.si", "county", "520526")
    assert verify_password(user.password_hash, PASSWORD)
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == str(user.id))).one()
    assert event.action == "create"
    assert PASSWORD not in (event.after or "")
    assert "argon2" not in (event.after or "")


def test_every_problem_is_reported_at_once(session: Session) -> None:
    with pytest.raises(FupinError) as caught:
        create(session, username="x", full_name="", role="boss", scope_prefix="99", password="short")
    assert slugs_and_fields(caught.value) == {
        ("username-format", "username"),
        ("full-name-format", "full_name"),
        ("role-unknown", "role"),
        ("scope-unknown", "scope_prefix"),
        ("password-too-short", "password"),
    }
    assert "系统管理员" in next(p.expected for p in caught.value.problems if p.slug == "role-unknown")


@pytest.mark.parametrize(
    ("password", "slug"),
    [
        ("abcdefghijk", "password-too-simple"),
        ("12345678901", "password-too-simple"),
        ("li.si12345x", "password-contains-username"),
    ],
)
def test_weak_passwords_are_refused(session: Session, password: str, slug: str) -> None:
    with pytest.raises(FupinError) as caught:
        create(session, password=password)
    assert [problem.slug for problem in caught.value.problems] == [slug]


@pytest.mark.parametrize(
    ("scope", "slug"), [("52052", "scope-format"), ("5205x", "scope-format"), ("529999", "scope-unknown")]
)
def test_scope_must_be_a_whole_division_prefix(session: Session, scope: str, slug: str) -> None:
    with pytest.raises(FupinError) as caught:
        create(session, scope_prefix=scope)
    assert [problem.slug for problem in caught.value.problems] == [slug]


def test_grantor_cannot_grant_a_wider_or_foreign_scope(session: Session) -> None:
    county_admin = Scope.of("520526")
    for scope in ("", "52", "5205", "520502"):
        with pytest.raises(FupinError) as caught:
            create(session, grantor=county_admin, scope_prefix=scope)
        assert [problem.slug for problem in caught.value.problems] == ["scope-too-wide"]
    create(session, grantor=county_admin, scope_prefix="520526100")
    assert service.get_by_username(session=session, username="li.si") is not None


def test_username_taken(session: Session) -> None:
    make_user(session, username="zhang")
    with pytest.raises(FupinError) as caught:
        create(session, username="ZHANG")
    assert [problem.slug for problem in caught.value.problems] == ["username-taken"]


def test_list_and_get_see_only_users_inside_the_scope(session: Session) -> None:
    inside = make_user(session, scope_prefix="520526100")
    outside = make_user(session, scope_prefix="520502")
    county = Scope.of("520526")
    listed = {user.id for user in service.list_(session=session, scope=county)}
    assert inside.id in listed
    assert outside.id not in listed
    assert service.get(session=session, scope=county, user_id=outside.id) is None
    assert service.get(session=session, scope=Scope(view_prefix=None), user_id=inside.id) is None


def test_change_password_checks_the_current_one(session: Session) -> None:
    user = make_user(session)
    changeset = open_changeset(session=session, actor=Actor(user.username, "web"))
    clock = Clock()
    with pytest.raises(FupinError) as caught:
        service.change_password(
            session=session,
            changeset=changeset,
            user=user,
            current_password="wrong",
            new_password="Xinmima2021ok",
            password_min_length=10,
            now=clock(),
        )
    assert [problem.slug for problem in caught.value.problems] == ["password-wrong"]
    with pytest.raises(FupinError) as caught:
        service.change_password(
            session=session,
            changeset=changeset,
            user=user,
            current_password=PASSWORD,
            new_password=PASSWORD,
            password_min_length=10,
            now=clock(),
        )
    assert [problem.slug for problem in caught.value.problems] == ["password-unchanged"]
    service.change_password(
        session=session,
        changeset=changeset,
        user=user,
        current_password=PASSWORD,
        new_password="Xinmima2021ok",
        password_min_length=10,
        now=clock(),
    )
    assert verify_password(user.password_hash, "Xinmima2021ok")
    assert user.password_changed_at == clock()


def test_roles_capture_or_only_look() -> None:
    assert Role.county.can_capture
    assert Role.village.can_capture
    assert not any(role.can_capture for role in (Role.inspector, Role.steward, Role.viewer))
    assert Role.parse("督战人员") is Role.inspector
    assert Role.parse("nobody") is None


def test_scope_names(session: Session) -> None:
    assert service.scope_name(session=session, scope_prefix="") == "全国"
    assert service.scope_name(session=session, scope_prefix="520526").endswith("威宁彝族回族苗族自治县")
