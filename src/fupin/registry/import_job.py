"""An import run as a background job: the same `import_file` as `fupin import`, the same error workbook.

The job commits per chunk through the importer's checkpoint; the worker records progress and the result.
"""

from collections import Counter
from pathlib import Path
from typing import Any

from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.jobs.worker import JobContext
from fupin.registry.importer import ImportResult, import_file
from fupin.tabular.workbook import write_error_workbook

KIND = "import"
ERROR_WORKBOOK = "errors.xlsx"
COUNTS = ("read", "inserted", "updated", "unchanged", "rejected", "households_inserted", "households_updated")
FIRST_PROBLEMS = 20


def parameters(*, path: Path, filename: str, dry_run: bool, actor: Actor, capture_prefix: str | None) -> dict[str, Any]:
    """What the job needs, as JSON: the stored file, the actor to audit, and the capture prefix to enforce."""
    return {
        "path": str(path),
        "filename": filename,
        "dry_run": dry_run,
        "actor": {"name": actor.name, "channel": actor.channel, "origin": actor.origin},
        "capture_prefix": capture_prefix,
    }


def run(context: JobContext) -> dict[str, Any]:
    values = context.parameters
    path = Path(values["path"])
    prefix = values.get("capture_prefix")
    result = import_file(
        session=context.session,
        path=path,
        actor=Actor(**values["actor"]),
        settings=context.settings,
        scope=Scope(view_prefix=prefix, capture_prefix=prefix),
        dry_run=bool(values.get("dry_run")),
        progress=context.progress,
        checkpoint=context.checkpoint,
    )
    if result.dry_run:
        context.session.rollback()
    workbook = _write_errors(result, path.parent / ERROR_WORKBOOK)
    return summary(result, filename=values.get("filename", path.name), error_workbook=workbook)


def _write_errors(result: ImportResult, target: Path) -> str | None:
    sheets = [(s.sheet, s.headers, s.rejected_rows, s.problems) for s in result.sheets if s.rejected_rows is not None]
    if not sheets:
        return None
    write_error_workbook(target, sheets)
    return target.name


def summary(result: ImportResult, *, filename: str, error_workbook: str | None) -> dict[str, Any]:
    """The reconciled counts (read = inserted + updated + unchanged + rejected), per sheet and in total."""
    problems = [problem for sheet in result.sheets for problem in sheet.problems]
    return {
        "filename": filename,
        "dry_run": result.dry_run,
        "changeset_id": result.changeset_id,
        "totals": {name: result.total(name) for name in COUNTS},
        "reconciles": all(sheet.reconciles for sheet in result.sheets),
        "sheets": [
            {"sheet": sheet.sheet, "layout": sheet.layout, **{name: getattr(sheet, name) for name in COUNTS}}
            for sheet in result.sheets
        ],
        "problems": {
            "count": len(problems),
            "by_slug": dict(Counter(problem.slug for problem in problems).most_common()),
            "first": [{**problem.payload(), "row": problem.location.row} for problem in problems[:FIRST_PROBLEMS]],
        },
        "error_workbook": error_workbook,
    }
