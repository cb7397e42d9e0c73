"""Sheet `Quote & Bedarf`: Soll, Ist, Deckungsgrad and Fachkraftquote as live native formulas on
the form's own cells, with the rule rows and assumptions they use visible on the page.

Every formula carries the Python core's result as cached value; the tests recalculate the sheet
in LibreOffice and require the same numbers, also after input cells of the form were edited.
The results on top are a declared table (`results`); the blocks below leave named anchors.
"""

from __future__ import annotations

from kitameldung.pipeline import Result
from kitameldung.sheets.common import OVERWRITE_NOTE, pruefstand
from kitameldung.sheets.quote_bedarf import blocks
from kitameldung.sheets.quote_bedarf.context import KEY, PRINTED_COLUMNS, WIDTHS, Context
from kitameldung.sheets.quote_bedarf.persons import persons_block
from kitameldung.sheets.quote_bedarf.results import DIFFERENT, LAST_ROW, SAME, at, results_block
from kitameldung.sheets.quote_bedarf.tables import tables_block
from kitameldung.sheets.spec import SheetSpec

RESULTS_END = LAST_ROW

__all__ = ["DIFFERENT", "KEY", "RESULTS_END", "SAME", "build"]


def build(result: Result, name: str) -> SheetSpec:
    assert result.meldung is not None
    sheet = SheetSpec(KEY, name, widths=dict(WIDTHS), tab_color="1F6FB2", print_last_col=PRINTED_COLUMNS)
    ctx = Context(result, sheet)
    sheet.put(1, 1, "Quote & Bedarf – Personalbemessung und Fachkraftquote", "title")
    sheet.put(
        2,
        1,
        f"Die Formeln rechnen mit den Zellen des Blatts „{ctx.meldung.sheet}“ und rechnen in Excel auch "
        "ohne kitameldung weiter, wenn dort Stunden, Zuordnungen, Daten oder Plätze geändert werden. "
        + OVERWRITE_NOTE,
        "note",
    )
    sheet.merges.append("A2:J2")
    sheet.put(3, 1, f"Regeln: {pruefstand(ctx.rules)}", "aside")
    tables_block(ctx)
    ctx.row = RESULTS_END + 2
    sheet.page_breaks.append(ctx.row + 1)  # the results on the first page, the workings after
    blocks.places_block(ctx, soll=at("soll"), ist=at("ist"))
    blocks.keys_block(ctx)
    blocks.leitung_block(ctx)
    quota = blocks.quota_block(ctx)
    margin = blocks.margin_block(ctx)
    params = blocks.parameters_block(ctx)
    blocks.dated_formulas(ctx, quota, margin, params)
    ctx.anchors["vollzeit"] = params["vollzeit_stunden"]
    sheet.page_breaks.append(ctx.row + 1)  # the per-person table starts on a page of its own
    persons_block(ctx)
    results_block(ctx)
    return sheet
