"""Reading package parts with a real XML parser (expat, streaming), never with regular expressions.

Which shared strings, styles or sheets a part uses is a question about its XML, and real writers
answer it in many shapes: empty self-closing cells, any namespace prefix, cells without `r`,
rich-text runs, shared formulas. A parser sees them all the same way. DTDs and entity
declarations have no place in an OOXML part and are refused (no entity expansion, no external
entities).

Element names come back as `(namespace, local name)`; prefixes never matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_SEP = "\x1f"


class XmlRefused(ValueError):
    """A part is not XML we accept (malformed, a DTD or entity declaration)."""


class _Stop(Exception):
    """Raised inside a handler to end parsing early."""


def split_name(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEP)
    return namespace, local


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=_SEP)

    def refuse(*_: object) -> Any:
        raise XmlRefused("DTD oder Entitätsdeklaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


Start = Callable[[str, str, dict[str, str]], None]
End = Callable[[str, str], None]
Text = Callable[[str], None]


def parse(data: bytes, start: Start, end: End | None = None, text: Text | None = None) -> bool:
    """Run the handlers over `data`; a handler may call `stop()` to end early. Returns True when
    parsing was ended early. Attribute names keep their namespace as "ns<SEP>name"."""
    parser = _parser()

    def on_start(name: str, attrs: dict[str, str]) -> None:
        ns, local = split_name(name)
        start(ns, local, attrs)

    parser.StartElementHandler = on_start
    if end is not None:
        end_handler = end

        def on_end(name: str) -> None:
            ns, local = split_name(name)
            end_handler(ns, local)

        parser.EndElementHandler = on_end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for offset in range(0, max(len(data), 1), 1 << 16):
            parser.Parse(data[offset : offset + (1 << 16)], False)
        parser.Parse(b"", True)
    except _Stop:
        return True
    except expat.ExpatError as err:
        raise XmlRefused(f"XML fehlerhaft in Zeile {err.lineno}, Spalte {err.offset}") from err
    return False


def stop() -> None:
    raise _Stop


def attribute(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by local name, whatever namespace it is in."""
    if local in attrs:
        return attrs[local]
    for name, value in attrs.items():
        if split_name(name)[1] == local:
            return value
    return None


@dataclass
class RootInfo:
    namespace: str
    local: str
    declared: dict[str, str]  # prefix ("" for the default) -> namespace URI on the root start tag


def root_info(data: bytes) -> RootInfo:
    """The root element and the namespaces its start tag declares."""
    parser = _parser()
    parser.namespace_prefixes = True
    declared: dict[str, str] = {}
    found: list[RootInfo] = []

    def on_ns(prefix: str | None, uri: str) -> None:
        if not found:
            declared[prefix or ""] = uri

    def on_start(name: str, _attrs: dict[str, str]) -> None:
        ns, local = split_name(name)
        local = local.split(_SEP)[0]
        found.append(RootInfo(ns.split(_SEP)[0] if _SEP in ns else ns, local, dict(declared)))
        raise _Stop

    parser.StartNamespaceDeclHandler = on_ns
    parser.StartElementHandler = on_start
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as err:
        raise XmlRefused(f"XML fehlerhaft in Zeile {err.lineno}, Spalte {err.offset}") from err
    if not found:
        raise XmlRefused("kein Wurzelelement")
    return found[0]


def check_well_formed(data: bytes) -> None:
    """Raise XmlRefused unless `data` is one well-formed XML document without a DTD."""
    parse(data, lambda *_: None)


def text_nodes(data: bytes) -> list[str]:
    """Every text node of a part (for leak checks), adjacent character data joined."""
    found: list[str] = []
    current: list[str] = []

    def flush(*_: object) -> None:
        if current:
            found.append("".join(current))
            current.clear()

    parse(data, flush, flush, current.append)
    flush()
    return found


def is_date1904(workbook_xml: bytes) -> bool:
    """Whether a workbook counts its dates from 1904 (`<workbookPr date1904="1"/>`)."""
    found = {"1904": False}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "workbookPr":
            found["1904"] = attrs.get("date1904", "0").strip().lower() in ("1", "true")
            stop()
        elif local == "sheets":
            stop()  # workbookPr comes before the sheets

    try:
        parse(workbook_xml, start)
    except XmlRefused:
        return False
    return found["1904"]


_DECLARED = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")


def xml_text(data: bytes) -> str:
    """A part's XML as text: UTF-8 as Excel writes it, or UTF-16 (with its byte order mark) as
    some programs write it. The declaration of a UTF-16 part is changed to UTF-8, the encoding
    the text is written back in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        return _DECLARED.sub(r"\1UTF-8\2", text, count=1)
    return data.decode("utf-8")


def safe_parser() -> expat.XMLParserType:
    """An expat parser that refuses DTDs and entities, for readers with handlers of their own
    (names arrive as "namespace<SEP>local")."""
    return _parser()


SEPARATOR = _SEP
