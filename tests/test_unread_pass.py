"""The light pass over the form sheet (error values and formulas without results, which calamine
shows as empty) agrees with the full cell reader wherever it answers, and hands over to it
wherever it cannot be sure."""

from __future__ import annotations

import random

import pytest

from kitameldung.form.workbook import Unread, _quick_unread
from kitameldung.workbook.cells import sheet_cells

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def full(xml: bytes) -> dict[tuple[int, int], Unread]:
    """What the full reader finds (the reference)."""
    found: dict[tuple[int, int], Unread] = {}
    for cell in sheet_cells(xml).cells:
        if cell.kind == "e" and cell.value:
            found[(cell.row - 1, cell.col - 1)] = Unread(error=cell.value.strip())
        elif cell.formula and (cell.value is None or cell.value == ""):
            found[(cell.row - 1, cell.col - 1)] = Unread(formula=cell.formula)
    return found


def sheet(cells: str, ns: str = MAIN, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    declaration = f'xmlns:{prefix}="{ns}"' if prefix else f'xmlns="{ns}"'
    body = cells.replace("<c", f"<{p}c").replace("</c>", f"</{p}c>")
    for tag in ("f", "v", "is", "t"):
        body = body.replace(f"<{tag}>", f"<{p}{tag}>").replace(f"</{tag}>", f"</{p}{tag}>")
        body = body.replace(f"<{tag} ", f"<{p}{tag} ")
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {declaration}>'
        f'<{p}sheetData><{p}row r="1">{body}</{p}row></{p}sheetData></{p}worksheet>'
    ).encode()


CELLS = (
    '<c r="A1" t="e"><v>#REF!</v></c>'
    '<c r="B1"><f>A2+1</f></c>'
    '<c r="C1"><f>A2+1</f><v>3</v></c>'
    '<c r="D1" t="str"><f>"x"</f><v></v></c>'
    '<c r="E1" t="inlineStr"><is><t>text</t></is></c>'
    '<c r="F1" s="3"/>'
    '<c r="G1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
)


@pytest.mark.parametrize(("ns", "prefix"), [(MAIN, ""), (MAIN, "x"), (STRICT, "")])
def test_errors_and_formulas_without_results(ns: str, prefix: str) -> None:
    xml = sheet(CELLS, ns, prefix)
    quick = _quick_unread(xml)
    assert quick == {
        (0, 0): Unread(error="#REF!"),
        (0, 1): Unread(formula="A2+1"),
        (0, 3): Unread(formula='"x"'),
        (0, 6): Unread(error="#DIV/0!"),
    }
    if ns == MAIN:
        assert quick == full(xml)


@pytest.mark.parametrize(
    "cells",
    [
        '<c r="A1"><f t="shared" ref="A1:A2" si="0">B1+1</f><v>2</v></c><c r="A2"><f t="shared" si="0"/></c>',
        '<c t="e"><v>#N/A</v></c>',  # no address
    ],
)
def test_unsure_cases_go_to_the_full_reader(cells: str) -> None:
    assert _quick_unread(sheet(cells)) is None


def test_a_dtd_goes_to_the_full_reader() -> None:
    xml = sheet('<c r="A1" t="e"><v>#REF!</v></c>').replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1
    )
    assert _quick_unread(xml) is None


def test_random_sheets_agree_with_the_full_reader() -> None:
    rng = random.Random(24)
    kinds = [
        '<c r="{r}" t="e"><v>#VALUE!</v></c>',
        '<c r="{r}"><f>SUM(A1:A3)</f></c>',
        '<c r="{r}"><f>SUM(A1:A3)</f><v>6</v></c>',
        '<c r="{r}"><v>1.5</v></c>',
        '<c r="{r}" t="s"><v>0</v></c>',
        '<c r="{r}" s="2"/>',
        '<c r="{r}" t="str"><f>A1&amp;"x"</f></c>',
    ]
    for _ in range(200):
        cells = "".join(rng.choice(kinds).format(r=f"{chr(65 + col)}1") for col in range(rng.randint(1, 20)))
        xml = sheet(cells)
        assert _quick_unread(xml) == full(xml), cells
