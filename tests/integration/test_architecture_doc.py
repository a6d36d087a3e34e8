"""ARCHITECTURE.md stays true: the tests it names exist, every package is on its map, and the
"only place" rules it states hold in the code."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "ARCHITECTURE.md"
PACKAGES = ("store", "sync", "exporters", "tui")
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            names.add(node.name)
    return names


def test_every_test_the_document_names_exists() -> None:
    refs = TEST_REF.findall(DOC.read_text(encoding="utf-8"))
    assert refs, "ARCHITECTURE.md names no tests"
    missing = [
        f"{file}::{name}"
        for file, name in refs
        if not (ROOT / file).is_file() or name not in _test_names(ROOT / file)
    ]
    assert missing == [], f"ARCHITECTURE.md names tests that do not exist: {missing}"


def test_every_sync_guarantee_has_a_test() -> None:
    rows = [
        line
        for line in _section("5. Sync guarantees").splitlines()
        if line.startswith("| ") and not line.startswith("| guarantee")
    ]
    assert len(rows) >= 8
    for row in rows:
        assert TEST_REF.search(row), f"a guarantee without a test: {row[:80]}"


def _packages() -> Iterator[str]:
    for top in PACKAGES:
        for init in sorted((ROOT / top).rglob("__init__.py")):
            folder = init.parent.relative_to(ROOT).as_posix()
            if "migrations" not in folder:
                yield folder


def test_every_package_is_on_the_map() -> None:
    mapped = _section("2. Module map")
    missing = [p for p in _packages() if f"`{p}/" not in mapped and f"`{p}`" not in mapped]
    assert missing == [], f"packages missing from ARCHITECTURE.md's module map: {missing}"


def _modules(*tops: str) -> Iterator[tuple[str, ast.Module]]:
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """(module, name) for every `from module import name`, and (module, "") for `import m`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""


def test_only_the_importer_is_used_to_load_files() -> None:
    allowed = {"sync.ingest.importer", "sync.ingest.results"}
    offenders = [
        (path, module)
        for path, tree in _modules(*PACKAGES)
        if not path.startswith("sync/ingest/")
        for module, _ in _imports(tree)
        if module.startswith("sync.ingest") and module not in allowed
    ]
    assert offenders == []


def test_only_evaluate_units_applies_the_gap_rules() -> None:
    users = {
        path
        for path, tree in _modules(*PACKAGES)
        for module, name in _imports(tree)
        if module == "store.rights.rules" and name == "evaluate"
    }
    assert users == {"store/kpi.py"}


def test_only_the_gateway_opens_the_store_in_the_app() -> None:
    store_openers = {"open_store", "read_tx", "write_tx"}
    app_modules = [
        (path, tree)
        for path, tree in _modules("tui")
        if not path.startswith(("tui/commands/", "tui/cli.py"))
    ]
    offenders = [
        path
        for path, tree in app_modules
        for module, name in _imports(tree)
        if module == "store.engine" and (name in store_openers or not name)
        if path != "tui/gateway.py"
    ]
    assert offenders == []
    assert any(path == "tui/gateway.py" for path, _ in app_modules)


def test_only_the_outbox_writes_the_change_log() -> None:
    writes = re.compile(r"(INSERT\s+INTO|DELETE\s+FROM)\s+sync_change\b", re.IGNORECASE)
    writers = {
        path.relative_to(ROOT).as_posix()
        for top in PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if writes.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"store/outbox.py", "store/migrations/versions/0004_sync.py"}


def test_only_the_refresh_writes_the_stored_judgements() -> None:
    """The `judged_*` tables are written by `store/judged/refresh.py` alone (and `judged_stale`
    by the triggers of `store/judged/marks.py`); everyone else reads them through the table
    handles of `refresh.py`, so no other module names them."""
    named = re.compile(r"""["'](judged_(?:unit|person|service|month|stale))["']""")
    sql_writes = re.compile(r"(INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+judged_\w+", re.IGNORECASE)
    naming = {
        path.relative_to(ROOT).as_posix()
        for top in PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if named.search(path.read_text(encoding="utf-8"))
    }
    sql_writers = {
        path.relative_to(ROOT).as_posix()
        for top in PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if sql_writes.search(path.read_text(encoding="utf-8"))
    }
    assert naming == {
        "store/models.py",
        "store/judged/refresh.py",
        "store/migrations/versions/0011_stored_judgements.py",
    }
    assert sql_writers == {"store/judged/marks.py"}


def _imported_modules(tree: ast.Module) -> Iterator[str]:
    """Every module an import statement names, `from package import module` included."""
    for module, name in _imports(tree):
        yield module
        if name:
            yield f"{module}.{name}"


def test_no_test_module_imports_another() -> None:
    """What tests share lives in `tests/support/`: a test module that imports another breaks
    when that one is renamed, split or deleted, and runs its fixtures and tests' set-up twice."""
    offenders = sorted(
        (path, module)
        for path, tree in _modules("tests")
        for module in _imported_modules(tree)
        if module.startswith("tests.") and module.rsplit(".", 1)[-1].startswith("test_")
    )
    assert offenders == [], f"move what they share into tests/support/: {offenders}"


PLAIN_ERRORS = {
    "store.thaidate.DateError": "its callers turn it into their own catalogue message",
    "sync.protocol.ProtocolError": "the protocol's text on the wire; the client makes the message",
    "sync.server.app.ApiError": "an API answer; the centre's client makes the message",
    "sync.server.feed.Forbidden": "answered as a 403 ApiError",
    "sync.server.feed.TooOld": "answered as a 426 ApiError asking for the province's version",
    "sync.wire_rows.RowError": "a per-row rejection on the wire, counted at the centre",
    "sync.simulate.params.ParamsError": "the simulator's shipped parameters: a programming error",
    "tui.gateway.UiThreadStoreAccess": "a programming error of the app",
    "tui.gateway.QueryInterrupted": "work nobody waits for; never shown",
    "tui.answers.AnswerAbandoned": "a cancelled asker's wait; never shown",
}
"""The exception classes that are not `SitthiError`s, each with the reason its docstring gives."""


def _exception_classes() -> Iterator[type[BaseException]]:
    for top in PACKAGES:
        package = importlib.import_module(top)
        for found in pkgutil.walk_packages(package.__path__, f"{top}."):
            if ".migrations" in found.name or found.name.endswith("__main__"):
                continue
            module = importlib.import_module(found.name)
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, BaseException)
                    and value.__module__ == found.name
                ):
                    yield value


def test_every_error_a_person_can_meet_is_a_sitthi_error() -> None:
    from store.errors import SitthiError

    classes = {f"{c.__module__}.{c.__qualname__}": c for c in _exception_classes()}
    plain = sorted(name for name, c in classes.items() if not issubclass(c, SitthiError))
    assert plain == sorted(PLAIN_ERRORS), "derive it from SitthiError or list it with its reason"
    for name in plain:
        assert "Not a `SitthiError`" in (classes[name].__doc__ or ""), name
