"""The registry's JSON shapes, built from the field specs (fields as data), so the API documents every field.

Inputs are text as a form would send it (numbers and true/false accepted too) and go through the importer's
checks; outputs mask ID numbers, phones and bank accounts unless the caller revealed them.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from fupin.registry import codelists
from fupin.registry.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldSpec
from fupin.registry.filters import MAX_PAGE_SIZE
from fupin.registry.privacy import mask_account, mask_id, mask_phone

PYTHON_TYPES: dict[str, type] = {"int": int, "year": int, "decimal": float, "bool": bool, "date": date}
Input = str | int | float | bool | None
MASKS = {"id_number": mask_id, "phone": mask_phone, "bank_account": mask_account}


def _describe(spec: FieldSpec) -> str:
    lists = codelists.load()
    if spec.kind in ("code", "codes") and spec.codelist:
        return f"{spec.label}；可选值：{lists[spec.codelist].describe()}"
    if spec.kind == "bool":
        return f"{spec.label}；是/否（或 true/false）"
    return spec.label


class PatchBase(BaseModel):
    """Only the fields sent are changed; null clears a field."""

    model_config = ConfigDict(extra="forbid")

    def texts(self) -> dict[str, str | None]:
        """The sent values as the text the importer's checks read (true → 是, 3.5 → "3.5")."""
        return {name: _text(value) for name, value in self.model_dump(exclude_unset=True).items()}


def _text(value: Input) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class OutBase(BaseModel):
    pass


def _inputs(specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    return {spec.name: (Input, Field(default=None, description=_describe(spec))) for spec in specs}


def _outputs(specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    return {
        spec.name: (PYTHON_TYPES.get(spec.kind, str) | None, Field(default=None, description=_describe(spec)))
        for spec in specs
    }


MEMBER_INPUT_SPECS = tuple(spec for spec in MEMBER_FIELDS if spec.name != "household_number")
HOUSEHOLD_INPUT_SPECS = tuple(spec for spec in HOUSEHOLD_FIELDS if spec.name != "household_number")

if TYPE_CHECKING:
    HouseholdPatch = PatchBase
    MemberPatch = PatchBase
    MemberOut = OutBase
    IncomeOut = OutBase
    HouseholdFields = OutBase
else:
    HouseholdPatch = create_model("HouseholdPatch", __base__=PatchBase, **_inputs(HOUSEHOLD_INPUT_SPECS))
    MemberPatch = create_model("MemberPatch", __base__=PatchBase, **_inputs(MEMBER_INPUT_SPECS))
    MemberOut = create_model(
        "MemberOut",
        __base__=OutBase,
        id=(int, Field(description="成员 id")),
        household_id=(int, Field(description="所在农户 id")),
        **_outputs(MEMBER_FIELDS),
    )
    IncomeOut = create_model("IncomeOut", __base__=OutBase, **_outputs(INCOME_FIELDS))
    HouseholdFields = create_model("HouseholdFields", __base__=OutBase, **_outputs(HOUSEHOLD_FIELDS))


class HouseholdSummary(BaseModel):
    id: int = Field(description="农户 id")
    household_number: str = Field(description="户编号")
    division_code: str = Field(description="村代码（12位）")
    village: str | None = Field(description="所在村名称")
    head_name: str | None = Field(description="户主姓名")
    head_id_number: str | None = Field(description="户主证件号码（列表中一律脱敏）")
    size: int = Field(description="在册人数")
    poverty_status: str | None = Field(description="贫困户状态")
    household_type: str | None = Field(description="户类型")
    main_cause: str | None = Field(description="主要致贫原因")


class HouseholdList(BaseModel):
    total: int = Field(description="符合条件的农户总数（total_exact 为 false 时是下限）")
    total_exact: bool = Field(
        description="total 是否精确：仅按区划、贫困户状态、主要致贫原因或户类型（其一）筛选时取自汇总表，精确；"
        "其他条件逐户计数，超过上限时为 false，total 为上限"
    )
    limit: int = Field(description=f"每页条数（最多{MAX_PAGE_SIZE}）")
    offset: int = Field(description="跳过的条数")
    items: list[HouseholdSummary]


class AssistanceOut(BaseModel):
    category: str = Field(description="帮扶措施类别")
    detail: str | None = Field(description="措施内容")
    year: int | None = Field(description="年度")
    amount: float | None = Field(description="金额（元）")


class HelperOut(BaseModel):
    name: str = Field(description="帮扶责任人")
    work_unit: str | None = Field(description="工作单位")
    position: str | None = Field(description="职务")
    phone: str | None = Field(description="联系电话（脱敏，除非已申请查看）")


class HouseholdDetail(BaseModel):
    id: int = Field(description="农户 id")
    revealed: bool = Field(description="证件号码、电话、银行账号是否完整显示（每次显示都记入审计日志）")
    household: HouseholdFields = Field(description="户信息")
    members: list[MemberOut] = Field(description="在册成员，户主在前")
    incomes: list[IncomeOut] = Field(description="各年度收入，新年度在前")
    assistance: list[AssistanceOut] = Field(description="帮扶措施")
    helpers: list[HelperOut] = Field(description="帮扶责任人")


class RevealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=200, description="查看完整证件号码、电话和银行账号的事由（必填，记入审计日志）")


def values_of(row: object, specs: tuple[FieldSpec, ...], *, reveal: bool) -> dict[str, Any]:
    """A row's field values, with ID numbers, phones and accounts masked unless revealed."""
    values = {spec.name: getattr(row, spec.name, None) for spec in specs}
    if not reveal:
        for name, mask in MASKS.items():
            if name in values:
                values[name] = mask(values[name])
    return values
