"""Native formula pieces that read the form's cells the way the Python reader does.

Only functions Excel 2010 and LibreOffice 7.4 both know. A cell may hold a real number or date,
or text the reader understood ("19,5", "01.03.2025", "§ 9"); text is converted through small
lookup tables on our sheet that list exactly the texts found in the form, each with the value
the reader gave it. Converting text in the formula itself would depend on Excel's locale.
"""

from __future__ import annotations

BLANK = '""'


def is_blank(cell: str) -> str:
    return f"LEN(TRIM({cell}))=0"


def number(cell: str | None, table: str, upper: float, whole: bool = False) -> str:
    """The cell as a number from 0 to `upper` (whole if asked); empty, unreadable or out of range
    counts 0, as in the Python core (form.values.parse_hours / parse_places)."""
    if cell is None:
        return "0"
    checks = [f"{cell}>=0", f"{cell}<={upper:g}"] + ([f"INT({cell})={cell}"] if whole else [])
    return f"IF(ISNUMBER({cell}),IF(AND({','.join(checks)}),{cell},0),IFERROR(VLOOKUP({cell},{table},2,FALSE),0))"


def day(cell: str | None, table: str) -> str:
    """The cell as a date (day number), or "" when empty or unreadable."""
    if cell is None:
        return BLANK
    return f'IF(ISNUMBER({cell}),IF({cell}>=1,INT({cell}),""),IFERROR(VLOOKUP({cell},{table},2,FALSE),""))'


def lookup_text(cell: str | None, table: str, unknown: str = "?") -> str:
    """A text looked up in `table` (e.g. Zuordnung → F/E): "" when empty, `unknown` if not listed."""
    if cell is None:
        return BLANK
    # An error value in the cell (#REF!) is an unreadable entry, as in the Python reader.
    return f'IFERROR(IF({is_blank(cell)},"",VLOOKUP({cell},{table},2,FALSE)),"{unknown}")'


def nested_if(conditions: list[tuple[str, str]], otherwise: str) -> str:
    """IF(c1,v1,IF(c2,v2,…,otherwise)) from a list of (condition, value)."""
    formula = otherwise
    for condition, value in reversed(conditions):
        formula = f"IF({condition},{value},{formula})"
    return formula


def move_formula(text: str, origin: str, target: str) -> str:
    """A formula (without "=") written in `origin`, as Excel rewrites it when the cell is moved
    or filled to `target`: relative references shift, absolute ones stay."""
    if origin == target:
        return text
    from openpyxl.formula.translate import Translator

    moved: str = Translator("=" + text, origin=origin).translate_formula(target)
    return moved[1:]
