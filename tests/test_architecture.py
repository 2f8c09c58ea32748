"""Domains stay below the faces: no module outside cli/api/web imports typer, rich, fastapi or the faces."""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "fupin"
FACES = {"cli", "api", "web"}
FORBIDDEN = {"typer", "rich", "fastapi", "fupin.cli", "fupin.api", "fupin.web"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domains_never_import_the_faces() -> None:
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if path.relative_to(SOURCE).parts[0] in FACES:
            continue
        for name in imports_of(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN):
                offenders.append(f"{path.relative_to(SOURCE)} imports {name}")
    assert offenders == []


# Units of work own their transactions, like the faces: the job worker and its progress writer.
UNITS_OF_WORK = {"db.py", "jobs/worker.py", "jobs/progress.py"}


def test_services_never_commit() -> None:
    offenders = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if path.relative_to(SOURCE).parts[0] not in FACES
        and path.relative_to(SOURCE).as_posix() not in UNITS_OF_WORK
        and ".commit()" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
