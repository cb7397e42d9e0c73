"""The provider overview for IT: CSV (semicolon, decimal comma, formula-safe) with the overview's
columns, and JSON with every file's full result."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import kitameldung.text  # noqa: F401 – registers the "kitameldung" codec error handler
from kitameldung.batch.columns import COLUMNS
from kitameldung.batch.overview import current, facility_rows
from kitameldung.batch.runner import BatchItem
from kitameldung.batch.verlauf import COLUMNS as VERLAUF_COLUMNS
from kitameldung.batch.verlauf import KEY as VERLAUF_KEY
from kitameldung.batch.verlauf import verlauf_rows
from kitameldung.refresh import FAILED
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.xmltext import plain_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> Any:
    """Numbers with a decimal comma; a text that a spreadsheet program would run as a formula
    ("=…", "+…", "-…", "@…", tab, line break) gets a leading apostrophe, as OWASP recommends."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        value = plain_text(value)
        return "'" + value if value.startswith(_FORMULA_START) else value
    return value


def write_table(target: Path, keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file that opens as a table in German Excel: byte order mark, semicolons, decimal
    commas, formula-safe texts; written atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    write_text(target, "\ufeff" + buffer.getvalue())


def write_csv(items: list[BatchItem], target: Path) -> None:
    """The overview's table, then the files that could not be processed with their reason."""
    keys = [c.key for c in COLUMNS]
    rows: list[Sequence[Any]] = [[row[k] for k in keys] for row in current(facility_rows(items))]
    for item in items:
        if item.status == FAILED or item.data is None:
            rows.append([None, item.path, *[None] * (len(keys) - 3), item.message])
    write_table(target, keys, rows)


def verlauf_header() -> str:
    return ";".join(key for key, *_ in VERLAUF_COLUMNS)


def write_verlauf_csv(items: list[BatchItem], target: Path) -> bool:
    """The Verlauf's rows (as the sheet shows them) when the run holds several Stichtage of a
    facility; False (nothing written) when it does not."""
    rows = verlauf_rows([(i.path, i.data) for i in items])
    if not rows:
        return False
    keys = [key for key, *_ in VERLAUF_COLUMNS]
    write_table(target, keys, ([row[k] for k in keys] for row in rows))
    return True


def write_json(items: list[BatchItem], target: Path) -> None:
    """Every file with its overview row (the same columns as sheet and CSV; a report superseded
    by a newer one of its facility has none), its Verlauf row (when the run holds several
    Stichtage of its facility) and its full result."""
    rows = {row["datei"]: {c.key: row[c.key] for c in COLUMNS} for row in current(facility_rows(items))}
    history = {row["datei"]: row for row in verlauf_rows([(i.path, i.data) for i in items])}
    documents = []
    for item in items:
        data = dict(item.data) if item.data else None
        planning = data.pop("planung", None) if data else None
        if data:
            data.pop(VERLAUF_KEY, None)  # person keys stay inside the run
        documents.append(
            {
                "path": item.path,
                "status": item.status,
                "message": item.message,
                "uebersicht": rows.get(item.path),
                "verlauf": history.get(item.path),
                "result": data,
                "planung": planning,
            }
        )
    write_text(target, json.dumps(documents, ensure_ascii=False, indent=2) + "\n")


def write_text(target: Path, text: str) -> None:
    data = text.encode("utf-8", "kitameldung")

    def write(out: BinaryIO) -> None:
        out.write(data)

    write_atomic(target, write)
