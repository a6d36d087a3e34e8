"""Building a provincial store the way production fills one (`sitthi demo --province`, the
province benchmark).

Each unit of the plan (`sync.simulate.province`) gets its own files from the simulator, its own
SQLite store into which its 43-file zip is imported (`import_paths`, as `sitthi import` does),
and a token of the provincial server; then it pushes to that server (the real Starlette app,
served by uvicorn on loopback over the province's store) with the real sync client. The units
are built in worker processes, one per core. The province then imports the NHSO files: one
province-wide rights list (the older check of every unit's people in one file, as the province
downloads it), and each unit's recent rights list, statements and the PP catalog.

A unit's files are kept in its folder with a record of what they were built from; a later build
with the same plan reuses them (and skips the simulator), `fresh` writes them again.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from store.i18n import Message, message
from sync.simulate.fingerprint import simulator_fingerprint
from sync.simulate.province import PlannedUnit, ProvincePlan

UNITS_FOLDER = "units"
PROVINCE_FOLDER = "province-files"
UNIT_STORE = "unit.db"
FILES_RECORD = "files.json"
F43_SUFFIX = ".zip"
RIGHTS_CSV = "nhso_rights_"
"""The older rights check of a unit is written as `nhso_rights_HOSPCODE_DAY.csv`."""

Progress = Callable[[Message], None]


@dataclass(frozen=True)
class UnitTask:
    """What a worker process needs to build and push one unit."""

    unit: PlannedUnit
    persons: int
    today: dt.date | None
    folder: Path
    server: str
    token: str
    fresh: bool


@dataclass(frozen=True)
class UnitBuilt:
    hospcode: str
    persons: int
    pushed: int
    rejected: int
    province_files: tuple[Path, ...]
    """The unit's NHSO downloads and catalog, for the province to import."""
    reused_files: bool
    seconds: float


@dataclass(frozen=True)
class ProvinceBuilt:
    units: tuple[UnitBuilt, ...]
    imported: int
    refused: int
    digests: frozenset[str]
    """SHA-256 of every file the province imported."""
    seconds: float


def unit_folder(base: Path, hospcode: str) -> Path:
    return base / UNITS_FOLDER / hospcode


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unit_key(task: UnitTask) -> dict[str, object]:
    return {
        "unit": dataclasses.asdict(task.unit),
        "persons": task.persons,
        "today": (task.today or dt.date.today()).isoformat(),
        "simulator": simulator_fingerprint(),
    }


def _current_files(folder: Path, key: dict[str, object]) -> list[Path] | None:
    """The unit's files in the order written, if the record matches `key` and they are intact."""
    try:
        record = json.loads((folder / FILES_RECORD).read_text("utf-8"))
        if record["key"] != json.loads(json.dumps(key)):
            return None
        files: dict[str, str] = record["files"]
        paths = [folder / "files" / name for name in files]
        if any(file_digest(p) != sha for p, sha in zip(paths, files.values(), strict=True)):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return paths


def _write_files(task: UnitTask, key: dict[str, object]) -> list[Path]:
    from sync.simulate.centre import build_centre
    from sync.simulate.files import write_centre_files

    unit = task.unit
    centre = build_centre(
        seed=unit.seed, today=task.today, persons=task.persons, unit=unit.identity
    )
    files = task.folder / "files"
    shutil.rmtree(files, ignore_errors=True)
    (task.folder / FILES_RECORD).unlink(missing_ok=True)
    paths = write_centre_files(centre, files)
    record = {"key": key, "files": {p.name: file_digest(p) for p in paths}}
    (task.folder / FILES_RECORD).write_text(json.dumps(record, indent=1), "utf-8")
    return paths


def import_moment(today: dt.date | None, order: int) -> dt.datetime | None:
    """With a fixed day, files are imported half an hour after the morning's export, a second
    apart in order (as `sitthi demo` does); else by the clock."""
    if today is None:
        return None
    from sync.simulate.params import load_params
    from sync.simulate.population import export_moment

    return export_moment(load_params(), today) + dt.timedelta(minutes=30, seconds=order)


def build_unit(task: UnitTask) -> UnitBuilt:
    """In a worker process: the unit's files (reused when current), a fresh store with its
    43-file zip imported, its name, partner and district, and one push to the province."""
    from store.districts import save_district
    from store.engine import open_store, write_tx
    from store.rights.inputs import save_partner_units, save_unit_name
    from sync.client import sync_once
    from sync.ingest.importer import import_paths

    started = time.monotonic()
    task.folder.mkdir(parents=True, exist_ok=True)
    key = _unit_key(task)
    paths = None if task.fresh else _current_files(task.folder, key)
    reused = paths is not None
    if paths is None:
        paths = _write_files(task, key)
    store = task.folder / UNIT_STORE
    for leftover in (
        store,
        store.with_name(UNIT_STORE + "-wal"),
        store.with_name(UNIT_STORE + "-shm"),
    ):
        leftover.unlink(missing_ok=True)
    engine = open_store(f"sqlite:///{store}")
    try:
        exports = [p for p in paths if p.suffix == F43_SUFFIX]
        results = import_paths(engine, exports, now=import_moment(task.today, 0))
        unit = task.unit
        with write_tx(engine) as conn:
            save_unit_name(conn, unit.identity.hospcode, unit.identity.name)
            save_partner_units(conn, unit.identity.hospcode, [unit.identity.partner])
            save_district(conn, unit.identity.hospcode, unit.district, unit.district_name)
        pushed = sync_once(engine, task.server, task.token)
    finally:
        engine.dispose()
    if any(r.refused for r in results):
        raise RuntimeError(
            f"the simulator's 43-file zip of {task.unit.identity.hospcode} was refused"
        )
    return UnitBuilt(
        hospcode=task.unit.identity.hospcode,
        persons=task.persons,
        pushed=pushed.pushed,
        rejected=len(pushed.rejected),
        province_files=tuple(p for p in paths if p.suffix != F43_SUFFIX),
        reused_files=reused,
        seconds=time.monotonic() - started,
    )


def register_units(engine: Engine, plan: ProvincePlan) -> dict[str, str]:
    """Every unit of the plan known to the province (name, district, partner) with a new token
    (a unit that already holds one gets it replaced)."""
    from store.districts import save_district
    from store.engine import write_tx
    from store.rights.inputs import save_partner_units
    from sync.server.admin import add_facility
    from sync.server.auth import active_credential, rotate

    tokens: dict[str, str] = {}
    for unit in plan.units:
        hospcode = unit.identity.hospcode
        with write_tx(engine) as conn:
            held = active_credential(conn, hospcode)
            if held is not None:
                tokens[hospcode] = rotate(conn, held.id)
        if hospcode not in tokens:
            tokens[hospcode] = add_facility(engine, hospcode, unit.identity.name)
        with write_tx(engine) as conn:
            save_partner_units(conn, hospcode, [unit.identity.partner])
            save_district(conn, hospcode, unit.district, unit.district_name)
    return tokens


def province_rights_list(units: tuple[UnitBuilt, ...], folder: Path, today: dt.date) -> Path | None:
    """The older rights check of every unit's people in one right-search CSV (one header)."""
    parts = [
        p
        for u in units
        for p in u.province_files
        if p.name.startswith(RIGHTS_CSV) and p.suffix == ".csv"
    ]
    if not parts:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{RIGHTS_CSV}province_{today:%Y%m%d}.csv"
    with target.open("wb") as out:
        for number, part in enumerate(parts):
            lines = part.read_bytes().splitlines(keepends=True)
            out.writelines(lines if number == 0 else lines[1:])
    return target


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Fresh interpreters (spawn): the parent runs the server's threads, which a fork would
    copy mid-flight."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    )


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def build_province(
    engine: Engine,
    plan: ProvincePlan,
    base: Path,
    *,
    today: dt.date | None = None,
    fresh: bool = False,
    workers: int | None = None,
    progress: Progress = lambda _m: None,
) -> ProvinceBuilt:
    """Build every unit and push it to a server over `engine`, then import the NHSO files at
    the province. `engine` should be an empty (or demo) store: units get new tokens."""
    from sync.ingest.importer import import_paths
    from sync.server.run import serving_in_thread

    started = time.monotonic()
    tokens = register_units(engine, plan)
    built: list[UnitBuilt] = []
    with serving_in_thread(engine) as server:
        progress(
            message("cli.province_demo.server", url=server, workers=workers or default_workers())
        )
        tasks = [
            UnitTask(
                u,
                plan.persons,
                today,
                unit_folder(base, u.identity.hospcode),
                server,
                tokens[u.identity.hospcode],
                fresh,
            )
            for u in plan.units
        ]
        with _pool(workers or default_workers()) as pool:
            for done in _as_done(pool, tasks):
                built.append(done)
                progress(
                    message(
                        "cli.province_demo.unit_done",
                        done=len(built),
                        total=len(tasks),
                        unit=done.hospcode,
                        persons=done.persons,
                        pushed=done.pushed,
                        seconds=done.seconds,
                    )
                )
    units = tuple(sorted(built, key=lambda u: u.hospcode))
    day = today or dt.date.today()
    combined = province_rights_list(units, base / PROVINCE_FOLDER, day)
    files = [combined] if combined else []
    files += [
        p
        for u in units
        for p in u.province_files
        if not (p.name.startswith(RIGHTS_CSV) and p.suffix == ".csv")
    ]
    progress(message("cli.province_demo.nhso", files=len(files)))
    results = []
    for order, path in enumerate(files):
        results += import_paths(engine, [path], now=import_moment(today, 1 + order))
    refused = sum(1 for r in results if r.refused)
    _analyze(engine)
    progress(message("cli.province_demo.judging", units=len(units)))
    _judge(engine, day)
    return ProvinceBuilt(
        units=units,
        imported=len(results) - refused,
        refused=refused,
        digests=frozenset(file_digest(p) for p in files),
        seconds=time.monotonic() - started,
    )


def _analyze(engine: Engine) -> None:
    """Planner statistics after the bulk load, as autovacuum would gather them later: without
    them PostgreSQL plans the first reports over the whole province as if its tables were
    empty."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def _judge(engine: Engine, day: dt.date) -> None:
    """Judge every unit and store the judgements, as `sitthi recompute` does: the province's
    first look at the units screen then reads them instead of judging the whole province."""
    from store.engine import write_tx
    from store.judged.refresh import refresh_judgements

    with write_tx(engine) as conn:
        refresh_judgements(conn, day, everything=True)


def _as_done(
    pool: concurrent.futures.ProcessPoolExecutor, tasks: list[UnitTask]
) -> Iterator[UnitBuilt]:
    futures = [pool.submit(build_unit, task) for task in tasks]
    for future in concurrent.futures.as_completed(futures):
        yield future.result()
