"""The PP tables on SQLite and PostgreSQL: the migration, and claims read back from the store."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, select, text
from sqlmodel import SQLModel

import store.engine as store_engine
from store.cid import check_digit
from store.engine import (
    SCHEMA_REVISIONS,
    create_store_engine,
    current_revision,
    open_store,
    write_tx,
)
from store.ids import stable_id
from store.models import Person as PersonRow
from store.models import PpService, PpStatementLine
from store.pp.claims import ClaimStatus
from store.pp.queries import load_claims
from tests.support.pp_rows import service_record

PP_TABLES = {"pp_service", "pp_statement_line", "pp_catalog_item"}
UNIT = "10001"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(Path(store_engine.__file__).parent / "migrations")
    )
    return config


def migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, target)


def test_a_new_store_has_the_pp_tables_as_the_models_describe_them(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= PP_TABLES
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    ours = [d for d in diffs if any(t in repr(d) for t in PP_TABLES)]
    assert ours == []


def test_a_store_of_the_first_schema_is_upgraded_keeping_its_rows(store_url: str) -> None:
    engine = create_store_engine(store_url)
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO facility (hospcode, name) VALUES ('10001', 'x')"))
    engine.dispose()
    upgraded = open_store(store_url)
    assert current_revision(upgraded) == SCHEMA_REVISIONS[-1]
    assert set(inspect(upgraded).get_table_names()) >= PP_TABLES
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT hospcode FROM facility")).scalars().all() == ["10001"]
    upgraded.dispose()


def test_the_pp_migration_can_be_undone_and_redone(engine: Engine) -> None:
    migrate(engine, "0001", down=True)
    assert not PP_TABLES & set(inspect(engine).get_table_names())
    migrate(engine, "head")
    assert current_revision(engine) == SCHEMA_REVISIONS[-1]
    assert set(inspect(engine).get_table_names()) >= PP_TABLES


def make_cid(n: int) -> str:
    first12 = f"1{n:011d}"
    return first12 + str(check_digit(first12))


def person_row(pid: str, cid: str, sex: str, birth: dt.date, nation: str) -> dict[str, object]:
    return PersonRow(
        id=stable_id("person", UNIT, pid),
        hospcode=UNIT,
        pid=pid,
        cid=cid,
        sex=sex,
        birth=birth,
        nation=nation,
        d_update=dt.datetime(2025, 1, 1),
        batch_id="b0",
    ).model_dump()


def anc_line(pid: str, seq: str, day: str) -> dict[str, object]:
    values = {"HOSPCODE": UNIT, "PID": pid, "SEQ": seq, "DATE_SERV": day, "GRAVIDA": "1",
              "ANCNO": "1", "D_UPDATE": day + "120000"}  # fmt: skip
    return service_record("ANC", values, batch_id="b1").row.model_dump()


def statement_line(
    n: int, cid: str, day: dt.date, *, paid: str | None, error: str, at: dt.datetime
) -> dict[str, object]:
    return PpStatementLine(
        id=stable_id("pp_statement_line", "b2", n),
        hospcode=UNIT,
        cid=cid,
        date_serv=day,
        item_code="ANC",
        paid=None if paid is None else Decimal(paid),
        error_code=error,
        statement_id="REP-68-0001",
        imported_at=at,
        batch_id="b2",
        line_no=n,
    ).model_dump()


def test_claims_are_judged_from_the_rows_in_the_store(engine: Engine) -> None:
    thai, foreign = make_cid(1), make_cid(2)
    first_import = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    resent = first_import + dt.timedelta(days=20)
    with write_tx(engine) as conn:
        conn.execute(
            insert(PersonRow),
            [
                person_row("1", thai, "2", dt.date(1990, 1, 1), "099"),
                person_row("2", foreign, "2", dt.date(1991, 1, 1), "048"),
            ],
        )
        conn.execute(
            insert(PpService),
            [anc_line("1", "100", "20250110"), anc_line("1", "101", "20250210"),
             anc_line("2", "102", "20250110"), anc_line("1", "103", "20250310")],
        )  # fmt: skip
        conn.execute(
            insert(PpStatementLine),
            [
                statement_line(
                    1, thai, dt.date(2025, 1, 10), paid=None, error="633", at=first_import
                ),
                statement_line(2, thai, dt.date(2025, 1, 10), paid="360.00", error="", at=resent),
                statement_line(3, thai, dt.date(2025, 2, 10), paid="120.50", error="", at=resent),
                statement_line(4, thai, dt.date(2025, 2, 11), paid=None, error="", at=resent),
            ],
        )
    with engine.connect() as conn:
        result = load_claims(conn, UNIT)
    by_seq = {c.evaluation.service.seq: c for c in result.claims}
    assert {seq: c.status for seq, c in by_seq.items()} == {
        "100": ClaimStatus.PAID,
        "101": ClaimStatus.PARTIAL,
        "102": ClaimStatus.NOT_ELIGIBLE,
        "103": ClaimStatus.UNCLAIMED,
    }
    assert by_seq["101"].paid == Decimal("120.50")
    assert [h.error_code for h in by_seq["100"].history] == ["633"]
    assert [u.reason for u in result.unmatched] == ["NO_SERVICE"]
    with engine.connect() as conn:
        assert load_claims(conn, "99999").claims == ()
        stored = conn.execute(select(PpStatementLine.imported_at)).scalars().all()  # type: ignore[call-overload]
    assert all(stamp.utcoffset() == dt.timedelta(0) for stamp in stored)
