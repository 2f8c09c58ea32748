"""Who lives in each household: size, relation to the head, sex, age and birth date, for every member at once."""

from dataclasses import dataclass

import numpy as np

from fupin.synth.render import Rng, chance, pick, pick_by_group

HEAD, SPOUSE, CHILD, CHILD_IN_LAW, GRANDCHILD, PARENT, SIBLING = range(7)
# Rural Guizhou households: mostly three to five people, a tail of large multi-generation ones.
SIZE_WEIGHTS = (0.09, 0.15, 0.19, 0.21, 0.16, 0.10, 0.06, 0.025, 0.015)
SPOUSE_SHARE = 0.88
TWIN_SHARE = 0.03  # of children born right after a sibling; twins share a birth date, so they test duplicate IDs
# Relations of the other members by the head's age (<40, 40–59, 60+): child, child-in-law, grandchild, parent, sibling.
OTHER_ROLES = ((0.84, 0.0, 0.0, 0.13, 0.03), (0.80, 0.05, 0.08, 0.05, 0.02), (0.45, 0.15, 0.36, 0.0, 0.04))
DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True, slots=True)
class Population:
    """Members in file order (household by household, head first), with per-household arrays alongside."""

    household: np.ndarray  # household index of each member
    position: np.ndarray  # 0 for the head, then 1, 2, …
    role: np.ndarray  # HEAD, SPOUSE, …
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    twin: np.ndarray  # same sex and birth date as the member just above
    sizes: np.ndarray  # members per household
    heads: np.ndarray  # row of each household's head

    def __len__(self) -> int:
        return len(self.household)


def household_sizes(rng: Rng, members: int) -> np.ndarray:
    """Household sizes (1–9) adding up to exactly `members`; the last household takes what is left."""
    sizes = np.zeros(0, dtype=np.int64)
    while sizes.sum() < members:
        sizes = np.concatenate([sizes, pick(rng, SIZE_WEIGHTS, members // 3 + 16) + 1])
    totals = np.cumsum(sizes)
    last = int(np.searchsorted(totals, members))
    sizes = sizes[: last + 1]
    sizes[last] = members - (totals[last - 1] if last else 0)
    return sizes


def draw_population(rng: Rng, sizes: np.ndarray, reference: np.datetime64) -> Population:
    """Relations, sexes and birth dates consistent within each household, ages counted at `reference`."""
    heads = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    household = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(household.size) - heads[household]
    head_age, head_male = _heads(rng, sizes)
    role = _roles(rng, sizes, household, position, head_age)
    male = _sexes(rng, role, position, sizes[household], head_male[household])
    age = _ages(rng, role, head_age[household], head_male[household])
    days_old = (age * DAYS_PER_YEAR + rng.random(age.size) * 365).astype(np.int64)
    birth = reference - days_old.astype("timedelta64[D]")
    twin = _twins(rng, role, household)
    previous = np.flatnonzero(twin) - 1
    male[previous + 1], birth[previous + 1] = male[previous], birth[previous]
    return Population(household, position, role, male, birth, twin, sizes, heads)


def _heads(rng: Rng, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    alone = sizes == 1
    mean = np.where(alone, 64.0, 47.0 + 1.5 * (sizes - 4))
    age = np.clip(np.rint(rng.normal(mean, np.where(alone, 13.0, 11.0))), 20, 92).astype(np.int64)
    male = chance(rng, np.where(alone, 0.55, 0.86), sizes.size)
    return age, male


def _roles(
    rng: Rng, sizes: np.ndarray, household: np.ndarray, position: np.ndarray, head_age: np.ndarray
) -> np.ndarray:
    married = (sizes >= 2) & chance(rng, SPOUSE_SHARE, sizes.size)
    bracket = np.digitize(head_age[household], (40, 60))
    role = pick_by_group(rng, OTHER_ROLES, bracket) + CHILD
    # Parents come last (father, then mother) so that a household never lists two fathers.
    role[(role == PARENT) & (position < sizes[household] - 2)] = CHILD
    role[(position == 1) & married[household]] = SPOUSE
    role[position == 0] = HEAD
    return role


def _sexes(rng: Rng, role: np.ndarray, position: np.ndarray, size: np.ndarray, head_male: np.ndarray) -> np.ndarray:
    male = chance(rng, 0.52, role.size)
    male[role == HEAD] = head_male[role == HEAD]
    male[role == SPOUSE] = ~head_male[role == SPOUSE]
    male[role == CHILD_IN_LAW] = False
    parent = role == PARENT
    male[parent] = position[parent] == size[parent] - 2
    return male


def _ages(rng: Rng, role: np.ndarray, head_age: np.ndarray, head_male: np.ndarray) -> np.ndarray:
    draw = rng.random(role.size)
    age = head_age.copy()
    gap = np.rint(rng.normal(np.where(head_male, -2.0, 2.0), 4.0)).astype(np.int64)
    age = np.where(role == SPOUSE, np.clip(head_age + gap, 18, 95), age)
    youngest = np.maximum(head_age - 45, 0)
    oldest = np.maximum(head_age - 18, youngest)
    age = np.where(role == CHILD, youngest + (draw * (oldest - youngest + 1)).astype(np.int64), age)
    in_law = np.maximum(youngest, 18)
    age = np.where(
        role == CHILD_IN_LAW, in_law + (draw * (np.maximum(oldest, in_law) - in_law + 1)).astype(np.int64), age
    )
    grandchild_oldest = np.clip(head_age - 40, 0, 25)
    age = np.where(role == GRANDCHILD, (draw * (grandchild_oldest + 1)).astype(np.int64), age)
    age = np.where(role == PARENT, np.minimum(head_age + 20 + (draw * 16).astype(np.int64), 100), age)
    return np.where(role == SIBLING, np.clip(head_age + (draw * 21).astype(np.int64) - 10, 0, 95), age)


def _twins(rng: Rng, role: np.ndarray, household: np.ndarray) -> np.ndarray:
    after_sibling = np.zeros(role.size, dtype=bool)
    after_sibling[1:] = (role[1:] == CHILD) & (role[:-1] == CHILD) & (household[1:] == household[:-1])
    twin = after_sibling & chance(rng, TWIN_SHARE, role.size)
    twin[1:] &= ~twin[:-1]  # pairs only: a triplet would copy from a member that itself was just copied
    return np.asarray(twin)


def ages_at(birth: np.ndarray, when: np.datetime64) -> np.ndarray:
    """Completed years of age on `when`."""
    born_year = birth.astype("datetime64[Y]").astype(np.int64)
    then_year = when.astype("datetime64[Y]").astype(np.int64)
    had_birthday = (birth - birth.astype("datetime64[Y]")) <= (when - when.astype("datetime64[Y]"))
    return np.asarray(then_year - born_year - (~had_birthday).astype(np.int64))
