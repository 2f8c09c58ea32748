"""用户管理 and 修改密码 pages: admin only, scope-bounded, escaped output, field-level Chinese messages."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.accounts.passwords import verify_password
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.web import post_form, session_cookie, set_session_cookie, sign_in

NEW_USER = {"username": "xiang.zhen", "full_name": "乡镇甲", "role": "township", "password": "Xiangzhen2020"}


def test_non_admins_get_a_403_page(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.county)
    sign_in(client, user.username, PASSWORD)
    answer = client.get("/users")
    assert answer.status_code == 403
    assert "只有系统管理员可以管理用户" in answer.text
    answer = post_form(client, "/users", {**NEW_USER, "scope_prefix": "520526100"})
    assert answer.status_code == 403
    assert session.scalars(select(User).where(User.username == "xiang.zhen")).first() is None
    assert "用户管理" not in client.get("/").text  # not in the menu either


def test_admin_creates_a_user_inside_their_scope(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="520526")
    sign_in(client, admin.username, PASSWORD)
    answer = post_form(client, "/users", {**NEW_USER, "scope_prefix": "5205"}, token_from="/users")
    assert answer.status_code == 422
    assert "不能授予超出本人数据范围的权限" in answer.text
    assert 'value="xiang.zhen"' in answer.text  # the form keeps what was typed (but never the password)
    assert "Xiangzhen2020" not in answer.text
    answer = post_form(client, "/users", {**NEW_USER, "scope_prefix": "520526100"}, token_from="/users")
    assert answer.status_code == 303
    listing = client.get(answer.headers["location"])
    assert "已创建用户 xiang.zhen" in listing.text
    assert "乡镇业务人员" in listing.text


def test_every_wrong_field_is_named_on_the_form(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="")
    sign_in(client, admin.username, PASSWORD)
    bad = {"username": "x", "full_name": "", "role": "boss", "scope_prefix": "12345", "password": "abc"}
    answer = post_form(client, "/users", bad, token_from="/users")
    assert answer.status_code == 422
    for message in ("用户名格式不正确", "姓名为空", "角色不存在", "数据范围不是区划代码前缀", "密码太短"):
        assert message in answer.text


def test_html_in_names_is_shown_escaped(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="", full_name='<script>alert("管理员")</script>')
    make_user(session, full_name="<img src=x onerror=alert(1)>")
    sign_in(client, admin.username, PASSWORD)
    for path in ("/", "/users"):
        text = client.get(path).text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;管理员&#34;)&lt;/script&gt;" in client.get("/").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/users").text


def test_password_change_page(client: TestClient, session: Session) -> None:
    user = make_user(session)
    sign_in(client, user.username, PASSWORD)
    mine = session_cookie(client)
    other_device = TestClient(client.app, follow_redirects=False)
    sign_in(other_device, user.username, PASSWORD)
    form = {"current_password": PASSWORD, "new_password": "Xinmima2021ok", "repeat_password": "Xinmima2021ox"}
    answer = post_form(client, "/password", form, token_from="/password")
    assert answer.status_code == 422
    assert "两次输入的新密码不一致" in answer.text
    answer = post_form(client, "/password", {**form, "repeat_password": "Xinmima2021ok"}, token_from="/password")
    assert answer.status_code == 303
    assert "密码已修改" in client.get(answer.headers["location"]).text
    session.refresh(user)
    assert verify_password(user.password_hash, "Xinmima2021ok")
    set_session_cookie(client, mine or "")
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other_device.get("/").status_code == 303  # the other one is signed out


def test_divisions_pages_stay_inside_the_scope(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.township, scope_prefix="520526100")
    sign_in(client, user.username, PASSWORD)
    root = client.get("/divisions")
    assert root.status_code == 200
    assert "草海镇" in root.text
    assert "东山社区" in root.text
    assert "毕节市" not in root.text  # the trail starts at the user's own unit
    assert client.get("/divisions/520526000000").status_code == 404
    assert client.get("/divisions/520502000000").status_code == 404
    assert "不在您的数据范围内" in client.get("/divisions/abc").text


def test_menu_and_static_stylesheet(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="")
    sign_in(client, admin.username, PASSWORD)
    home = client.get("/").text
    for label in ("首页", "行政区划", "农户", "导入", "用户管理", "修改密码", "退出"):
        assert label in home
    assert "全国" in home
    assert client.get("/static/fupin.css").status_code == 200
    assert "http://" not in home
    assert "https://" not in home
