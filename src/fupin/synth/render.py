"""Numbers, dates and code indices turned into text columns, whole arrays at a time (Arrow compute, no row loops)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Rng = np.random.Generator
if TYPE_CHECKING:
    Text: TypeAlias = pa.Array[Any]  # a column of strings
else:
    Text = pa.Array  # pyarrow's classes take no type arguments at run time


def pick(rng: Rng, weights: Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    """Indices into `weights`, drawn with those (normalised) probabilities."""
    probabilities = np.asarray(weights, dtype=float)
    return rng.choice(len(probabilities), size=size, p=probabilities / probabilities.sum())


def pick_by_group(rng: Rng, table: Sequence[Sequence[float]], groups: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from the weight row of its group: one weight table, any number of rows."""
    weights = np.asarray(table, dtype=float)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    cumulative[:, -1] = 1.0  # rounding must never let a draw fall past the last choice
    draws = rng.random(len(groups))
    chosen: np.ndarray = (draws[:, None] >= cumulative[groups]).sum(axis=1)
    return chosen


def chance(rng: Rng, probability: float | np.ndarray, size: int) -> np.ndarray:
    return rng.random(size) < probability


def labels(values: Sequence[str], index: np.ndarray) -> Text:
    """The label of each index; an index of -1 gives an empty cell."""
    table = pa.array([*values, ""], type=pa.string())
    return table.take(np.where(index < 0, len(values), index).astype(np.int64))


def yes_no(flag: np.ndarray, blank: np.ndarray | None = None) -> Text:
    index = flag.astype(np.int64) * -1 + 1  # True → 0 (是), False → 1 (否)
    if blank is not None:
        index = np.where(blank, -1, index)
    return labels(("是", "否"), index)


def integers(values: np.ndarray, width: int = 0) -> Text:
    text = pc.cast(pa.array(values.astype(np.int64)), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def decimals(scaled: np.ndarray, places: int) -> Text:
    """Non-negative values given in units of 10**-places, as text with exactly `places` decimals."""
    unit = 10**places
    whole = integers(scaled // unit)
    return join(whole, ".", integers(scaled % unit, places))


def join(*parts: Text | str) -> Text:
    """Texts concatenated element by element; a plain string is repeated on every row."""
    joined: Text = pc.call_function("binary_join_element_wise", [*parts, ""])
    return joined


def blank_where(mask: np.ndarray, values: Text) -> Text:
    blanked: Text = pc.if_else(pa.array(mask), "", values)
    return blanked


def dates(days: np.ndarray) -> Text:
    """datetime64[D] values as YYYY-MM-DD."""
    text: Text = pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())
    return text


def date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of datetime64[D] values, as integers."""
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    return (
        years.astype(np.int64) + 1970,
        (months - years).astype(np.int64) + 1,
        (days - months).astype(np.int64) + 1,
    )
