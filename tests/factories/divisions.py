"""Seed the Guizhou division table (shipped with the package) into a test database."""

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from fupin.audit import Actor
from fupin.db import unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.models import Division


def seed_guizhou(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        if session.scalar(select(func.count()).select_from(Division)):
            return
        load_files(session=session, paths=[shipped_guizhou()], actor=Actor("test", "system"))
