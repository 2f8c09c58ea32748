"""The dashboard and the division pages show the scope's figures as text, and 404 outside the scope."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.analytics import rollup
from fupin.divisions.scope import Scope
from fupin.web.static_files import vendor_files
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.analytics import TAIJIANG, WEINING, import_tables, synthetic
from tests.factories.web import sign_in


@pytest.fixture
def registry(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)


def test_a_county_officer_sees_the_county_figures_as_text(client: TestClient, session: Session, registry: None) -> None:
    user = make_user(session, role=Role.county, scope_prefix=WEINING)
    sign_in(client, user.username, PASSWORD)
    county = rollup.totals(session=session, scope=Scope.everything(), prefix=WEINING)
    page = client.get("/")
    assert page.status_code == 200
    assert "威宁彝族回族苗族自治县" in page.text
    assert f"{county['households']:,}" in page.text
    assert f"{county['members']:,}" in page.text
    for label in ("按贫困户状态", "按主要致贫原因", "下级单位", "按月趋势", "因病", "未脱贫"):
        assert label in page.text
    assert "草海镇" in page.text  # a township below, linked
    assert 'href="/dashboard/520526100000"' in page.text
    assert "台江县" not in page.text


def test_out_of_scope_units_are_404_on_every_page(client: TestClient, session: Session, registry: None) -> None:
    user = make_user(session, role=Role.county, scope_prefix=WEINING)
    sign_in(client, user.username, PASSWORD)
    for path in (
        f"/dashboard/{TAIJIANG}000000",
        f"/dashboard/{TAIJIANG}000000/data",
        "/dashboard/520000000000",
        "/dashboard/000000000000",
        f"/divisions/{TAIJIANG}000000",
        "/dashboard/abc",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "台江" not in answer.text


def test_the_chart_data_carries_the_units_below_and_the_trend(
    client: TestClient, session: Session, registry: None
) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="52")
    sign_in(client, admin.username, PASSWORD)
    data = client.get("/dashboard/520000000000/data").json()
    assert data["unit"]["name"] == "贵州省"
    everything = Scope.everything()
    by_prefecture = rollup.by_unit(session=session, scope=everything, prefix="52", length=4)
    shown = {c["unit"]["code"]: c["figures"]["figures"]["households"] for c in data["children"]}
    assert {code: n for code, n in shown.items() if n} == {k: v["households"] for k, v in by_prefecture.items()}
    bijie = next(c for c in data["children"] if c["unit"]["code"] == "520500000000")
    assert WEINING + "000000" in {b["unit"]["code"] for b in bijie["below"]}  # counties, for the treemap
    assert data["trend"][-1]["figures"]["households"] == data["totals"]["figures"]["households"]
    assert {m["name"] for m in data["measures"]} >= {"households", "cause_illness", "house_unsafe"}


def test_divisions_page_lists_children_with_counts_and_a_trail(
    client: TestClient, session: Session, registry: None
) -> None:
    user = make_user(session, role=Role.viewer, scope_prefix="5205")
    sign_in(client, user.username, PASSWORD)
    county = rollup.totals(session=session, scope=Scope.everything(), prefix=WEINING)
    root = client.get("/divisions")
    assert root.status_code == 200
    assert "毕节市" in root.text
    assert f"{county['households']:,}" in root.text
    page = client.get(f"/divisions/{WEINING}000000")
    assert 'href="/divisions/520500000000"' in page.text  # the trail back up
    assert "草海镇" in page.text
    assert "贵州省" not in page.text  # above the scope


def test_missing_front_end_files_are_a_warning_not_a_failure(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fupin.web"):
        assert vendor_files(tmp_path) == frozenset()
    assert "echarts.min.js" in caplog.text
    assert "make init" in caplog.text
    (tmp_path / "htmx.min.js").write_text("/* htmx */", encoding="utf-8")
    assert vendor_files(tmp_path) == {"htmx.min.js"}
