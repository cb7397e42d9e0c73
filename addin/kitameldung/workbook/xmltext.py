"""Editing XML parts as text, so that every byte we do not mean to change stays as it was.

Parsing and re-serialising a part would reorder attributes, drop declarations and change
whitespace; the authority's parts must come out byte-identical. These helpers find elements by
local name (any namespace prefix) and splice strings in and out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from kitameldung.text import readable

_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')""")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Element:
    """One element in a part's text: `start`/`end` are offsets of the whole element."""

    start: int
    end: int
    text: str
    attrs: dict[str, str]
    body_start: int | None  # offset after the start tag; None for an empty element (<x/>)
    body_end: int | None  # offset of the end tag


def root_prefix(xml: str) -> str:
    """The namespace prefix of the root element including its colon ("" or "x:")."""
    hidden = _hidden_spans(xml)
    pos = 0
    while match := re.compile(r"<(?![?!])([\w.-]+:)?[\w.-]+[\s>/]").search(xml, pos):
        skip = _skip_hidden(hidden, match.start()) if hidden else None
        if skip is None:
            return match.group(1) or ""
        pos = skip
    return ""


def attributes(tag: str) -> dict[str, str]:
    """Attribute values as an XML parser reports them: entities and character references resolved."""
    return {
        m.group(1): unescape(m.group(3) if m.group(3) is not None else (m.group(4) or ""))
        for m in _ATTR.finditer(tag)
    }


_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)


def _hidden_spans(xml: str) -> list[tuple[int, int]]:
    """Comments, CDATA sections and processing instructions: markup inside them is not markup."""
    if "<!" not in xml and "<?" not in xml[2:]:
        return []
    return [m.span() for m in _HIDDEN.finditer(xml)]


def _skip_hidden(spans: list[tuple[int, int]], offset: int) -> int | None:
    for begin, stop in spans:
        if begin <= offset < stop:
            return stop
    return None


def find_all(xml: str, name: str, start: int = 0, end: int | None = None) -> list[Element]:
    """Elements with local name `name` (no nesting of the same name, as in all parts we edit);
    anything inside comments, CDATA or processing instructions is passed over."""
    end = len(xml) if end is None else end
    # Attribute values may hold ">" and either kind of quote; a tag may end in white space.
    pattern = re.compile(
        rf"""<((?:[\w.-]+:)?{re.escape(name)})((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*)(/?)>""",
        re.DOTALL,
    )
    hidden = _hidden_spans(xml)
    found: list[Element] = []
    pos = start
    while True:
        match = pattern.search(xml, pos, end)
        if not match:
            return found
        skip = _skip_hidden(hidden, match.start()) if hidden else None
        if skip is not None:
            pos = skip
            continue
        attrs = attributes(match.group(2) or "")
        if match.group(3) == "/":
            found.append(Element(match.start(), match.end(), match.group(0), attrs, None, None))
            pos = match.end()
            continue
        close = re.compile(rf"</{re.escape(match.group(1))}\s*>")
        found_close = close.search(xml, match.end(), end)
        while found_close and hidden and (skip := _skip_hidden(hidden, found_close.start())) is not None:
            found_close = close.search(xml, skip, end)
        if found_close is None:
            raise ValueError(f"element <{name}> is not closed")
        closing, stop = found_close.start(), found_close.end()
        found.append(Element(match.start(), stop, xml[match.start() : stop], attrs, match.end(), closing))
        pos = stop


def find_one(xml: str, name: str) -> Element | None:
    elements = find_all(xml, name)
    return elements[0] if elements else None


def set_attribute(tag: str, name: str, value: str) -> str:
    """Change an attribute's value inside one start tag, keeping everything else."""
    pattern = re.compile(rf"""(\s{re.escape(name)}\s*=\s*)("[^"]*"|'[^']*')""")
    return pattern.sub(lambda m: f'{m.group(1)}"{value}"', tag, count=1)


def start_tag(element: Element) -> str:
    stop = element.body_start if element.body_start is not None else element.end
    return element.text[: stop - element.start]


def splice(xml: str, start: int, end: int, replacement: str) -> str:
    return xml[:start] + replacement + xml[end:]


Edit = tuple[int, int, str]


def apply_edits(xml: str, edits: list[Edit]) -> str:
    """Several non-overlapping splices, applied from the back so offsets stay valid. An
    insertion at the start of a replaced range lands before it."""
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        xml = splice(xml, start, end, replacement)
    return xml


def count_edit(element: Element, name: str, delta: int) -> list[Edit]:
    """Change a numeric attribute (count, size) of an element's start tag by `delta`."""
    value = element.attrs.get(name)
    if value is None or not value.isdigit():
        return []
    tag = start_tag(element)
    return [(element.start, element.start + len(tag), set_attribute(tag, name, str(int(value) + delta)))]


def inner(xml: str, element: Element) -> str:
    if element.body_start is None or element.body_end is None:
        return ""
    return unescape(xml[element.body_start : element.body_end])


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|quot|apos|amp);")
_NAMED = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}


def unescape(value: str) -> str:
    """The five XML entities and character references, in one pass (so "&amp;lt;" stays "&lt;")."""
    if "&" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _NAMED[ref]

    return _ENTITY.sub(one, value)


CELL_LIMIT = 32767  # characters Excel keeps in one cell
CUT_NOTE = " … [gekürzt: Excel fasst höchstens 32.767 Zeichen je Zelle]"
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


_PLAIN = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]")
_PLAIN_CELL = re.compile(r"[&<>_\x00-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """Escape for element content; drops characters XML cannot carry at all."""
    if not _PLAIN.search(value):  # the common case, and the hot path of a refresh
        return readable(value)
    return escape(_ILLEGAL.sub("", readable(value)))


def attr(value: str) -> str:
    """Escape for an attribute value (quotes included); drops characters XML cannot carry."""
    return escape(
        _ILLEGAL.sub("", readable(value)), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"}
    )


def cell_text(value: str) -> str:
    """A cell's text as SpreadsheetML stores it: a literal "_xHHHH_" escaped as "_x005F_xHHHH_",
    control characters as "_xHHHH_" (so they survive XML), cut with a visible note beyond what
    a cell can hold; then XML-escaped."""
    value = readable(value)
    if len(value) <= CELL_LIMIT and not _PLAIN_CELL.search(value):
        return value
    value = _LITERAL_ESCAPE.sub(r"_x005F_\1", value)
    value = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)
    if len(value) > CELL_LIMIT:
        value = value[: CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE
    return escape(value)


def plain_text(value: str) -> str:
    """A text for writers that cannot carry control characters (openpyxl): those dropped,
    and cut like `cell_text`."""
    value = _ILLEGAL.sub("", readable(value))
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE
