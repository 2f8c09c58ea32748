"""What the API reads and writes about accounts (pydantic); the Chinese descriptions end up in the OpenAPI schema."""

from pydantic import BaseModel, Field

from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.accounts.principal import Principal
from fupin.types import UtcDateTime


class TokenRequest(BaseModel):
    username: str = Field(max_length=100, description="用户名")
    password: str = Field(max_length=200, description="密码")
    name: str = Field(default="API", max_length=100, description="令牌用途，便于日后识别和撤销")


class TokenOut(BaseModel):
    access_token: str = Field(description="只显示这一次；请求时放在 Authorization: Bearer 之后")
    token_type: str = "bearer"
    expires_at: UtcDateTime


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200, description="当前密码")
    new_password: str = Field(max_length=200, description="新密码：至少10位（可配置），同时包含字母和数字")


class UserCreate(BaseModel):
    username: str = Field(max_length=100, description="3–40位英文字母、数字或 . _ @ -")
    full_name: str = Field(max_length=100, description="姓名")
    role: Role = Field(description="角色代码")
    scope_prefix: str = Field(
        max_length=20, description="数据范围：区划代码前缀（省2、市4、县6、乡9、村12位），空为全国"
    )
    password: str = Field(max_length=200, description="初始密码")


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: Role
    role_label: str = Field(description="角色的中文名称")
    scope_prefix: str = Field(description="数据范围的区划代码前缀，空为全国")
    can_capture: bool = Field(description="能否在数据范围内录入和修改数据")
    is_active: bool

    @classmethod
    def of(cls, user: User) -> "UserOut":
        role = Role(user.role)
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            role=role,
            role_label=role.label,
            scope_prefix=user.scope_prefix,
            can_capture=role.can_capture,
            is_active=user.is_active,
        )


class MeOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: Role
    role_label: str
    scope_prefix: str
    scope_name: str = Field(description="数据范围所对应区划的名称")
    can_capture: bool

    @classmethod
    def of(cls, principal: Principal, scope_name: str) -> "MeOut":
        return cls(
            id=principal.user_id,
            username=principal.username,
            full_name=principal.full_name,
            role=principal.role,
            role_label=principal.role.label,
            scope_prefix=principal.scope_prefix,
            scope_name=scope_name,
            can_capture=principal.role.can_capture,
        )
