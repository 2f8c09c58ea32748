"""Several parts read in one statement come back as each part read alone would: its rows, in its order, its types."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, Numeric, String, Table, bindparam, select
from sqlalchemy.orm import Session

from fupin.side_by_side import Part, SideBySide

METADATA = MetaData()
VISITS = Table(
    "scratch_visits",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", Integer),
    Column("day", Date),
    Column("share", Numeric(10, 2)),
    Column("done", Boolean),
    prefixes=["TEMPORARY"],
)
NOTES = Table(
    "scratch_notes",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", Integer),
    Column("text", String(50)),
    prefixes=["TEMPORARY"],
)
OWNER = bindparam("owner", type_=Integer)


def _parts() -> SideBySide:
    return SideBySide(
        Part("Visit", select(VISITS).where(VISITS.c.owner == OWNER), lambda c: (c.day.desc(), c.id)),
        Part("Note", select(NOTES.c.id, NOTES.c.text).where(NOTES.c.owner == OWNER), lambda c: (c.id,), limit=2),
        Part("Nothing", select(NOTES.c.text).where(NOTES.c.owner == OWNER, NOTES.c.id < 0), lambda c: (c.text,)),
    )


def test_each_part_comes_back_in_its_order_with_its_types(session: Session) -> None:
    connection = session.connection()
    METADATA.create_all(connection)
    connection.execute(
        VISITS.insert(),
        [
            {"id": 1, "owner": 7, "day": date(2020, 3, 1), "share": Decimal("1.50"), "done": True},
            {"id": 2, "owner": 7, "day": date(2021, 3, 1), "share": None, "done": False},
            {"id": 3, "owner": 8, "day": date(2022, 3, 1), "share": Decimal("9.00"), "done": None},
        ],
    )
    connection.execute(NOTES.insert(), [{"id": n, "owner": 7, "text": f"第{n}条 <b>"} for n in (5, 3, 4)])

    visits, notes, nothing = _parts().read(connection, {"owner": 7})

    assert [(v.id, v.day, v.share, v.done) for v in visits] == [
        (2, date(2021, 3, 1), None, False),
        (1, date(2020, 3, 1), Decimal("1.50"), True),
    ]
    assert type(visits[0]).__name__ == "Visit"
    assert visits[0]._fields == ("id", "owner", "day", "share", "done")
    assert [(n.id, n.text) for n in notes] == [(3, "第3条 <b>"), (4, "第4条 <b>")]  # the first two by id
    assert nothing == []
    assert _parts().read(connection, {"owner": 9}) == [[], [], []]


def test_statements_of_the_same_shape_never_share_a_compiled_form(session: Session) -> None:
    """Each statement is cached under a key of its own (not its structure's): two alike stay apart."""
    connection = session.connection()
    METADATA.create_all(connection)
    connection.execute(NOTES.insert(), [{"id": 1, "owner": 7, "text": "甲"}, {"id": 2, "owner": 7, "text": "乙"}])
    ascending = SideBySide(Part("Note", select(NOTES.c.text).where(NOTES.c.owner == OWNER), lambda c: (c.text,)))
    descending = SideBySide(
        Part("Note", select(NOTES.c.text).where(NOTES.c.owner == OWNER), lambda c: (c.text.desc(),))
    )
    for _ in range(2):
        up = [note.text for note in ascending.read(connection, {"owner": 7})[0]]
        down = [note.text for note in descending.read(connection, {"owner": 7})[0]]
        assert up == sorted(up)
        assert down == sorted(up, reverse=True)
        assert len(up) == 2
