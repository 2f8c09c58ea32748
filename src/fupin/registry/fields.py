"""The registry's fields as data: each knows its label, kind and limits; checks and layouts are built from them."""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "code", "codes", "int", "decimal", "bool", "date", "year", "id_number", "phone", "division"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    codelist: str | None = None
    required: bool = False
    max_length: int = 100
    minimum: float | None = None
    maximum: float | None = None
    max_items: int | None = None


def _text(name: str, label: str, max_length: int = 100, required: bool = False) -> FieldSpec:
    return FieldSpec(name, label, "text", max_length=max_length, required=required)


def _code(name: str, label: str, codelist: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, label, "code", codelist=codelist, required=required)


def _bool(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, "bool", codelist="yes_no")


def _amount(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, "decimal", minimum=0, maximum=10_000_000)


def _area(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, "decimal", minimum=0, maximum=100_000)


MEMBER_FIELDS: tuple[FieldSpec, ...] = (
    _text("household_number", "户编号", 32, required=True),
    _text("person_number", "人口编号", 32),
    _text("name", "姓名", 50, required=True),
    _code("sex", "性别", "sex"),
    FieldSpec("birth_date", "出生日期", "date"),
    _code("id_type", "证件类型", "id_type"),
    FieldSpec("id_number", "证件号码", "id_number", required=True),
    _code("ethnicity", "民族", "ethnicity"),
    FieldSpec("phone", "成员联系电话", "phone"),
    _code("relation", "与户主关系", "relation", required=True),
    _code("education", "文化程度", "education"),
    _code("school_status", "在校生状况", "school_status"),
    _code("labour_skill", "劳动技能", "labour_skill"),
    FieldSpec("work_months", "务工时间（月）", "int", minimum=0, maximum=12),
    _text("work_place", "务工所在地"),
    _text("employer", "务工企业名称"),
    _bool("works_abroad", "是否国外务工"),
    _text("employment_channel", "就业渠道", 50),
    _text("industry_category", "产业分类", 50),
    _code("political_status", "政治面貌", "political_status"),
    FieldSpec("health", "健康状况", "codes", codelist="health", max_items=4),
    _code("disability_category", "残疾类别", "disability_category"),
    FieldSpec("disability_cert_year", "残疾证办证年度", "year"),
    _bool("speaks_mandarin", "是否会讲普通话"),
    _text("dropout_reason", "失学或辍学原因"),
    _bool("dibao", "是否享受低保"),
    _bool("tekun", "是否特困供养人员"),
    _text("welfare_job_type", "公益性岗位类型", 50),
    FieldSpec("welfare_job_months", "公益性岗位（月数）", "int", minimum=0, maximum=12),
    _bool("ins_resident_medical", "是否参加城乡居民基本医疗保险"),
    _bool("ins_critical_illness", "是否参加大病保险"),
    _bool("ins_resident_pension", "是否参加城乡居民基本养老保险"),
    _bool("ins_employee_pension", "是否参加城镇职工基本养老保险"),
    _bool("ins_employee_medical", "是否参加城镇职工基本医疗保险"),
    _bool("ins_commercial", "是否参加商业补充医疗保险"),
    _bool("critical_illness_aid", "是否接受大病医疗救助"),
    _bool("other_health_aid", "是否接受其他健康扶贫"),
)

HOUSEHOLD_FIELDS: tuple[FieldSpec, ...] = (
    _text("household_number", "户编号", 32, required=True),
    FieldSpec("division_code", "村代码", "division", required=True),
    _text("group_name", "组（自然村）", 50),
    FieldSpec("phone", "户联系电话", "phone"),
    _text("bank_name", "开户银行", 100),
    _text("bank_account", "银行账号", 32),
    _code("household_type", "户类型", "household_type"),
    _code("household_attribute", "贫困户属性", "household_attribute"),
    _code("identification_standard", "识别标准", "identification_standard"),
    _code("poverty_status", "贫困户状态", "poverty_status"),
    FieldSpec("identified_date", "首次识别时间", "date"),
    FieldSpec("exit_year", "脱贫年度", "year"),
    _code("monitoring_category", "监测对象类别", "monitoring_category"),
    _code("main_cause", "主要致贫原因", "cause"),
    FieldSpec("other_causes", "其他致贫原因", "codes", codelist="cause", max_items=2),
    _bool("military_family", "是否军烈属"),
    _bool("relocated", "是否易地扶贫搬迁户"),
    _text("relocation_mode", "搬迁安置方式", 50),
    _area("cultivated_land_mu", "耕地面积（亩）"),
    _area("irrigated_land_mu", "有效灌溉面积（亩）"),
    _area("forest_land_mu", "林地面积（亩）"),
    _area("returned_forest_mu", "退耕还林面积（亩）"),
    _area("orchard_mu", "林果面积（亩）"),
    _area("pasture_mu", "牧草地面积（亩）"),
    _area("water_surface_mu", "水面面积（亩）"),
    FieldSpec("house_area_m2", "住房面积（平方米）", "decimal", minimum=0, maximum=10_000),
    _code("house_structure", "房屋主要结构", "house_structure"),
    FieldSpec("house_built_year", "建房时间", "year"),
    _code("house_safety_grade", "住房安全等级", "house_safety_grade"),
    _bool("dilapidated", "是否危房户"),
    _code("water_source", "饮水情况", "water_source"),
    _bool("water_safe", "是否解决安全饮用水"),
    _bool("water_difficult", "饮水是否困难"),
    FieldSpec("water_quantity_lpd", "供水量（升/人·日）", "decimal", minimum=0, maximum=10_000),
    FieldSpec("water_fetch_minutes", "取水往返时间（分钟）", "decimal", minimum=0, maximum=1_440),
    _bool("water_guaranteed", "供水保证率是否达标"),
    _bool("water_quality_ok", "水质是否达标"),
    _bool("household_power", "是否通生活用电"),
    _bool("production_power", "是否通生产用电"),
    _bool("radio_tv", "是否通广播电视"),
    _code("access_road_type", "入户路类型", "road_type"),
    FieldSpec("road_distance_km", "与村主干路距离（公里）", "decimal", minimum=0, maximum=1_000),
    _bool("sanitary_toilet", "是否有卫生厕所"),
    _code("main_fuel", "主要燃料类型", "fuel"),
    _bool("coop_member", "是否加入农民专业合作组织"),
    _bool("enterprise_link", "是否有龙头企业带动"),
    _bool("entrepreneur_link", "是否有创业致富带头人带动"),
    _text("industry_support_type", "到户产业帮扶类型", 100),
    _bool("no_labour_safety_net", "是否整户无劳动能力兜底保障户"),
)

INCOME_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("year", "年度", "year", required=True),
    FieldSpec("household_size", "年度家庭人口数", "int", minimum=1, maximum=50),
    _amount("wage_income", "工资性收入"),
    _amount("welfare_job_income", "公益性岗位收入"),
    _amount("other_wage_income", "其他工资性收入"),
    _amount("business_income", "生产经营性收入"),
    _amount("property_income", "财产性收入"),
    _amount("dividend_income", "资产收益扶贫分红收入"),
    _amount("other_property_income", "其他财产性收入"),
    _amount("transfer_income", "转移性收入"),
    _amount("pension_income", "养老金或离退休金"),
    _amount("family_planning_income", "计划生育金"),
    _amount("eco_compensation_income", "生态补偿金"),
    _amount("dibao_income", "最低生活保障金"),
    _amount("tekun_income", "特困人员救助供养金"),
    _amount("other_transfer_income", "其他转移性收入"),
    _amount("business_costs", "生产经营性支出"),
    _amount("cost_subsidy", "专项用于减少生产经营性支出的补贴"),
    _amount("industry_reward", "产业奖励"),
    _amount("employment_reward", "就业奖励"),
    FieldSpec("net_income", "纯收入（元）", "decimal", minimum=-10_000_000, maximum=10_000_000),
    FieldSpec("per_capita_net_income", "人均纯收入（元）", "decimal", minimum=-10_000_000, maximum=10_000_000),
)

# An income total and the parts it must equal when both are given (domain.md §1.4, §1.6).
INCOME_PARTS: dict[str, tuple[str, ...]] = {
    "wage_income": ("welfare_job_income", "other_wage_income"),
    "property_income": ("dividend_income", "other_property_income"),
    "transfer_income": (
        "pension_income",
        "family_planning_income",
        "eco_compensation_income",
        "dibao_income",
        "tekun_income",
        "other_transfer_income",
    ),
}

MEMBER_BY_NAME = {spec.name: spec for spec in MEMBER_FIELDS}
HOUSEHOLD_BY_NAME = {spec.name: spec for spec in HOUSEHOLD_FIELDS}
INCOME_BY_NAME = {spec.name: spec for spec in INCOME_FIELDS}
