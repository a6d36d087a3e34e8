"""`sitthi demo --province`: a small synthetic province built through a real provincial server,
and the app's units screen on its store showing every unit in its district."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Static

from store.engine import open_store, read_tx
from tests.support.tui_pilot import column, make_app, settle
from tests.support.tui_pilot import text as shown_text
from tui.cli import main
from tui.screens.units import UnitsScreen

pytestmark = pytest.mark.slow

TODAY = "2026-06-30"
PERSONS = 60
UNITS = {
    "20101": "เมืองสิทธิ์",
    "20102": "เมืองสิทธิ์",
    "20201": "นาสิทธิ์",
    "20202": "นาสิทธิ์",
}
"""2 districts × 2 units: each unit's code and the name of its district (rates.toml)."""
ARGV = ["demo", "--province", "4", "--per-district", "2", "--persons", str(PERSONS)]
ARGV += ["--today", TODAY, "--no-app", "--lang", "th"]


@dataclass(frozen=True)
class Built:
    home: Path
    url: str
    code: int
    out: str


def run_demo(home: Path) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
        env.setenv("SITTHI_HOME", str(home))
        env.delenv("SITTHI_DB", raising=False)
        code = main(ARGV)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    home = tmp_path_factory.mktemp("province-home")
    code, out = run_demo(home)
    yield Built(home, f"sqlite:///{home / 'data' / 'province-demo.db'}", code, out)


def test_the_province_demo_builds_every_unit_and_prints_them_in_their_districts(
    province: Built,
) -> None:
    assert province.code == 0, province.out
    lines = province.out.splitlines()
    assert lines[0] == (
        f"สร้างจังหวัดสมมุติ 4 หน่วยบริการ ใน 2 อำเภอ หน่วยละ {PERSONS} คน ไว้ที่ "
        f"{province.home / 'data' / 'province-demo'}"
    )
    pushed = [line for line in lines if line.startswith("[")]
    assert len(pushed) == 4 and pushed[-1].startswith("[4/4] หน่วยบริการ ")
    assert any(line.startswith("สร้างจังหวัดสมมุติเสร็จใน") for line in lines)
    league = lines[lines.index(next(ln for ln in lines if ln.startswith("รหัส"))) + 1 :]
    assert {ln.split()[0]: ln.split()[2] for ln in league} == UNITS


def test_the_province_store_holds_what_the_units_pushed_the_nhso_files_and_judgements(
    province: Built,
) -> None:
    engine = open_store(province.url)
    try:
        with read_tx(engine) as conn:
            persons: dict[str, int] = {
                row.hospcode: row.n
                for row in conn.execute(
                    text("SELECT hospcode, count(*) AS n FROM person GROUP BY hospcode")
                )
            }
            districts: dict[str, str] = {
                row.hospcode: row.district
                for row in conn.execute(text("SELECT hospcode, district FROM facility"))
            }
            statuses = set(conn.execute(text("SELECT status FROM import_batch")).scalars())
            records = conn.execute(text("SELECT count(*) FROM nhso_right")).scalar_one()
            services = conn.execute(text("SELECT count(DISTINCT hospcode) FROM pp_service"))
            service_units = services.scalar_one()
            judged = [
                (row.hospcode, str(row.as_of))
                for row in conn.execute(text("SELECT hospcode, as_of FROM judged_unit"))
            ]
    finally:
        engine.dispose()
    assert persons == dict.fromkeys(UNITS, PERSONS)
    assert districts == {"20101": "9901", "20102": "9901", "20201": "9902", "20202": "9902"}
    assert statuses == {"loaded"}
    assert records >= 4 * PERSONS * 0.9
    assert service_units == 4
    assert sorted(judged) == [(code, TODAY) for code in sorted(UNITS)]
    for hospcode in UNITS:
        assert (province.home / "data" / "province-demo" / "units" / hospcode / "unit.db").is_file()


def test_a_second_run_reuses_the_province(province: Built) -> None:
    code, out = run_demo(province.home)
    assert code == 0
    assert out.startswith("ใช้จังหวัดสมมุติที่สร้างไว้แล้วใน")
    assert not any(line.startswith("[") for line in out.splitlines())


@pytest.mark.anyio
async def test_the_units_screen_shows_the_provinces_units_in_their_districts(
    province: Built,
) -> None:
    app = make_app(province.url, lang="th", as_of=dt.date.fromisoformat(TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)
        table: DataTable[object] = app.screen.query_one("#units", DataTable)
        codes = column(table, "hospcode")
        districts = column(table, "district")
        assert dict(zip(codes, districts, strict=True)) == UNITS
        assert shown_text(app.screen.query_one("#units-summary", Static)).startswith("4 หน่วย")
        await pilot.press("d")
        await settle(pilot)
        assert sorted(column(table, "hospcode")) == ["20101", "20102"]
        await pilot.press("g")
        await settle(pilot)
        assert column(table, "district") == ["เมืองสิทธิ์", "เมืองสิทธิ์"]
