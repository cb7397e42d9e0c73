"""Formulas in the form that were saved without a result (by programs that do not calculate).

Only what can be computed without a spreadsheet engine and without doubt is computed: plain
arithmetic, SUM and DATE over cells of the same sheet. Anything else is left to a finding that
asks to open and save the file in Excel — a value is never silently taken as 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from kitameldung.address import a1_parts

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<cell>\$?[A-Z]{1,3}\$?\d+)|(?P<name>SUM|DATE)\s*\(|(?P<op>[-+*/(),]))"
)
_EPOCH = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


class Unsupported(Exception):
    """Not a formula this module computes."""


Lookup = Callable[[int, int], object]  # 0-based (row, col) → the cell's value


def evaluate(formula: str, lookup: Lookup, date1904: bool = False) -> float | date | None:
    """The result of `formula` (without "="), or None when it is nothing we compute surely."""
    try:
        tokens = _tokens(formula.strip().lstrip("="))
        parser = _Parser(tokens, lookup, date1904)
        value = parser.expression()
        if parser.position != len(tokens):
            return None
    except (Unsupported, ZeroDivisionError, ValueError, OverflowError, IndexError):
        return None
    return value


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position:].strip() == "":
                break
            raise Unsupported(text[position:])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup, date1904: bool) -> None:
        self.tokens, self.lookup, self.date1904 = tokens, lookup, date1904
        self.position = 0

    def num(self, value: float | date) -> float:
        """Dates take part in arithmetic as day numbers of the workbook's date system."""
        if isinstance(value, date):
            return float((value - (_EPOCH_1904 if self.date1904 else _EPOCH)).days)
        return value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.position]
        if value is not None and token[1] != value:
            raise Unsupported(token[1])
        self.position += 1
        return token

    def expression(self) -> float | date:
        value = self.term()
        while (token := self.peek()) is not None and token[1] in "+-":
            self.take()
            right = self.num(self.term())
            value = self.num(value) + right if token[1] == "+" else self.num(value) - right
        return value

    def term(self) -> float | date:
        value = self.factor()
        while (token := self.peek()) is not None and token[1] in "*/":
            self.take()
            right = self.num(self.factor())
            value = self.num(value) * right if token[1] == "*" else self.num(value) / right
        return value

    def factor(self) -> float | date:
        kind, text = self.take()
        if text == "-":
            return -self.num(self.factor())
        if text == "+":
            return self.factor()
        if text == "(":
            value = self.expression()
            self.take(")")
            return value
        if kind == "number":
            return float(text)
        if kind == "cell":
            return self.cell(text)
        if kind == "name" and text.startswith("SUM"):
            return self.sum()
        if kind == "name" and text.startswith("DATE"):
            return self.date()
        raise Unsupported(text)

    def cell(self, ref: str) -> float | date:
        row, col = a1_parts(ref.replace("$", ""))
        value = self.lookup(row - 1, col - 1)
        if value is None or value == "":
            return 0.0
        if isinstance(value, bool):
            raise Unsupported("bool")
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        raise Unsupported("text")  # text in arithmetic depends on the locale: not computed

    def sum(self) -> float:
        total = 0.0
        while True:
            token = self.peek()
            if token is not None and token[0] == "range":
                self.take()
                first, last = token[1].replace("$", "").split(":")
                (r1, c1), (r2, c2) = a1_parts(first), a1_parts(last)
                for r in range(min(r1, r2), max(r1, r2) + 1):
                    for c in range(min(c1, c2), max(c1, c2) + 1):
                        value = self.lookup(r - 1, c - 1)
                        if isinstance(value, (int, float)) and not isinstance(value, bool):
                            total += float(value)  # SUM skips text and empty cells
            else:
                total += self.num(self.expression())
            if self.take()[1] == ")":
                return total

    def date(self) -> date:
        parts = []
        while True:
            parts.append(int(self.num(self.expression())))
            if self.take()[1] == ")":
                break
        if len(parts) != 3:
            raise Unsupported("DATE")
        year, month, day = parts
        first = date(year if year >= 1900 else year + 1900, 1, 1)
        months = first.month - 1 + month - 1
        start = date(first.year + months // 12, months % 12 + 1, 1)
        return start + timedelta(days=day - 1)
