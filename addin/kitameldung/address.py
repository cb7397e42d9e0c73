"""Cell addresses: A1 text ↔ row and column numbers, in one place for the whole package."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """0-based row and column → A1 address."""
    return f"{column_letter(col)}{row + 1}"


_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d*)")


def a1_parts(ref: str) -> tuple[int, int]:
    """A1 address → 1-based (row, column); a bare column ("C") has row 0."""
    match = _A1.match(ref.strip())
    if match is None:
        raise ValueError(f"keine Zelladresse: {ref!r}")
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - 64
    return int(match.group(2) or 0), col


def ref(row: int, col: int, absolute: bool = False) -> str:
    """1-based row and column → "B7" (or "$B$7")."""
    address = a1(row - 1, col - 1)
    if not absolute:
        return address
    letters = address.rstrip("0123456789")
    return f"${letters}${address[len(letters) :]}"


def position(cell: str | None) -> tuple[int, int]:
    """(row, column), 1-based, for sorting; (0, 0) for no cell."""
    if not cell:
        return (0, 0)
    try:
        return a1_parts(cell)
    except ValueError:
        return (0, 0)


def merged_spans(merges: list[str]) -> dict[tuple[int, int], tuple[int, int]]:
    """Top-left cell of each merged range ("A2:J2") → (first column, last column)."""
    spans = {}
    for merge in merges:
        first, _, last = merge.partition(":")
        (r1, c1), (_, c2) = a1_parts(first), a1_parts(last or first)
        spans[(r1, c1)] = (c1, c2)
    return spans
