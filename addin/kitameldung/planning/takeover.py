"""Next year's Meldung takes over last year's Gesprächsplanung, person by person (key).

Nothing is lost on either side: what the new workbook's sheet already holds wins; what only
the old one holds is taken over; where both hold different entries in the same column, the new
one stays and the old one moves into a column "<Spalte> (Vorjahr)" beside the others. People of
the old sheet who are no longer in the new form stay, greyed out as left, until someone deletes
their row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kitameldung.planning.table import BY_FIELD, Entry, Plan, Scalar, Slot, TypedFormula

PREVIOUS_YEAR = " (Vorjahr)"


@dataclass
class Takeover:
    plan: Plan
    taken: int = 0  # entries copied from the old sheet
    conflicts: int = 0  # entries kept side by side in "(Vorjahr)" columns
    old_keys: set[str] = field(default_factory=set)


def take_over(old: Plan, new: Plan) -> Takeover:
    headers = list(new.extra_headers)

    def extra_slot(header: str) -> int:
        if header not in headers:
            headers.append(header)
        return headers.index(header)

    old_extra = {i: extra_slot(h) for i, h in enumerate(old.extra_headers)}
    by_key = {e.key: e for e in old.entries}
    result = Takeover(Plan(extra_headers=headers), old_keys=set(by_key))
    entries: list[Entry] = []
    for entry in new.entries:
        merged = _copy(entry)
        previous = by_key.pop(entry.key, None)
        if previous is not None:
            _merge_into(merged, previous, old_extra, extra_slot, result)
        entries.append(merged)
    for previous in old.entries:
        if previous.key in by_key:  # only in the old sheet: taken over whole
            moved = Entry(previous.key, dict(previous.form), dict(previous.manual), {}, previous.left_since)
            moved.extra = {old_extra[i]: v for i, v in previous.extra.items()}
            moved.formulas = {_moved_slot(s, old_extra): f for s, f in previous.formulas.items()}
            result.taken += len(previous.manual) + len(previous.extra)
            entries.append(moved)
    result.plan.entries = entries
    result.plan.loose_rows = [dict(r) for r in new.loose_rows] + [
        {_moved_slot(s, old_extra): v for s, v in row.items()} for row in old.loose_rows
    ]
    return result


def _copy(entry: Entry) -> Entry:
    return Entry(
        entry.key,
        dict(entry.form),
        dict(entry.manual),
        dict(entry.extra),
        entry.left_since,
        dict(entry.formulas),
    )


def _moved_slot(slot: Slot, old_extra: dict[int, int]) -> Slot:
    return old_extra[slot] if isinstance(slot, int) else slot


def _merge_into(
    entry: Entry,
    previous: Entry,
    old_extra: dict[int, int],
    extra_slot: Callable[[str], int],
    result: Takeover,
) -> None:
    """`previous`'s entries into `entry` where it has none; side by side where both differ."""
    for name, value in previous.manual.items():
        formula = previous.formulas.get(name)
        _place(entry, name, value, formula, BY_FIELD[name].header, extra_slot, result)
    for index, value in previous.extra.items():
        slot = old_extra[index]
        formula = previous.formulas.get(index)
        _place(entry, slot, value, formula, result.plan.extra_headers[slot], extra_slot, result)


def _place(
    entry: Entry,
    slot: Slot,
    value: Scalar,
    formula: TypedFormula | None,
    header: str,
    extra_slot: Callable[[str], int],
    result: Takeover,
) -> None:
    current = entry.manual.get(slot) if isinstance(slot, str) else entry.extra.get(slot)
    if current is None:
        if isinstance(slot, str):
            entry.manual[slot] = value
        else:
            entry.extra[slot] = value
        if formula is not None:
            entry.formulas[slot] = formula
        result.taken += 1
    elif current != value:
        side = extra_slot(header + PREVIOUS_YEAR)
        entry.extra[side] = value
        result.conflicts += 1
