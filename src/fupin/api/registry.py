"""/api/v1 registry: households and members, within the user's scope; edits checked exactly as imports are."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from fupin import audit
from fupin.api.deps import ActorDep, CurrentUser, DbSession, Now, RowId, ScopeDep, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.registry import editing, service
from fupin.registry.detail import detail, member_out
from fupin.registry.filters import MAX_PAGE_SIZE, Flag, HouseholdFilter, PageRequest, SortKey
from fupin.registry.privacy import mask_id
from fupin.registry.schemas import (
    HouseholdDetail,
    HouseholdList,
    HouseholdPatch,
    HouseholdSummary,
    MemberOut,
    MemberPatch,
    RevealRequest,
)

router = APIRouter(tags=["registry"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "不存在或不在您的数据范围内"}}


class ListQuery(BaseModel):
    """The household list's filters, sort and page."""

    division: str | None = Field(None, max_length=12, description="区划代码前缀（任一级，2～12位），限于本人范围内")
    village: str | None = Field(None, max_length=12, description="村代码（12位）")
    poverty_status: str | None = Field(None, max_length=20, description="贫困户状态")
    main_cause: str | None = Field(None, max_length=20, description="主要致贫原因")
    household_type: str | None = Field(None, max_length=20, description="户类型")
    household_attribute: str | None = Field(None, max_length=20, description="贫困户属性")
    q: str | None = Field(
        None, max_length=50, description="成员姓名（前几个字）、完整证件号码、证件号码后4位以上，或户编号"
    )
    flag: list[Flag] = Field(default_factory=list, description="保障问题标记（可多选）")
    sort: SortKey = Field(SortKey.household_number, description="排序字段")
    desc: bool = Field(False, description="是否倒序")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多{MAX_PAGE_SIZE}")
    offset: int = Field(0, ge=0, le=100_000, description="跳过的条数")

    def filters(self) -> HouseholdFilter:
        return HouseholdFilter(
            division=self.division or None,
            village=self.village or None,
            poverty_status=self.poverty_status or None,
            main_cause=self.main_cause or None,
            household_type=self.household_type or None,
            household_attribute=self.household_attribute or None,
            text=self.q or None,
            flags=tuple(self.flag),
        )


@router.get("/households", summary="农户列表（筛选、排序、分页，限于本人数据范围）")
def list_households(query: Annotated[ListQuery, Query()], scope: ScopeDep, db: DbSession, now: Now) -> HouseholdList:
    page = service.list_(
        session=db,
        scope=scope,
        filters=query.filters(),
        page=PageRequest(query.sort, query.desc, query.limit, query.offset),
        today=now.date(),
    )
    items = []
    for row in page.rows:
        head = page.heads.get(row.id)
        items.append(
            HouseholdSummary(
                id=row.id,
                household_number=row.household_number,
                division_code=row.division_code,
                village=row.village,
                head_name=head.name if head else None,
                head_id_number=mask_id(head.id_number) if head else None,
                size=page.sizes.get(row.id, 0),
                poverty_status=row.poverty_status,
                household_type=row.household_type,
                main_cause=row.main_cause,
            )
        )
    return HouseholdList(
        total=page.total, total_exact=page.total_exact, limit=page.page.limit, offset=page.page.offset, items=items
    )


@router.get("/households/{household_id}", summary="一户的详细信息（证件号码等脱敏）", responses=NOT_FOUND)
def get_household(household_id: RowId, scope: ScopeDep, db: DbSession) -> HouseholdDetail:
    household = service.get_or_raise(session=db, scope=scope, household_id=household_id)
    return detail(session=db, household=household, reveal=False)


@router.post(
    "/households/{household_id}/reveal",
    summary="查看完整证件号码、电话和银行账号（须填写事由，记入审计日志）",
    responses=NOT_FOUND,
)
def reveal_household(
    household_id: RowId, body: RevealRequest, principal: CurrentUser, scope: ScopeDep, actor: ActorDep, db: DbSession
) -> HouseholdDetail:
    household = service.get_or_raise(session=db, scope=scope, household_id=household_id)
    principal.require_reveal()
    changeset = audit.open_changeset(session=db, actor=actor, purpose="查看完整信息")
    editing.reveal(session=db, changeset=changeset, household=household, reason=body.reason)
    db.commit()
    return detail(session=db, household=household, reveal=True)


@router.patch("/households/{household_id}", summary="修改户信息（与导入相同的校验）", responses=NOT_FOUND)
def patch_household(
    household_id: RowId,
    body: HouseholdPatch,
    scope: ScopeDep,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> HouseholdDetail:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="修改户信息")
    editing.update_household(
        session=db,
        scope=scope,
        changeset=changeset,
        household=household,
        values=body.texts(),
        settings=settings,
        today=now.date(),
    )
    db.commit()
    return detail(session=db, household=household, reveal=False)


@router.delete(
    "/households/{household_id}",
    summary="删除农户（软删除：不再显示，数据和历史保留）",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
def delete_household(household_id: RowId, scope: ScopeDep, actor: ActorDep, db: DbSession, now: Now) -> Response:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="删除农户")
    editing.delete_household(session=db, changeset=changeset, household=household, now=now)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/households/{household_id}/members", summary="一户的在册成员（脱敏）", responses=NOT_FOUND)
def list_members(household_id: RowId, scope: ScopeDep, db: DbSession) -> list[MemberOut]:
    household = service.get_or_raise(session=db, scope=scope, household_id=household_id)
    return [member_out(m, household, reveal=False) for m in service.members(session=db, household=household)]


@router.post(
    "/households/{household_id}/members",
    summary="新增成员（与导入相同的校验：证件号码、一户一个户主、一人一户等）",
    status_code=status.HTTP_201_CREATED,
    responses=NOT_FOUND,
)
def add_member(
    household_id: RowId,
    body: MemberPatch,
    scope: ScopeDep,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> MemberOut:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="新增成员")
    member = editing.add_member(
        session=db, changeset=changeset, household=household, values=body.texts(), settings=settings, today=now.date()
    )
    db.commit()
    return member_out(member, household, reveal=False)


@router.patch("/members/{member_id}", summary="修改成员信息（与导入相同的校验）", responses=NOT_FOUND)
def patch_member(
    member_id: RowId,
    body: MemberPatch,
    scope: ScopeDep,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> MemberOut:
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="修改成员信息")
    editing.update_member(
        session=db,
        changeset=changeset,
        household=household,
        member=member,
        values=body.texts(),
        settings=settings,
        today=now.date(),
    )
    db.commit()
    return member_out(member, household, reveal=False)


@router.delete(
    "/members/{member_id}",
    summary="移除成员（软删除；不能移除户主或最后一名成员）",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
def delete_member(
    member_id: RowId, scope: ScopeDep, actor: ActorDep, db: DbSession, settings: SettingsDep, now: Now
) -> Response:
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="移除成员")
    editing.remove_member(
        session=db,
        changeset=changeset,
        household=household,
        member=member,
        settings=settings,
        today=now.date(),
        now=now,
    )
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
