"""Valid, unique 18-digit citizen ID numbers (GB 11643-1999) for a whole population at once."""

import numpy as np

from fupin.registry.idnumber import CHECK_CHARS, WEIGHTS
from fupin.synth.render import Text, date_parts, integers, join, labels

# Sequence numbers run 001–999, odd for men and even for women: 500 men and 499 women per county and day.
PER_DAY_AND_SEX = 499


def assign_sequences(county: np.ndarray, birth: np.ndarray, male: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A sequence number unique within (county, birth date, sex), and the birth dates, moved a day earlier
    for the rare person who would otherwise overflow a day's 499 numbers."""
    birth = birth.copy()
    while True:
        rank = _rank_within(county, birth, male)
        over = rank >= PER_DAY_AND_SEX
        if not over.any():
            return np.where(male, 2 * rank + 1, 2 * rank + 2), birth
        birth[over] -= np.timedelta64(1, "D")


def _rank_within(county: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """0 for the first member (in file order) of each (county, birth date, sex) group, 1 for the second, …"""
    day = birth.astype("datetime64[D]").astype(np.int64) + 200_000  # non-negative back to the 1400s
    key = (county.astype(np.int64) * 1_000_000 + day) * 2 + male
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    index = np.arange(key.size)
    rank_sorted = index - np.maximum.accumulate(np.where(starts, index, 0))
    rank = np.empty_like(rank_sorted)
    rank[order] = rank_sorted
    return rank


def id_numbers(county: np.ndarray, birth: np.ndarray, sequence: np.ndarray) -> Text:
    year, month, day = date_parts(birth)
    body = county.astype(np.int64) * 10**11 + (year * 10_000 + month * 100 + day) * 1_000 + sequence
    return join(integers(body, 17), labels(tuple(CHECK_CHARS), check_index(body)))


def check_index(body: np.ndarray) -> np.ndarray:
    """Position in CHECK_CHARS of the check character of each 17-digit body (given as an integer)."""
    total = np.zeros(body.size, dtype=np.int64)
    rest = body.astype(np.int64)
    for weight in reversed(WEIGHTS):  # digits from the last (units) to the first
        total += (rest % 10) * weight
        rest //= 10
    return total % 11
