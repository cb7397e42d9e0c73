"""Our cell formats, appended to the end of the workbook's `xl/styles.xml` and nowhere else.

Append-only keeps every index the authority's sheets use valid. The block we append is a pure
function of the collection sizes before it, so a later run recognises it at the tail (and
reuses it instead of appending again), and the Behördenfassung can cut it off again, restoring
the part byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kitameldung.checks.formatting import COLORS
from kitameldung.workbook.xmlparse import XmlRefused, parse
from kitameldung.workbook.xmltext import (
    Edit,
    Element,
    apply_edits,
    attr,
    count_edit,
    find_all,
    find_one,
    root_prefix,
    start_tag,
)


@dataclass(frozen=True)
class Font:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float = 11
    color: str | None = None


@dataclass(frozen=True)
class Style:
    font: Font | None = None  # None: the workbook's default font
    fill: str | None = None  # solid fill RGB
    border_bottom: bool = False
    number_format: int | str = 0  # built-in id or a format code
    wrap: bool = False


STYLES: dict[str, Style] = {
    "text": Style(),
    "wrap": Style(wrap=True),
    "bold": Style(Font(bold=True)),
    "title": Style(Font(bold=True, size=14)),
    "section": Style(Font(bold=True, size=12), border_bottom=True),
    "header": Style(Font(bold=True), fill="D9E1F2", border_bottom=True, wrap=True),
    "note": Style(Font(italic=True, color="595959"), wrap=True),
    "link": Style(Font(underline=True, color="0563C1")),
    "number": Style(number_format="0.00"),
    "factor": Style(number_format="0.000000"),
    "percent": Style(number_format="0.0%"),
    "date": Style(number_format="DD.MM.YYYY"),
    "datetime": Style(number_format="DD.MM.YYYY HH:MM"),
    "result": Style(Font(bold=True), fill="F2F2F2", number_format="0.00"),
    "result_percent": Style(Font(bold=True), fill="F2F2F2", number_format="0.0%"),
    "result_text": Style(Font(bold=True), fill="F2F2F2"),
    "fehler": Style(Font(bold=True, color=COLORS["rot"][0]), fill=COLORS["rot"][1]),
    "warnung": Style(Font(bold=True, color=COLORS["gelb"][0]), fill=COLORS["gelb"][1]),
    "hinweis": Style(Font(bold=True, color=COLORS["blau"][0]), fill=COLORS["blau"][1]),
    "ok": Style(Font(bold=True, color=COLORS["gruen"][0]), fill=COLORS["gruen"][1]),
    "fehler_percent": Style(
        Font(bold=True, color=COLORS["rot"][0]), fill=COLORS["rot"][1], number_format="0.0%"
    ),
    "aside": Style(Font(italic=True, color="595959")),
    # Gesprächsplanung: columns taken from the form (rewritten on every refresh)
    "form_text": Style(fill="F2F2F2"),
    "form_date": Style(fill="F2F2F2", number_format="DD.MM.YYYY"),
    "form_number": Style(fill="F2F2F2", number_format="0.00"),
    "form_note": Style(Font(italic=True, color="595959"), fill="F2F2F2"),
}

# Formats of conditional-formatting rules (the Ampel of the Gesprächsplanung): font colour and
# fill, appended to the workbook's <dxfs> the same append-only way.
DXFS: dict[str, tuple[str, str]] = COLORS

BUILTIN_FORMATS = {"General": 0, "0.00": 2}  # format code → Excel's built-in id
_COLLECTIONS = ("numFmts", "fonts", "fills", "borders", "cellXfs")
_CHILD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}


class StylesUnavailable(Exception):
    """styles.xml lacks a collection we must append to; our sheets are written unformatted."""


def _uniques() -> tuple[list[str], list[Font], list[str], list[bool]]:
    codes: list[str] = []
    fonts: list[Font] = []
    fills: list[str] = []
    for style in STYLES.values():
        code = style.number_format
        if isinstance(code, str) and code not in BUILTIN_FORMATS and code not in codes:
            codes.append(code)
        if style.font and style.font not in fonts:
            fonts.append(style.font)
        if style.fill and style.fill not in fills:
            fills.append(style.fill)
    borders = [True] if any(s.border_bottom for s in STYLES.values()) else []
    return codes, fonts, fills, borders


def _font_xml(font: Font, p: str) -> str:
    parts = [
        f"<{p}b/>" if font.bold else "",
        f"<{p}i/>" if font.italic else "",
        f"<{p}u/>" if font.underline else "",
    ]
    parts.append(f'<{p}sz val="{font.size:g}"/>')
    parts.append(f'<{p}color rgb="FF{font.color}"/>' if font.color else f'<{p}color theme="1"/>')
    parts.append(f'<{p}name val="Calibri"/><{p}family val="2"/><{p}scheme val="minor"/>')
    return f"<{p}font>{''.join(parts)}</{p}font>"


def _fill_xml(rgb: str, p: str) -> str:
    return (
        f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FF{rgb}"/>'
        f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
    )


def _border_xml(p: str) -> str:
    return (
        f"<{p}border><{p}left/><{p}right/><{p}top/>"
        f'<{p}bottom style="thin"><{p}color rgb="FF8EA9DB"/></{p}bottom><{p}diagonal/></{p}border>'
    )


@dataclass(frozen=True)
class _Collection:
    element: Element | None
    children: list[Element]


def _collections(xml: str) -> dict[str, _Collection]:
    found = {}
    for name in _COLLECTIONS:
        element = find_one(xml, name)
        children: list[Element] = []
        if element is not None and element.body_start is not None:
            children = find_all(xml, _CHILD[name], element.body_start, element.body_end)
        found[name] = _Collection(element, children)
    for name in ("fonts", "fills", "borders", "cellXfs"):
        if not found[name].children:
            raise StylesUnavailable(name)
    return found


def _blocks(p: str, bases: dict[str, int], format_ids: list[int]) -> dict[str, list[str]]:
    """What we append to each collection, given the number of entries already there."""
    codes, fonts, fills, borders = _uniques()
    format_of = dict(zip(codes, format_ids))
    format_of.update(BUILTIN_FORMATS)
    xfs = []
    for style in STYLES.values():
        font_id = bases["fonts"] + fonts.index(style.font) if style.font else 0
        fill_id = bases["fills"] + fills.index(style.fill) if style.fill else 0
        border_id = bases["borders"] if style.border_bottom else 0
        number = (
            style.number_format if isinstance(style.number_format, int) else format_of[style.number_format]
        )
        applies = ' applyNumberFormat="1"' if number else ""
        applies += ' applyFont="1"' if font_id else ""
        applies += ' applyFill="1"' if fill_id else ""
        applies += ' applyBorder="1"' if border_id else ""
        head = f'<{p}xf numFmtId="{number}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}" xfId="0"{applies}'
        if style.wrap:
            xfs.append(f'{head} applyAlignment="1"><{p}alignment vertical="top" wrapText="1"/></{p}xf>')
        else:
            xfs.append(f"{head}/>")
    return {
        "numFmts": [
            f'<{p}numFmt numFmtId="{number}" formatCode="{attr(code)}"/>'
            for code, number in zip(codes, format_ids)
        ],
        "fonts": [_font_xml(font, p) for font in fonts],
        "fills": [_fill_xml(fill, p) for fill in fills],
        "borders": [_border_xml(p) for _ in borders],
        "cellXfs": xfs,
    }


def _ours_at_tail(xml: str, found: dict[str, _Collection]) -> tuple[dict[str, int], list[int]] | None:
    """The bases of our block if it already ends every collection, else None."""
    p = root_prefix(xml)
    sizes = {name: len(c.children) for name, c in found.items()}
    codes = _uniques()[0]
    tail_formats = found["numFmts"].children[len(found["numFmts"].children) - len(codes) :] if codes else []
    if len(tail_formats) != len(codes):
        return None
    format_ids = [int(e.attrs.get("numFmtId", "-1")) for e in tail_formats]
    probe = _blocks(p, dict.fromkeys(_COLLECTIONS, 0), format_ids)
    bases = {name: sizes[name] - len(probe[name]) for name in _COLLECTIONS}
    if min(bases.values()) < 0:
        return None
    expected = _blocks(p, bases, format_ids)
    for name in _COLLECTIONS:
        tail = [e.text for e in found[name].children[bases[name] :]]
        if tail != expected[name]:
            return None
    return bases, format_ids


# Excel's limits on the styles part (Microsoft: "Excel specifications and limits"); a workbook is
# never pushed past them.
LIMITS = {"cellXfs": 64_000, "fonts": 1_024, "fills": 64_000, "borders": 64_000, "numFmts": 250}


class StylesLimit(Exception):
    """Adding our formats would cross one of Excel's limits; German message."""


def ensure_styles(xml: str) -> tuple[str, dict[str, int]]:
    """styles.xml with our formats and the xf index of each style: our block at the end if it is
    there, else the same formats wherever they already are (a workbook Excel re-saved keeps our
    old block, no longer at the end), else a new block — unless that crossed an Excel limit."""
    found = _collections(xml)
    present = _ours_at_tail(xml, found)
    if present is None:
        bases = {name: len(c.children) for name, c in found.items()}
        used = [int(e.attrs.get("numFmtId", "0")) for e in found["numFmts"].children]
        first = max([163, *used]) + 1
        format_ids = list(range(first, first + len(_uniques()[0])))
        block = _blocks(root_prefix(xml), bases, format_ids)
        reused = _reuse(xml, found, block)
        if reused is not None:
            return xml, reused
        for name, limit in LIMITS.items():
            if bases[name] + len(block[name]) > limit:
                raise StylesLimit(
                    f"Die Arbeitsmappe hat schon {bases[name]} Einträge in „{name}“ (Excel erlaubt höchstens "
                    f"{limit}); mit den Formaten von kitameldung wären es mehr, und Excel würde die Datei "
                    "als beschädigt melden. Die Datei wurde nicht verändert. Bitte nicht benötigte "
                    "Zellformatvorlagen entfernen (Start › Zellenformatvorlagen) oder die Datei an die IT geben."
                )
        xml = _append(xml, found, block)
    else:
        bases, format_ids = present
    return xml, {name: bases["cellXfs"] + i for i, name in enumerate(STYLES)}


def _canon(text: str) -> tuple[object, ...]:
    """An element's meaning without its spelling: local names, attributes (sorted, without
    prefixes), children in order."""
    stack: list[list[object]] = [[]]

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        plain = ((k.rsplit("\x1f", 1)[-1], v) for k, v in attrs.items())
        stack.append([local, tuple(sorted((k, v) for k, v in plain if not _default(local, k, v)))])

    def end(_ns: str, local: str) -> None:
        done = stack.pop()
        if local == "font":  # the order of a font's properties means nothing to Excel
            done = done[:2] + sorted(done[2:], key=repr)
        stack[-1].append(tuple(done))

    wrapped = f'<w xmlns:x="{MAIN}">{text}</w>'.encode()
    parse(wrapped, start, end)
    return tuple(stack[0])


def _default(element: str, attribute: str, value: str) -> bool:
    """An attribute that only states the default: `<b val="1"/>` is `<b/>`, `<u val="single"/>` is `<u/>`."""
    font_flags = ("b", "i", "u", "strike", "outline", "shadow", "condense", "extend")
    return element in font_flags and attribute == "val" and value in ("1", "true", "single")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_IGNORED_XF = {
    "applyNumberFormat",
    "applyFont",
    "applyFill",
    "applyBorder",
    "applyAlignment",
    "applyProtection",
}


def _with_default_ns(text: str) -> str:
    """An element cut out of a part whose namespace was declared on the root: declare it (and
    the prefix used, if any) so the element parses on its own."""
    match = re.match(r"<([\w.-]+):", text)
    declare = f' xmlns:{match.group(1)}="{MAIN}"' if match else f' xmlns="{MAIN}"'
    head = re.match(r"<[\w.:-]+", text)
    assert head is not None
    return text[: head.end()] + declare + text[head.end() :]


def _meanings(found: dict[str, _Collection]) -> list[object]:
    """What each cell format means, independent of indices and spelling: number format code,
    font, fill, border, alignment and protection."""
    fonts, fills, borders = (
        [_canon(_with_default_ns(e.text)) for e in found[name].children]
        for name in ("fonts", "fills", "borders")
    )
    codes = {e.attrs.get("numFmtId", ""): e.attrs.get("formatCode", "") for e in found["numFmts"].children}
    result: list[object] = []
    for xf in found["cellXfs"].children:
        attrs = xf.attrs
        try:
            parts = (
                fonts[int(attrs.get("fontId", "0"))],
                fills[int(attrs.get("fillId", "0"))],
                borders[int(attrs.get("borderId", "0"))],
            )
        except (ValueError, IndexError):
            result.append(None)
            continue
        number = attrs.get("numFmtId", "0")
        rest = tuple(
            (k, v)
            for k, v in sorted(attrs.items())
            if k not in _IGNORED_XF
            and not k.endswith("Id")
            and not (k in ("pivotButton", "quotePrefix") and v in ("0", "false"))
        )
        result.append(
            (
                codes.get(number, number),
                *parts,
                attrs.get("xfId", "0"),
                rest,
                _children(xf.text),
            )
        )
    return result


def _children(text: str) -> tuple[object, ...]:
    """The child elements of one element (an xf's alignment and protection), canonical."""
    wrapper = _canon(_with_default_ns(text))[0]
    element = wrapper[2] if isinstance(wrapper, tuple) and len(wrapper) > 2 else ()
    return tuple(element[2:]) if isinstance(element, tuple) else ()


def _reuse(xml: str, found: dict[str, _Collection], block: dict[str, list[str]]) -> dict[str, int] | None:
    """Where the workbook already has each of our formats (a block of ours that a re-save moved
    away from the end): their xf indices; None unless every one is there."""
    try:
        trial = _collections(_append(xml, found, block))
        meanings = _meanings(trial)
    except (XmlRefused, ValueError, StylesUnavailable):
        return None
    base = len(found["cellXfs"].children)
    existing: dict[object, int] = {}
    for index in range(base):
        if meanings[index] is not None:
            existing.setdefault(meanings[index], index)
    result = {}
    for offset, name in enumerate(STYLES):
        meaning = meanings[base + offset]
        if meaning not in existing:
            return None
        result[name] = existing[meaning]
    return result


def _append(xml: str, found: dict[str, _Collection], blocks: dict[str, list[str]]) -> str:
    # Splice from the end of the part backwards so earlier offsets stay valid.
    p = root_prefix(xml)
    edits: list[Edit] = []
    for name in _COLLECTIONS:
        block = blocks[name]
        if not block:
            continue
        element = found[name].element
        if element is None:  # only numFmts may be missing: insert it as the first child
            root = re.search(r"<(?![?!])[^>]*?>", xml)
            assert root is not None
            whole = f'<{p}numFmts count="{len(block)}">{"".join(block)}</{p}numFmts>'
            edits.append((root.end(), root.end(), whole))
            continue
        if element.body_end is None:
            raise StylesUnavailable(name)
        edits.append((element.body_end, element.body_end, "".join(block)))
        edits += count_edit(element, "count", len(block))
    return apply_edits(xml, edits)


def remove_styles(xml: str, used_indices: set[int]) -> str:
    """styles.xml without our cell formats and conditional formats (see `remove_dxfs`)."""
    return remove_dxfs(_remove_cell_styles(xml, used_indices))


def _remove_cell_styles(xml: str, used_indices: set[int]) -> str:
    """Without our block, when it ends every collection and no remaining cell (`used_indices`:
    the xf indices the workbook's other sheets use) still points into it."""
    try:
        found = _collections(xml)
    except StylesUnavailable:
        return xml
    present = _ours_at_tail(xml, found)
    if present is None:
        return xml
    bases, _ = present
    if any(index >= bases["cellXfs"] for index in used_indices):
        return xml
    edits: list[Edit] = []
    for name in _COLLECTIONS:
        coll = found[name]
        ours = coll.children[bases[name] :]
        if not ours or coll.element is None:
            continue
        if bases[name] == 0:  # the whole collection is ours (numFmts we inserted)
            edits.append((coll.element.start, coll.element.end, ""))
            continue
        edits.append((ours[0].start, ours[-1].end, ""))
        edits += count_edit(coll.element, "count", -len(ours))
    return apply_edits(xml, edits)


# ---------------------------------------------------------------------- conditional formats
#
# <dxfs> may be missing (openpyxl omits it), empty (Excel writes <dxfs count="0"/>) or hold the
# form's own formats. We append at its tail. When we create the element, the start tag tells
# later which of the first two it was, so removing our block restores the part byte for byte:
# "<dxfs count=…>" was missing, "<dxfs count=… >" (one space) was the empty element.
_DXFS_AFTER = ("cellStyles", "cellXfs")


def _dxf_xml(font: str, fill: str, p: str) -> str:
    return (
        f'<{p}dxf><{p}font><{p}color rgb="FF{font}"/></{p}font><{p}fill><{p}patternFill>'
        f'<{p}bgColor rgb="FF{fill}"/></{p}patternFill></{p}fill></{p}dxf>'
    )


def _dxf_block(p: str) -> list[str]:
    return [_dxf_xml(font, fill, p) for font, fill in DXFS.values()]


def _dxfs_base(xml: str, element: Element | None) -> int | None:
    """Index of our first dxf when our block ends <dxfs>, else None."""
    if element is None or element.body_start is None:
        return None
    children = find_all(xml, "dxf", element.body_start, element.body_end)
    block = _dxf_block(root_prefix(xml))
    base = len(children) - len(block)
    if base < 0 or [c.text for c in children[base:]] != block:
        return None
    return base


def ensure_dxfs(xml: str) -> tuple[str, dict[str, int]]:
    """styles.xml with our conditional formats at the end of <dxfs>, and the index of each."""
    p = root_prefix(xml)
    element = find_one(xml, "dxfs")
    base = _dxfs_base(xml, element)
    block = _dxf_block(p)
    if base is None:
        if element is not None and element.body_start is not None:
            base = len(find_all(xml, "dxf", element.body_start, element.body_end))
            edits: list[Edit] = [(element.body_end or 0, element.body_end or 0, "".join(block))]
            xml = apply_edits(xml, edits + count_edit(element, "count", len(block)))
        else:
            base = 0
            marker = " " if element is not None else ""
            whole = f'<{p}dxfs count="{len(block)}"{marker}>{"".join(block)}</{p}dxfs>'
            if element is not None:
                xml = xml[: element.start] + whole + xml[element.end :]
            else:
                anchor = next(e for e in (find_one(xml, n) for n in _DXFS_AFTER) if e is not None)
                xml = xml[: anchor.end] + whole + xml[anchor.end :]
    return xml, {name: base + i for i, name in enumerate(DXFS)}


def remove_dxfs(xml: str) -> str:
    """styles.xml without our conditional formats, when they end <dxfs>."""
    element = find_one(xml, "dxfs")
    base = _dxfs_base(xml, element)
    if base is None or element is None:
        return xml
    if base == 0:
        was_empty = start_tag(element).endswith(" >")
        p = root_prefix(xml)
        return xml[: element.start] + (f'<{p}dxfs count="0"/>' if was_empty else "") + xml[element.end :]
    children = find_all(xml, "dxf", element.body_start or 0, element.body_end)
    edits: list[Edit] = [(children[base].start, children[-1].end, "")]
    return apply_edits(xml, edits + count_edit(element, "count", -(len(children) - base)))
