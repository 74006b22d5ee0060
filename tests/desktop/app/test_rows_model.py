"""The table model's order: what the user sorted by holds for new rows, whether the model sorts
them itself or takes them already ordered on a worker thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.models.table import Column, Ordered, RowsModel

ROWS = [("b", 2), ("a", 3), ("c", 1), ("d", None)]


def model() -> RowsModel[tuple[str, int | None]]:
    return RowsModel(
        [
            Column("Name", lambda r: r[0]),
            Column("Count", lambda r: str(r[1]), numeric=True, value=lambda r: r[1]),
        ]
    )


def shown(rows: RowsModel[tuple[str, int | None]]) -> list[str]:
    return [rows.row(i)[0] for i in range(rows.rowCount())]


def test_new_rows_come_in_the_order_the_user_chose(qtbot: QtBot) -> None:
    rows = model()
    rows.sort(1, Qt.SortOrder.DescendingOrder)
    rows.set_rows(ROWS)
    assert shown(rows) == ["a", "b", "c", "d"]  # not known last


def test_rows_ordered_elsewhere_are_taken_as_they_are(qtbot: QtBot) -> None:
    rows = model()
    rows.sort(0, Qt.SortOrder.AscendingOrder)
    ordered = rows.ordered(ROWS)
    assert ordered.rows == sorted(ROWS)
    assert ordered.only(lambda r: r[0] != "b").rows == [("a", 3), ("c", 1), ("d", None)]
    rows.set_rows(ordered)
    assert shown(rows) == ["a", "b", "c", "d"]


def test_rows_ordered_before_the_user_sorted_again_are_sorted_again(qtbot: QtBot) -> None:
    rows = model()
    rows.sort(0, Qt.SortOrder.AscendingOrder)
    ordered = rows.ordered(ROWS)  # a worker's, while the user clicks another header
    rows.sort(1, Qt.SortOrder.AscendingOrder)
    rows.set_rows(ordered)
    assert shown(rows) == ["c", "b", "a", "d"]


def test_unsorted_rows_keep_the_order_they_came_in(qtbot: QtBot) -> None:
    rows = model()
    assert rows.ordered(ROWS) == Ordered(ROWS, None)
    rows.set_rows(ROWS)
    assert shown(rows) == ["b", "a", "c", "d"]


def test_sorting_reads_each_row_once(qtbot: QtBot) -> None:
    """A table of 10,000 findings sorts in one pass of Python: a key per row, no comparison
    calling back into the column for each pair."""
    read: list[str] = []
    rows = RowsModel([Column("Name", lambda r: read.append(r[0]) or r[0])])
    many = [(f"name {i:05d}", i) for i in range(10_000)]
    rows.set_rows(many)
    read.clear()
    rows.sort(0, Qt.SortOrder.DescendingOrder)
    assert len(read) == len(many)
    assert rows.row(0)[0] == "name 09999"
