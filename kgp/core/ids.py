"""Database ids from untrusted input (URLs, forms, session data)."""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the largest value of a bigint primary key


def parse_id(value: object) -> int | None:
    """A database id: ASCII digits only (no superscripts or other Unicode digits), 0 < id < 2**63;
    None for anything else, so a lookup with it can neither overflow nor raise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        pk = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,19}", value):
        pk = int(value)
    else:
        return None
    return pk if 0 < pk <= MAX_ID else None
