"""What in the parts kept for the Behördenfassung still depends on our sheets, or holds their
confidential texts, found structurally and by content — not only as exact texts.

After our sheets are removed, every remaining XML part is read once: every text and attribute
value is looked at in its place. A formula, a validation or conditional-format rule, a chart
series, a pivot cache, an external reference or a link naming one of our sheets is a trace; so is
a text that contains something a person typed into the Gesprächsplanung (the stored result of
`=CONCATENATE("Ziel: ";Gesprächsplanung!R23)`, a pivot record). Each trace is named by sheet,
cell and kind, so the user can remove it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kitameldung.workbook.package import Package
from kitameldung.workbook.registry import refers_to_sheet
from kitameldung.workbook.xmlparse import parse

MIN_SECRET = 6  # shorter typed texts ("ja", "Frau K.") say too little and occur everywhere
KINDS = {  # element (local name) holding a reference -> how a person calls it
    "f": "Formel",
    "formula": "Regel (bedingte Formatierung)",
    "formula1": "Gültigkeitsregel",
    "formula2": "Gültigkeitsregel",
    "hyperlink": "Link",
    "worksheetSource": "Pivot-Tabelle (Datenquelle)",
    "sheetName": "externer Bezug",
    "definedName": "Name",
}
SKIPPED_ATTRIBUTES = {"r", "ref", "sqref", "id", "s", "t", "Id", "Type", "Target", "PartName", "ContentType"}
PART_KINDS = (
    ("/charts/", "Diagramm"),
    ("/pivotCache/", "Pivot-Zwischenspeicher"),
    ("/pivotTables/", "Pivot-Tabelle"),
    ("/externalLinks/", "externer Bezug"),
    ("/tables/", "Tabelle"),
    ("/drawings/", "Zeichnung"),
    ("sharedStrings", "Textspeicher der Arbeitsmappe"),
    ("/worksheets/", "Blatt"),
)


@dataclass(frozen=True)
class Trace:
    where: str  # "Blatt „Auswertung“, Zelle B3" or "Diagramm (xl/charts/chart1.xml)"
    kind: str  # "Formel", "Pivot-Zwischenspeicher", "Text aus der Gesprächsplanung" …
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} ({self.detail})"


def find_traces(package: Package, removed: list[str], secrets: set[str]) -> list[Trace]:
    """Traces of the removed sheets (by tab name) and of `secrets` (what people typed into the
    Gesprächsplanung) in every remaining XML part — also where a copy was pasted as a value."""
    sheet_of = {e.part: e.name for e in package.sheets() if e.part}
    telling = {s for s in secrets if len(s) >= MIN_SECRET}
    found: list[Trace] = []
    for part in package.names():
        if not part.lower().endswith((".xml", ".rels", ".vml")):
            continue
        data = package.get(part)
        if data is None:
            continue
        found.extend(_part_traces(part, data, sheet_of.get(part), removed, telling))
    return found


def _part_traces(
    part: str, data: bytes, sheet: str | None, removed: list[str], secrets: set[str]
) -> list[Trace]:
    found: list[Trace] = []
    stack: list[tuple[str, dict[str, str]]] = []
    text: list[str] = []
    where = {"cell": ""}

    def place() -> str:
        if sheet is not None:
            return f"Blatt „{sheet}“" + (f", Zelle {where['cell']}" if where["cell"] else "")
        kind = next((k for marker, k in PART_KINDS if marker in part), "Teil")
        return f"{kind} ({part})"

    def look(value: str, element: str) -> None:
        stripped = value.strip()
        if not stripped:
            return
        for name in removed:
            if refers_to_sheet(stripped, name) or (
                element in ("worksheetSource", "sheetName") and stripped == name
            ):
                found.append(Trace(place(), KINDS.get(element, "Verweis"), f"verweist auf „{name}“"))
                return
        hit = next((s for s in secrets if s in stripped), None)
        if hit is not None:
            found.append(Trace(place(), "Text aus der Gesprächsplanung", f"„{hit[:40]}“"))

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        flush()
        if local == "c":
            where["cell"] = attrs.get("r", "")
        elif local in ("dataValidation", "conditionalFormatting") and "sqref" in attrs:
            where["cell"] = attrs["sqref"]
        elif local == "hyperlink":
            where["cell"] = attrs.get("ref", "")
        stack.append((local, attrs))
        for key, value in attrs.items():
            attribute = key.rsplit("\x1f", 1)[-1]
            if local == "worksheetSource" and attribute in ("sheet", "name"):
                look(value, "worksheetSource")
            elif local == "sheetName" and attribute == "val":
                look(value, "sheetName")
            elif attribute == "location":
                look(value, "hyperlink")
            elif attribute not in SKIPPED_ATTRIBUTES:
                look(value, local)

    def end(_ns: str, local: str) -> None:
        flush()
        if stack:
            stack.pop()
        if local == "c":
            where["cell"] = ""

    def flush() -> None:
        if text:
            element = stack[-1][0] if stack else ""
            look("".join(text), element)
            text.clear()

    parse(data, start, end, text.append)
    return _unique(found)


def _unique(traces: list[Trace]) -> list[Trace]:
    seen: set[tuple[str, str, str]] = set()
    result = []
    for trace in traces:
        key = (trace.where, trace.kind, trace.detail)
        if key not in seen:
            seen.add(key)
            result.append(trace)
    return result


def describe(traces: list[Trace], file: str, limit: int = 8) -> str:
    """The German refusal, listing each place."""
    shown = "; ".join(str(t) for t in traces[:limit])
    more = f"; und {len(traces) - limit} weitere Stellen" if len(traces) > limit else ""
    return (
        f"{file}: Die Behördenfassung wurde nicht geschrieben: Teile, die an die Behörde gingen, hängen noch "
        f"an den Blättern von kitameldung oder enthalten Einträge der vertraulichen Gesprächsplanung – "
        f"{shown}{more}. Bitte diese Stellen in Excel entfernen (oder durch eigene Werte ersetzen) und "
        "die Behördenfassung erneut erzeugen."
    )
