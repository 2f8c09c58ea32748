"""Masks for ID numbers, phones and bank accounts: lists and default pages show these, never the whole value."""

import re

_DIGITS_ONLY = re.compile(r"[^0-9A-Za-z]")


def mask_id(number: str | None) -> str | None:
    """`520526198001011234` → `5205**********1234`: the county area and the last four stay readable."""
    return _mask(number, keep_start=4, keep_end=4)


def mask_phone(number: str | None) -> str | None:
    """`13812345678` → `138****5678`."""
    return _mask(number, keep_start=3, keep_end=4)


def mask_account(number: str | None) -> str | None:
    """`6228480012345678` → `6228********5678`."""
    return _mask(number, keep_start=4, keep_end=4)


def _mask(value: str | None, *, keep_start: int, keep_end: int) -> str | None:
    if value is None or value == "":
        return value
    text = _DIGITS_ONLY.sub("", value) or value
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)  # too short to show any part without showing all of it
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]
