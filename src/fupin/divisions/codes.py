"""Pure functions over 12-digit statistical division codes (省2 市2 县2 乡3 村3)."""

CODE_LENGTH = 12
NATIVE_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
LEVEL_NAMES = {1: "省", 2: "市", 3: "县", 4: "乡", 5: "村"}


def is_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isascii() and code.isdigit()


def structural_level(code: str) -> int:
    """The level a code's trailing zeros say it has."""
    for level in (1, 2, 3, 4):
        if code[NATIVE_LENGTH[level] :].strip("0") == "":
            return level
    return 5


def prefix(code: str, level: int | None = None) -> str:
    """The native short code (the prefix that every descendant shares)."""
    return code[: NATIVE_LENGTH[level or structural_level(code)]]


def pad(short_code: str) -> str:
    return short_code.ljust(CODE_LENGTH, "0")


def prefix_range(short_code: str) -> tuple[str, str]:
    """The half-open code range [low, high) of every unit under a prefix; indexable on both databases."""
    if not short_code:
        return ("0" * CODE_LENGTH, "A")
    upper = str(int(short_code) + 1).zfill(len(short_code))
    if len(upper) > len(short_code):
        return (pad(short_code), "A")
    return (pad(short_code), pad(upper))
