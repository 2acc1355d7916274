"""Domain modules stay plain Python: no Flask, no Socket.IO, no Babel-for-Flask imports."""

from __future__ import annotations

import ast
from pathlib import Path

import workshop

PACKAGE = Path(workshop.__file__).parent
# Adapters may use Flask; everything else in the package is domain code and may not.
# The protocol client (client*.py) speaks Socket.IO to a server: an adapter like the CLI.
ADAPTERS = {
    "app.py",
    "web.py",
    "commands.py",
    "cli.py",
    "client.py",
    "client_commands.py",
    "client_http.py",
    "__main__.py",
    "__init__.py",
}
ADAPTER_DIRS = {"views", "realtime", "migrations"}
FORBIDDEN = ("flask", "flask_socketio", "flask_babel", "flask_wtf", "socketio", "engineio")


def domain_modules() -> list[Path]:
    """Every module that is not an adapter."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ADAPTER_DIRS or (
            len(relative.parts) == 1 and path.name in ADAPTERS
        ):
            continue
        found.append(path)
    return found


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports (anywhere in the file, also inside functions)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_are_domain_modules_to_check() -> None:
    names = {path.name for path in domain_modules()}
    assert {"models.py", "events.py", "workshops.py", "plans.py", "facilitators.py"} <= names


def test_domain_modules_do_not_import_flask() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(imported_roots(path) & set(FORBIDDEN))
        for path in domain_modules()
        if imported_roots(path) & set(FORBIDDEN)
    }
    assert offenders == {}, f"domain modules importing web frameworks: {offenders}"


def test_checker_catches_a_flask_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from flask import g\n    return g\n")
    assert "flask" in imported_roots(sample)
