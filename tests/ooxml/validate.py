#!/usr/bin/env python3
"""Validate .xlsx/.xlsm/.xlam packages the way Excel would judge them, as far as that is possible
without Excel:

1. every XML part must be namespace-well-formed;
2. parts of known content type are validated against the ECMA-376 (transitional) schemas, the OPC
   schemas and Microsoft's customUI schemas (schemas/ beside this script, see schemas/README.txt), after
   Markup-Compatibility preprocessing (ignorable namespaces stripped, AlternateContent resolved);
3. Excel rules the XSD does not express (sheet names, ids, counts, indices, ordering, limits,
   cross-part references, formulas, VBA project structure).

Usage:  validate.py [--parts REGEX] [--no-schema] [--errors-only] FILE...
Output: one line per finding:  FILE :: PART :: LEVEL rule: message
        LEVEL is ERROR (violates the schema or a rule Excel enforces) or WARN (suspicious / Excel
        tolerates it but it is not what Excel writes).
Exit status: 1 if any ERROR, else 0.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import struct
import sys
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"

# ---------------------------------------------------------------- namespaces and types
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
CUI06 = "http://schemas.microsoft.com/office/2006/01/customui"
CUI09 = "http://schemas.microsoft.com/office/2009/07/customui"

UNDERSTOOD = {
    MAIN, R, PKG_RELS, CT_NS, MC, XML_NS, EP, VT, CHART, A, XDR, CUI06, CUI09,
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/", "http://purl.org/dc/dcmitype/",
    "http://www.w3.org/2001/XMLSchema-instance",
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}

CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
MAIN_TYPES = {
    ".xlsx": CT + "sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    ".xltx": CT + "template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
WORKBOOK_TYPES = set(MAIN_TYPES.values())
T_WORKSHEET = CT + "worksheet+xml"
T_STYLES = CT + "styles+xml"
T_SST = CT + "sharedStrings+xml"
T_CALC = CT + "calcChain+xml"
T_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
T_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
T_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
T_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
T_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
T_RELS = "application/vnd.openxmlformats-package.relationships+xml"
T_VBA = "application/vnd.ms-office.vbaProject"
SCHEMA_TYPES = {T_WORKSHEET, T_STYLES, T_SST, T_CALC, T_CHART, T_DRAWING, T_THEME, T_APP, T_CORE, T_RELS,
                *WORKBOOK_TYPES, CT + "chartsheet+xml"}

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_UI06 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RT_UI07 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

ERRORS_LITERAL = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
MAX_ROW, MAX_COL = 1048576, 16384

# Functions Excel stores with the _xlfn. (or _xlfn._xlws.) prefix: added after Excel 2007.
# List from XlsxWriter's worksheet._prepare_formula (jmcnamara/XlsxWriter).
FUTURE = set(["ACOT", "ACOTH", "AGGREGATE", "ANCHORARRAY", "ARABIC", "ARRAYTOTEXT", "BASE", "BETA.DIST", "BETA.INV", "BINOM.DIST", "BINOM.DIST.RANGE", "BINOM.INV", "BITAND", "BITLSHIFT", "BITOR", "BITRSHIFT", "BITXOR", "BYCOL", "BYROW", "CEILING.MATH", "CEILING.PRECISE", "CHISQ.DIST", "CHISQ.DIST.RT", "CHISQ.INV", "CHISQ.INV.RT", "CHISQ.TEST", "CHOOSECOLS", "CHOOSEROWS", "COMBINA", "CONCAT", "CONFIDENCE.NORM", "CONFIDENCE.T", "COT", "COTH", "COVARIANCE.P", "COVARIANCE.S", "CSC", "CSCH", "DAYS", "DECIMAL", "DROP", "ERF.PRECISE", "ERFC.PRECISE", "EXPAND", "EXPON.DIST", "F.DIST", "F.DIST.RT", "F.INV", "F.INV.RT", "F.TEST", "FILTERXML", "FLOOR.MATH", "FLOOR.PRECISE", "FORECAST.ETS", "FORECAST.ETS.STAT", "FORECAST.LINEAR", "FORMULATEXT", "GAMMA", "GAMMA.DIST", "GAMMA.INV", "GAMMALN.PRECISE", "GAUSS", "HSTACK", "HYPGEOM.DIST", "IFNA", "IFS", "IMAGE", "IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMSEC", "IMSECH", "IMSINH", "IMTAN", "ISFORMULA", "ISOMITTED", "ISOWEEKNUM", "LAMBDA", "LET", "LOGNORM.DIST", "LOGNORM.INV", "MAKEARRAY", "MAP", "MAXIFS", "MINIFS", "MODE.MULT", "MODE.SNGL", "MUNIT", "NEGBINOM.DIST", "NORM.DIST", "NORM.INV", "NORM.S.DIST", "NORM.S.INV", "NUMBERVALUE", "PDURATION", "PERCENTILE.EXC", "PERCENTILE.INC", "PERCENTRANK.EXC", "PERCENTRANK.INC", "PERMUTATIONA", "PHI", "POISSON.DIST", "QUARTILE.EXC", "QUARTILE.INC", "QUERYSTRING", "RANDARRAY", "RANK.AVG", "RANK.EQ", "REDUCE", "RRI", "SCAN", "SEC", "SECH", "SEQUENCE", "SHEET", "SHEETS", "SINGLE", "SKEW.P", "SORTBY", "STDEV.P", "STDEV.S", "SWITCH", "T.DIST", "T.DIST.2T", "T.DIST.RT", "T.INV", "T.INV.2T", "T.TEST", "TAKE", "TEXTAFTER", "TEXTBEFORE", "TEXTJOIN", "TEXTSPLIT", "TOCOL", "TOROW", "UNICHAR", "UNICODE", "UNIQUE", "VALUETOTEXT", "VAR.P", "VAR.S", "VSTACK", "WEBSERVICE", "WEIBULL.DIST", "WRAPCOLS", "WRAPROWS", "XLOOKUP", "XMATCH", "XOR", "Z.TEST", "FILTER", "SORT"])

# Excel's built-in number formats (ids usable without a <numFmt>), incl. the locale-dependent ones.
BUILTIN_NUMFMTS = set(range(0, 23)) | set(range(37, 41)) | set(range(45, 50)) | set(range(23, 37)) \
    | set(range(41, 45)) | set(range(50, 82))

FORBIDDEN_SHEET_CHARS = set('[]:*?/\\')


# ---------------------------------------------------------------- helpers
def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def col_to_num(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def num_to_ref(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def parse_cell(ref: str) -> tuple[int, int] | None:
    m = CELL_RE.match(ref)
    if not m:
        return None
    c, r = col_to_num(m.group(1)), int(m.group(2))
    if not (1 <= c <= MAX_COL and 1 <= r <= MAX_ROW):
        return None
    return r, c


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    if len(parts) == 1:
        p = parse_cell(parts[0])
        return (p[0], p[1], p[0], p[1]) if p else None
    if len(parts) != 2:
        return None
    a, b = parse_cell(parts[0]), parse_cell(parts[1])
    if not a or not b:
        # whole columns / rows (A:A, 1:3)
        m1 = re.match(r"^\$?([A-Za-z]{1,3})$", parts[0]); m2 = re.match(r"^\$?([A-Za-z]{1,3})$", parts[1])
        if m1 and m2:
            return 1, col_to_num(m1.group(1)), MAX_ROW, col_to_num(m2.group(1))
        m1 = re.match(r"^\$?(\d+)$", parts[0]); m2 = re.match(r"^\$?(\d+)$", parts[1])
        if m1 and m2:
            return int(m1.group(1)), 1, int(m2.group(1)), MAX_COL
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def overlaps(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def resolve(source_part: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def owner_of_rels(rels: str) -> str:
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def sheet_name_problem(name: str) -> str | None:
    if not name:
        return "empty sheet name"
    if len(name) > 31:
        return f"sheet name longer than 31 characters ({len(name)})"
    bad = sorted(set(name) & FORBIDDEN_SHEET_CHARS)
    if bad:
        return f"sheet name contains forbidden character(s) {''.join(bad)}"
    if name.startswith("'") or name.endswith("'"):
        return "sheet name starts or ends with an apostrophe"
    if name.lower() == "history":
        return 'sheet name "History" is reserved by Excel'
    return None


# ---------------------------------------------------------------- formula scanning
TOKEN_RE = re.compile(
    r"""
    (?P<str>"(?:[^"]|"")*")                       # string literal
  | (?P<struct>\[(?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*\])     # structured reference / external book index
  | (?P<qsheet>'(?:[^']|'')+'!)                    # quoted sheet prefix
  | (?P<err>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))
  | (?P<func>(?:_xlfn\.|_xlws\.|_xll\.)*[A-Za-z][A-Za-z0-9._]*\()   # function call
  | (?P<usheet>[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*!)           # unquoted sheet prefix
  | (?P<lbrace>\{) | (?P<rbrace>\}) | (?P<lpar>\() | (?P<rpar>\)) | (?P<comma>,) | (?P<semi>;)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def scan_formula(text: str) -> dict:
    """Rough tokenizer: function names, sheet references, string literals, nesting depth."""
    funcs, sheets, strings, problems = [], [], [], []
    depth = max_depth = 0
    brace = 0
    stack: list[int] = []  # arg counts per open call/paren
    prev = None
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        tok = m.group(0)
        external = prev == "struct"  # [1]Sheet1!A1: a sheet of another workbook
        prev = kind
        if external and kind in ("qsheet", "usheet"):
            continue
        if kind == "str":
            strings.append(tok[1:-1].replace('""', '"'))
        elif kind == "qsheet":
            sheets.append(tok[1:-2].replace("''", "'"))
        elif kind == "usheet":
            sheets.append(tok[:-1])
        elif kind == "func":
            funcs.append(tok[:-1])
            depth += 1
            max_depth = max(max_depth, depth)
            stack.append(1)
        elif kind == "lpar":
            stack.append(-1)  # plain parenthesis
        elif kind == "rpar":
            if not stack:
                problems.append("unbalanced ')'")
                continue
            top = stack.pop()
            if top >= 0:
                depth -= 1
                if top > 255:
                    problems.append(f"function with {top} arguments (>255)")
        elif kind == "comma":
            if stack and stack[-1] >= 0 and not brace:
                stack[-1] += 1
        elif kind == "semi":
            if not brace:
                problems.append("';' outside an array constant (locale separator? the file format uses ',')")
        elif kind == "lbrace":
            brace += 1
        elif kind == "rbrace":
            brace -= 1
        elif kind == "other" and tok in "\"'":
            problems.append(f"unterminated {tok} quote")
    if stack:
        problems.append("unbalanced '('")
    return {"funcs": funcs, "sheets": sheets, "strings": strings, "depth": max_depth, "problems": problems}


# ---------------------------------------------------------------- MCE preprocessing
def mce_preprocess(root: etree._Element) -> None:
    """Markup Compatibility (ECMA-376 Part 3): drop ignorable, not understood namespaces and
    resolve mc:AlternateContent (first Choice whose Requires are understood, else Fallback)."""
    ignorable: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        value = el.get(q(MC, "Ignorable"))
        if value:
            for prefix in value.split():
                ns = el.nsmap.get(prefix)
                if ns:
                    ignorable.add(ns)
    ignorable -= UNDERSTOOD
    # AlternateContent
    for ac in list(root.iter(q(MC, "AlternateContent"))):
        chosen = None
        for child in ac:
            if child.tag == q(MC, "Choice"):
                req = (child.get("Requires") or "").split()
                if all(child.nsmap.get(p) in UNDERSTOOD for p in req):
                    chosen = child
                    break
            elif child.tag == q(MC, "Fallback"):
                chosen = child
                break
        parent = ac.getparent()
        if parent is None:
            continue
        idx = parent.index(ac)
        tail = ac.tail
        parent.remove(ac)
        if chosen is not None:
            for i, c in enumerate(list(chosen)):
                parent.insert(idx + i, c)
        if tail:
            pass
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        ns = etree.QName(el).namespace
        parent = el.getparent()
        if ns in ignorable and parent is not None and etree.QName(parent).localname != "ext":
            # (children of an <ext> are extension content, validated laxly, kept)
            parent.remove(el)
            continue
        for name in list(el.attrib):
            ans = etree.QName(name).namespace if name.startswith("{") else None
            if ans in ignorable or name in (q(MC, "Ignorable"), q(MC, "MustUnderstand"), q(MC, "ProcessContent")):
                del el.attrib[name]
            elif name == q(XML_NS, "space"):
                # ECMA-376's sml.xsd does not declare xml:space on <t>, although Excel writes it.
                del el.attrib[name]


_SCHEMA = None


def schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "bundle.xsd")))
    return _SCHEMA


# ---------------------------------------------------------------- the checker
class Checker:
    def __init__(self, path: Path, part_filter: re.Pattern | None, use_schema: bool) -> None:
        self.path = path
        self.filter = part_filter
        self.use_schema = use_schema
        self.findings: list[tuple[str, str, str, str]] = []
        self.xml: dict[str, etree._Element] = {}
        self.raw: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.rels: dict[str, list[dict]] = {}
        self.broken: set[str] = set()

    # reporting
    def err(self, part: str, rule: str, msg: str) -> None:
        self.findings.append((part, "ERROR", rule, msg))

    def warn(self, part: str, rule: str, msg: str) -> None:
        self.findings.append((part, "WARN", rule, msg))

    def wanted(self, part: str) -> bool:
        return self.filter is None or bool(self.filter.search(part))

    # ------------------------------------------------------------ package level
    def run(self) -> None:
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            self.err("(zip)", "zip", f"not a zip package: {e}")
            return
        with zf:
            names = [i.filename for i in zf.infolist()]
            lower = Counter(n.lower() for n in names)
            for n, c in lower.items():
                if c > 1:
                    self.err("(zip)", "opc-part-name", f"part name occurs {c} times (case-insensitive): {n}")
            for i in zf.infolist():
                if i.filename.endswith("/"):
                    self.warn("(zip)", "opc-folder-entry", f"zip folder entry {i.filename}")
                    continue
                if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    self.err("(zip)", "zip-method", f"{i.filename}: compression method {i.compress_type}")
                self.raw[i.filename] = zf.read(i)
        if "[Content_Types].xml" not in self.raw:
            self.err("(zip)", "opc-content-types", "[Content_Types].xml missing")
            return
        for name, data in self.raw.items():
            if name.endswith(".xml") or name.endswith(".rels") or name.endswith(".vml"):
                try:
                    self.xml[name] = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
                except etree.XMLSyntaxError as e:
                    self.err(name, "xml-well-formed", str(e))
                    self.broken.add(name)
                    try:  # keep checking the rest with what a recovering parser makes of it
                        rec = etree.fromstring(data, etree.XMLParser(recover=True, huge_tree=True))
                        if rec is not None:
                            self.xml[name] = rec
                    except etree.XMLSyntaxError:
                        pass
        self.content_types()
        self.relationships()
        self.main_part()
        if self.use_schema:
            self.schema_validate()
        self.workbook_checks()
        self.app_checks()
        self.vba_checks()
        self.customui_checks()

    def content_types(self) -> None:
        root = self.xml.get("[Content_Types].xml")
        if root is None:
            return
        defaults, overrides = {}, {}
        for el in root:
            if el.tag == q(CT_NS, "Default"):
                ext = (el.get("Extension") or "").lower()
                if ext in defaults:
                    self.err("[Content_Types].xml", "opc-ct-dup", f"Default for .{ext} twice")
                defaults[ext] = el.get("ContentType")
            elif el.tag == q(CT_NS, "Override"):
                pn = el.get("PartName") or ""
                key = pn.lower()
                if key in overrides:
                    self.err("[Content_Types].xml", "opc-ct-dup", f"Override for {pn} twice")
                overrides[key] = (pn, el.get("ContentType"))
                if not pn.startswith("/"):
                    self.err("[Content_Types].xml", "opc-ct-partname", f"PartName {pn} does not start with /")
        lower_parts = {n.lower(): n for n in self.raw}
        for key, (pn, ctype) in overrides.items():
            if key.lstrip("/") not in lower_parts:
                self.warn("[Content_Types].xml", "opc-ct-orphan",
                          f"Override for a part that is not in the package: {pn} ({ctype})")
        for name in self.raw:
            if name == "[Content_Types].xml" or name.endswith("/"):
                continue
            over = overrides.get("/" + name.lower())
            if over:
                self.types[name] = over[1]
            else:
                ext = name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""
                if ext in defaults:
                    self.types[name] = defaults[ext]
                else:
                    self.err("[Content_Types].xml", "opc-ct-missing", f"no content type for part {name}")

    def relationships(self) -> None:
        for name, root in self.xml.items():
            if not name.endswith(".rels"):
                continue
            owner = owner_of_rels(name) if name != "_rels/.rels" else ""
            if owner and owner not in self.raw:
                self.warn(name, "opc-rels-owner", f"relationship part for missing part {owner}")
            ids = Counter()
            entries = []
            for rel in root:
                if rel.tag != q(PKG_RELS, "Relationship"):
                    continue
                rid, typ, target, mode = rel.get("Id"), rel.get("Type"), rel.get("Target"), rel.get("TargetMode")
                ids[rid] += 1
                entry = {"id": rid, "type": typ, "target": target, "mode": mode}
                if mode != "External" and (target or "").startswith("#"):
                    entry["part"] = None  # a location in this document (shape hyperlinks)
                elif mode != "External":
                    entry["part"] = resolve(owner, target or "")
                    if entry["part"] not in self.raw:
                        self.err(name, "opc-rel-target", f"{rid}: internal target {target} -> {entry['part']} missing")
                else:
                    if target and re.search(r"[\s<>\"{}|^`]", target):
                        self.warn(name, "opc-rel-uri",
                                  f"{rid}: external target is not a valid URI (unescaped characters): {target!r}")
                    if target and re.search(r"[^\x00-\x7f]", target):
                        self.warn(name, "opc-rel-uri",
                                  f"{rid}: external target has non-ASCII characters (Excel writes them %-encoded): {target!r}")
                entries.append(entry)
            for rid, c in ids.items():
                if c > 1:
                    self.err(name, "opc-rel-id", f"relationship Id {rid} used {c} times")
            self.rels[owner] = entries

    def rel_of(self, part: str, rid: str) -> dict | None:
        return next((r for r in self.rels.get(part, []) if r["id"] == rid), None)

    def main_part(self) -> None:
        root_rels = self.rels.get("", [])
        main = [r for r in root_rels if (r["type"] or "").endswith("/officeDocument")]
        if len(main) != 1:
            self.err("_rels/.rels", "opc-main", f"{len(main)} officeDocument relationships")
            return
        self.workbook = main[0].get("part")
        ctype = self.types.get(self.workbook)
        expected = MAIN_TYPES.get(self.path.suffix.lower())
        if expected and ctype != expected:
            self.err("[Content_Types].xml", "main-content-type",
                     f"{self.workbook} has {ctype}, but a {self.path.suffix} file needs {expected} "
                     "(Excel refuses files whose format does not match the extension)")

    # ------------------------------------------------------------ schema
    def schema_validate(self) -> None:
        s = schema()
        for name, root in self.xml.items():
            if not self.wanted(name):
                continue
            ctype = self.types.get(name, "")
            ns = etree.QName(root).namespace
            if name in self.broken:
                continue
            if ns and ns.startswith("http://purl.oclc.org/ooxml/"):
                self.warn(name, "strict", "Strict OOXML part: not schema-validated (only transitional schemas here)")
                continue
            if name == "[Content_Types].xml" or ctype in SCHEMA_TYPES or ns in (CUI06, CUI09):
                tree = etree.fromstring(self.raw[name], etree.XMLParser(huge_tree=True))
                mce_preprocess(tree)
                if not s.validate(tree):
                    seen = 0
                    for e in s.error_log:
                        if "buSzPct" in e.message:
                            continue  # known ECMA transitional schema bug (Excel writes 100000)
                        if ctype == T_CORE and "contentType': This element is not expected" in e.message:
                            # cp:contentType: in ECMA-376 1st ed. and written by System.IO.Packaging;
                            # later OPC schemas dropped it. Office reads it.
                            self.warn(name, "xsd-core-contentType", f"line {e.line}: cp:contentType (not in the current OPC schema)")
                            continue
                        seen += 1
                        if seen > 25:
                            self.err(name, "xsd", f"... {len(s.error_log) - 25} more schema errors")
                            break
                        self.err(name, "xsd", f"line {e.line}: {e.message}")

    # ------------------------------------------------------------ workbook
    def workbook_checks(self) -> None:
        wb = getattr(self, "workbook", None)
        root = self.xml.get(wb) if wb else None
        if root is None:
            return
        self.sheets = []
        sheets_el = root.find(q(MAIN, "sheets"))
        names_lower = Counter()
        ids = Counter()
        rids = Counter()
        for idx, sh in enumerate(sheets_el if sheets_el is not None else []):
            name = sh.get("name") or ""
            sid = sh.get("sheetId")
            rid = sh.get(q(R, "id")) or next((v for k, v in sh.attrib.items() if k.endswith(":id")), None)
            names_lower[name.lower()] += 1
            ids[sid] += 1
            rids[rid] += 1
            problem = sheet_name_problem(name)
            if problem and self.wanted(wb):
                self.err(wb, "sheet-name", f"{name!r}: {problem}")
            rel = self.rel_of(wb, rid) if rid else None
            part = rel.get("part") if rel else None
            if rel is None and self.wanted(wb):
                self.err(wb, "sheet-rid", f"sheet {name!r}: r:id {rid} not in {rels_path(wb)}")
            elif rel and not (rel["type"] or "").endswith(("/worksheet", "/chartsheet", "/dialogsheet", "/xlMacrosheet", "/xlIntlMacrosheet")):
                self.err(wb, "sheet-rid", f"sheet {name!r}: r:id {rid} has relationship type {rel['type']}")
            self.sheets.append({"name": name, "id": sid, "rid": rid, "part": part, "index": idx,
                                "state": sh.get("state", "visible")})
        if self.wanted(wb):
            for n, c in names_lower.items():
                if c > 1:
                    self.err(wb, "sheet-name-unique", f"sheet name {n!r} occurs {c} times (case-insensitive)")
            for i, c in ids.items():
                if c > 1:
                    self.err(wb, "sheet-id-unique", f"sheetId {i} occurs {c} times")
                if i is None or not i.isdigit() or int(i) < 1:
                    self.err(wb, "sheet-id", f"bad sheetId {i!r}")
            for i, c in rids.items():
                if c > 1:
                    self.err(wb, "sheet-rid-unique", f"r:id {i} used by {c} sheets")
        n = len(self.sheets)
        # views
        for view in root.iter(q(MAIN, "workbookView")):
            for a in ("activeTab", "firstSheet"):
                v = view.get(a)
                if v is not None and v.isdigit() and int(v) >= max(n, 1):
                    self.err(wb, "workbook-view", f"{a}={v} but only {n} sheets")
            at = int(view.get("activeTab", "0") or 0)
            if at < n and self.sheets[at]["state"] != "visible" and self.types.get(wb) != MAIN_TYPES[".xlam"]:
                self.warn(wb, "workbook-view", f"active tab {at} is a {self.sheets[at]['state']} sheet")
        if n and all(s["state"] != "visible" for s in self.sheets) and self.types.get(wb) != MAIN_TYPES[".xlam"]:
            self.err(wb, "visible-sheet", "no visible sheet")
        # defined names
        sheet_names = {s["name"].lower() for s in self.sheets}
        seen = Counter()
        for dn in root.iter(q(MAIN, "definedName")):
            name = dn.get("name") or ""
            local = dn.get("localSheetId")
            seen[(name.lower(), local)] += 1
            if local is not None and (not local.isdigit() or int(local) >= n):
                self.err(wb, "definedname-local", f"{name}: localSheetId {local} but {n} sheets")
            if name.startswith("_xlnm.") and name in ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase") and local is None:
                self.err(wb, "definedname-local", f"{name} without localSheetId")
            self.check_formula(wb, f"definedName {name}", dn.text or "", sheet_names)
        for (name, local), c in seen.items():
            if c > 1:
                self.err(wb, "definedname-unique", f"defined name {name} (localSheetId {local}) {c} times")
        # part checks
        self.styles_part = None
        self.sst_count = None
        for rel in self.rels.get(wb, []):
            t = rel["type"] or ""
            if t.endswith("/styles"):
                self.styles_part = rel.get("part")
            if t.endswith("/sharedStrings"):
                self.sst_part = rel.get("part")
        self.style_info = self.styles_checks(self.styles_part) if self.styles_part else {}
        self.sst_checks(getattr(self, "sst_part", None))
        formula_cells = {}
        for s in self.sheets:
            part = s["part"]
            if part and self.types.get(part) == T_WORKSHEET and part in self.xml:
                formula_cells[s["id"]] = self.worksheet_checks(part, s, sheet_names)
        self.calc_chain_checks(formula_cells)
        for name, ctype in self.types.items():
            if ctype == T_CHART and name in self.xml:
                self.chart_checks(name, sheet_names)
            if ctype == T_DRAWING and name in self.xml:
                self.drawing_checks(name)

    def check_formula(self, part: str, where: str, text: str, sheet_names: set[str]) -> None:
        if not self.wanted(part):
            return
        if len(text) > 8192:
            self.err(part, "formula-length", f"{where}: formula has {len(text)} characters (>8192)")
        info = scan_formula(text)
        for p in info["problems"]:
            self.err(part, "formula-syntax", f"{where}: {p}: {text[:120]}")
        if info["depth"] > 64:
            self.err(part, "formula-nesting", f"{where}: {info['depth']} nested functions (>64)")
        for f in info["funcs"]:
            bare = f
            prefixed = False
            for pre in ("_xlfn.", "_xlws.", "_xll."):
                while bare.upper().startswith(pre.upper()):
                    bare = bare[len(pre):]
                    prefixed = True
            if bare.upper() in FUTURE and not prefixed:
                self.err(part, "formula-xlfn", f"{where}: {bare} must be stored as _xlfn.{bare} (Excel 2010+ function)")
        for lit in info["strings"]:
            if len(lit) > 255:
                self.err(part, "formula-string-255",
                         f"{where}: text constant of {len(lit)} characters in a formula (Excel allows 255)")
        for sh in info["sheets"]:
            base = sh.split(":")[0]
            if base.startswith("["):
                continue
            if base.lower() not in sheet_names:
                self.err(part, "formula-sheet-ref", f"{where}: reference to unknown sheet {sh!r}")

    # ------------------------------------------------------------ styles
    def styles_checks(self, part: str) -> dict:
        root = self.xml.get(part)
        if root is None:
            return {}
        info = {}
        coll = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border",
                "cellStyleXfs": "xf", "cellXfs": "xf", "cellStyles": "cellStyle", "dxfs": "dxf"}
        for cname, child in coll.items():
            el = root.find(q(MAIN, cname))
            if el is None:
                info[cname] = 0
                continue
            kids = el.findall(q(MAIN, child))
            info[cname] = len(kids)
            cnt = el.get("count")
            if cnt is not None and self.wanted(part) and int(cnt) != len(kids):
                self.warn(part, "styles-count", f"<{cname} count=\"{cnt}\"> has {len(kids)} <{child}>")
        ids = Counter()
        defined = set()
        nf = root.find(q(MAIN, "numFmts"))
        for f in (nf if nf is not None else []):
            i = int(f.get("numFmtId", "-1"))
            ids[i] += 1
            defined.add(i)
            if self.wanted(part) and i < 164 and i not in BUILTIN_NUMFMTS:
                self.warn(part, "numfmt-id", f"custom numFmt {f.get('formatCode')!r} has id {i}: Excel numbers custom formats from 164")
        for i, c in ids.items():
            if c > 1 and self.wanted(part):
                self.err(part, "numfmt-id", f"numFmtId {i} defined {c} times")
        info["numfmt_ids"] = defined
        fills = root.find(q(MAIN, "fills"))
        if fills is not None and self.wanted(part):
            pt = [f.find(q(MAIN, "patternFill")) for f in fills.findall(q(MAIN, "fill"))[:2]]
            types = [p.get("patternType", "none") if p is not None else None for p in pt]
            if types != ["none", "gray125"]:
                self.warn(part, "fills-reserved", f"first two fills are {types}, Excel reserves none, gray125")
        if self.wanted(part):
            for cname in ("cellXfs", "cellStyleXfs"):
                el = root.find(q(MAIN, cname))
                for k, xf in enumerate(el.findall(q(MAIN, "xf")) if el is not None else []):
                    for attr, lim in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                        v = xf.get(attr)
                        if v is not None and int(v) >= info[lim]:
                            self.err(part, "xf-index", f"{cname}[{k}] {attr}={v} but {info[lim]} {lim}")
                    if cname == "cellXfs":
                        v = xf.get("xfId")
                        if v is not None and int(v) >= max(info["cellStyleXfs"], 1):
                            self.err(part, "xf-index", f"cellXfs[{k}] xfId={v} but {info['cellStyleXfs']} cellStyleXfs")
                    v = int(xf.get("numFmtId", "0"))
                    if v not in defined and v not in BUILTIN_NUMFMTS:
                        self.err(part, "xf-numfmt", f"{cname}[{k}] numFmtId={v} neither built-in nor defined")
            if info["cellXfs"] > 64000:
                self.err(part, "styles-limit", f"{info['cellXfs']} cell formats (Excel: 64000)")
        return info

    def sst_checks(self, part: str | None) -> None:
        self.sst_unique = None
        if not part:
            return
        root = self.xml.get(part)
        if root is None:
            return
        si = root.findall(q(MAIN, "si"))
        self.sst_unique = len(si)
        if not self.wanted(part):
            return
        uc = root.get("uniqueCount")
        if uc is not None and int(uc) != len(si):
            self.warn(part, "sst-count", f"uniqueCount={uc} but {len(si)} <si>")
        for k, s in enumerate(si):
            text = "".join(t.text or "" for t in s.iter(q(MAIN, "t")) if t.getparent().tag != q(MAIN, "rPh"))
            if len(text) > 32767:
                self.err(part, "text-32767", f"si[{k}] has {len(text)} characters")

    # ------------------------------------------------------------ worksheets
    def worksheet_checks(self, part: str, sheet: dict, sheet_names: set[str]) -> set[str]:
        root = self.xml[part]
        w = self.wanted(part)
        formulas: set[str] = set()
        nxf = self.style_info.get("cellXfs") if self.style_info else None
        ndxf = self.style_info.get("dxfs", 0) if self.style_info else 0
        sd = root.find(q(MAIN, "sheetData"))
        last_r = 0
        for row in (sd if sd is not None else []):
            r = row.get("r")
            if r is not None:
                rv = int(r)
                if w and rv <= last_r:
                    self.err(part, "row-order", f"row {rv} after row {last_r}")
                if w and not 1 <= rv <= MAX_ROW:
                    self.err(part, "row-range", f"row {rv}")
                last_r = rv
            else:
                last_r += 1
            rv = last_r
            if w and row.get("s") is not None and nxf is not None and int(row.get("s")) >= nxf:
                self.err(part, "style-index", f"row {rv} s={row.get('s')} but {nxf} cellXfs")
            last_c = 0
            for c in row.findall(q(MAIN, "c")):
                ref = c.get("r")
                if ref:
                    p = parse_cell(ref)
                    if p is None:
                        if w:
                            self.err(part, "cell-ref", f"bad cell reference {ref!r}")
                        continue
                    if w and p[0] != rv:
                        self.err(part, "cell-row", f"cell {ref} inside row {rv}")
                    if w and p[1] <= last_c:
                        self.err(part, "cell-order", f"cell {ref} not after column {last_c}")
                    last_c = p[1]
                else:
                    last_c += 1
                    ref = f"(row {rv} col {last_c})"
                fx = c.find(q(MAIN, "f"))
                if fx is not None and fx.get("ref") and fx.get("t") in ("array", "shared", "dataTable"):
                    rg = parse_range(fx.get("ref"))
                    if rg and (rg[2] - rg[0] + 1) * (rg[3] - rg[1] + 1) <= 100000:
                        for rr in range(rg[0], rg[2] + 1):
                            for cc in range(rg[1], rg[3] + 1):
                                formulas.add(num_to_ref(rr, cc))
                if not w:
                    if fx is not None:
                        formulas.add(ref)
                    continue
                s = c.get("s")
                if s is not None and nxf is not None and int(s) >= nxf:
                    self.err(part, "style-index", f"{ref}: s={s} but only {nxf} cellXfs")
                t = c.get("t", "n")
                f = c.find(q(MAIN, "f"))
                v = c.find(q(MAIN, "v"))
                isel = c.find(q(MAIN, "is"))
                vt = v.text if v is not None else None
                if f is not None:
                    formulas.add(ref)
                    if f.get("t") in (None, "normal", "array") or (f.get("t") == "shared" and f.text):
                        self.check_formula(part, ref, f.text or "", sheet_names)
                if t == "s":
                    if vt is None or not vt.strip().isdigit():
                        self.err(part, "cell-type", f"{ref}: t=\"s\" with value {vt!r}")
                    elif self.sst_unique is None:
                        self.err(part, "cell-type", f"{ref}: t=\"s\" but no shared string table")
                    elif int(vt) >= self.sst_unique:
                        self.err(part, "cell-type", f"{ref}: shared string {vt} but table has {self.sst_unique}")
                elif t == "b":
                    if vt is not None and vt.strip() not in ("0", "1"):
                        self.err(part, "cell-type", f"{ref}: t=\"b\" with value {vt!r}")
                elif t == "e":
                    if vt is not None and vt.strip() not in ERRORS_LITERAL:
                        self.err(part, "cell-type", f"{ref}: t=\"e\" with value {vt!r}")
                elif t == "inlineStr":
                    if isel is None:
                        self.err(part, "cell-type", f"{ref}: t=\"inlineStr\" without <is>")
                    if f is not None:
                        self.warn(part, "cell-type", f"{ref}: inlineStr with a formula (Excel writes t=\"str\")")
                    text = "".join(x.text or "" for x in isel.iter(q(MAIN, "t"))) if isel is not None else ""
                    if len(text) > 32767:
                        self.err(part, "text-32767", f"{ref}: {len(text)} characters")
                elif t == "str":
                    if f is None:
                        self.warn(part, "cell-type", f"{ref}: t=\"str\" without a formula (Excel writes it only for formula results)")
                    if vt is not None and len(vt) > 32767:
                        self.err(part, "text-32767", f"{ref}: {len(vt)} characters")
                elif t == "n":
                    if vt is not None:
                        try:
                            float(vt)
                        except ValueError:
                            self.err(part, "cell-type", f"{ref}: numeric cell with value {vt!r}")
                elif t == "d":
                    self.warn(part, "cell-type", f"{ref}: t=\"d\" (ISO date) is not understood by Excel 2007/2010")
                if isel is not None and t != "inlineStr":
                    self.err(part, "cell-type", f"{ref}: <is> in a cell of type {t}")
        if not w:
            return formulas
        # cols
        cols = root.find(q(MAIN, "cols"))
        last_max = 0
        for col in (cols if cols is not None else []):
            mn, mx = int(col.get("min", "0")), int(col.get("max", "0"))
            if mn > mx or mn < 1 or mx > MAX_COL:
                self.err(part, "cols", f"<col min={mn} max={mx}>")
            if mn <= last_max:
                self.err(part, "cols", f"<col min={mn}> overlaps or is out of order (previous max {last_max})")
            last_max = max(last_max, mx)
            wd = col.get("width")
            if wd is not None and float(wd) > 255:
                self.err(part, "cols", f"column width {wd} > 255")
            if col.get("style") and nxf is not None and int(col.get("style")) >= nxf:
                self.err(part, "style-index", f"<col> style={col.get('style')} but {nxf} cellXfs")
        # merges
        merges = []
        mc = root.find(q(MAIN, "mergeCells"))
        if mc is not None:
            kids = mc.findall(q(MAIN, "mergeCell"))
            if mc.get("count") is not None and int(mc.get("count")) != len(kids):
                self.warn(part, "merge-count", f"mergeCells count={mc.get('count')} but {len(kids)}")
            for m in kids:
                rg = parse_range(m.get("ref") or "")
                if rg is None:
                    self.err(part, "merge", f"bad merge ref {m.get('ref')!r}")
                    continue
                if rg[0] == rg[2] and rg[1] == rg[3]:
                    self.warn(part, "merge", f"single-cell merge {m.get('ref')}")
                for other, oref in merges:
                    if overlaps(rg, other):
                        self.err(part, "merge-overlap", f"merged ranges {oref} and {m.get('ref')} overlap")
                merges.append((rg, m.get("ref")))
        # conditional formatting
        prios = Counter()
        for cf in root.findall(q(MAIN, "conditionalFormatting")):
            sq = cf.get("sqref") or ""
            for token in sq.split():
                if parse_range(token) is None:
                    self.err(part, "cf-sqref", f"bad sqref {sq!r}")
            for rule in cf.findall(q(MAIN, "cfRule")):
                prios[rule.get("priority")] += 1
                d = rule.get("dxfId")
                if d is not None and int(d) >= ndxf:
                    self.err(part, "cf-dxf", f"cfRule dxfId={d} but styles has {ndxf} dxfs")
                if rule.get("type") in ("expression", "cellIs") and rule.find(q(MAIN, "formula")) is None:
                    self.err(part, "cf-formula", f"cfRule type={rule.get('type')} without <formula>")
                for fm in rule.findall(q(MAIN, "formula")):
                    self.check_formula(part, f"conditional format {sq}", fm.text or "", sheet_names)
        for p, c in prios.items():
            if c > 1:
                self.warn(part, "cf-priority", f"conditional-format priority {p} used {c} times (Excel writes unique priorities)")
        # data validations
        dvs = root.find(q(MAIN, "dataValidations"))
        if dvs is not None:
            kids = dvs.findall(q(MAIN, "dataValidation"))
            if dvs.get("count") is not None and int(dvs.get("count")) != len(kids):
                self.warn(part, "dv-count", f"dataValidations count={dvs.get('count')} but {len(kids)}")
            ranges = []
            for dv in kids:
                sq = dv.get("sqref") or ""
                for token in sq.split():
                    rg = parse_range(token)
                    if rg is None:
                        self.err(part, "dv-sqref", f"bad sqref {sq!r}")
                        continue
                    for other, oref in ranges:
                        if overlaps(rg, other):
                            self.warn(part, "dv-overlap", f"data validations {oref} and {token} overlap")
                    ranges.append((rg, token))
                for attr, lim in (("prompt", 255), ("error", 255), ("promptTitle", 32), ("errorTitle", 32)):
                    val = dv.get(attr)
                    if val is not None and len(val) > lim:
                        self.err(part, "dv-limit", f"{sq}: {attr} has {len(val)} characters (Excel limit {lim})")
                f1 = dv.find(q(MAIN, "formula1"))
                if f1 is not None:
                    txt = f1.text or ""
                    if dv.get("type") == "list" and txt.startswith('"'):
                        inner = txt[1:-1]
                        if len(inner) > 255:
                            self.err(part, "dv-list-255",
                                     f"{sq}: explicit list has {len(inner)} characters (Excel allows 255)")
                    else:
                        self.check_formula(part, f"data validation {sq}", txt, sheet_names)
                    if len(txt) > 8192:
                        self.err(part, "dv-formula", f"{sq}: formula1 too long")
        # hyperlinks
        hls = root.find(q(MAIN, "hyperlinks"))
        for h in (hls if hls is not None else []):
            ref = h.get("ref") or ""
            if parse_range(ref) is None:
                self.err(part, "hyperlink-ref", f"bad hyperlink ref {ref!r}")
            rid = h.get(q(R, "id"))
            loc = h.get("location")
            if rid:
                rel = self.rel_of(part, rid)
                if rel is None:
                    self.err(part, "hyperlink-rid", f"{ref}: r:id {rid} not in {rels_path(part)}")
                elif not (rel["type"] or "").endswith("/hyperlink"):
                    self.err(part, "hyperlink-rid", f"{ref}: r:id {rid} has type {rel['type']}")
                elif rel["mode"] != "External":
                    self.warn(part, "hyperlink-rid", f"{ref}: hyperlink relationship without TargetMode=External")
                elif rel["target"] and len(rel["target"].split("#")[0]) > 2079:
                    self.err(part, "hyperlink-length", f"{ref}: URL longer than 2079 characters (Excel's limit)")
                elif rel["target"] and "#" in rel["target"]:
                    self.warn(part, "hyperlink-fragment",
                              f"{ref}: target {rel['target']!r} carries the sub-address in the URI; Excel writes the file in "
                              "the relationship and the sheet/cell in the location attribute")
            elif not loc:
                self.warn(part, "hyperlink", f"{ref}: neither r:id nor location (a link that goes nowhere)")
            if loc and len(loc) > 255:
                self.err(part, "hyperlink-length", f"{ref}: location has {len(loc)} characters (Excel: 255)")
            if loc and not rid:
                m = re.match(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$", loc)
                if m:
                    target = (m.group(1) or m.group(2)).replace("''", "'")
                    if target.lower() not in sheet_names:
                        self.err(part, "hyperlink-location", f"{ref}: location {loc!r} names an unknown sheet")
                    if parse_range(m.group(3).replace("$", "")) is None:
                        self.warn(part, "hyperlink-location", f"{ref}: location {loc!r} is not a cell/range")
        if hls is not None and len(hls) > 65530:
            self.err(part, "hyperlink-limit", f"{len(hls)} hyperlinks (Excel: 65530)")
        # header / footer
        hf = root.find(q(MAIN, "headerFooter"))
        for el in (hf if hf is not None else []):
            txt = el.text or ""
            if len(txt) > 255:
                self.err(part, "header-255", f"<{etree.QName(el).localname}> has {len(txt)} characters (Excel: 255)")
            for m in re.finditer(r"&(.)", txt):
                pass
        # panes / selection
        for sv in root.iter(q(MAIN, "sheetView")):
            pane = sv.find(q(MAIN, "pane"))
            panes = {"topLeft"}
            if pane is not None:
                xs, ys = float(pane.get("xSplit", "0")), float(pane.get("ySplit", "0"))
                if xs and ys:
                    panes = {"topLeft", "topRight", "bottomLeft", "bottomRight"}
                elif ys:
                    panes = {"topLeft", "bottomLeft"}
                elif xs:
                    panes = {"topLeft", "topRight"}
                ap = pane.get("activePane", "topLeft")
                if ap not in panes:
                    self.err(part, "pane", f"activePane={ap} does not exist with this split")
            for sel in sv.findall(q(MAIN, "selection")):
                if sel.get("pane", "topLeft") not in panes:
                    self.err(part, "pane", f"selection for pane {sel.get('pane')} that does not exist")
        # drawing / legacy
        for tag in ("drawing", "legacyDrawing", "legacyDrawingHF", "picture"):
            el = root.find(q(MAIN, tag))
            if el is not None:
                rid = el.get(q(R, "id"))
                if not self.rel_of(part, rid):
                    self.err(part, "rid", f"<{tag} r:id={rid}> not in {rels_path(part)}")
        ps = root.find(q(MAIN, "pageSetup"))
        if ps is not None and ps.get(q(R, "id")) and not self.rel_of(part, ps.get(q(R, "id"))):
            self.err(part, "rid", "<pageSetup r:id> not in rels")
        return formulas

    def calc_chain_checks(self, formula_cells: dict) -> None:
        wb = self.workbook
        chain = next((r.get("part") for r in self.rels.get(wb, []) if (r["type"] or "").endswith("/calcChain")), None)
        if not chain or chain not in self.xml or not self.wanted(chain):
            return
        current = None
        for c in self.xml[chain].findall(q(MAIN, "c")):
            if c.get("i") is not None:
                current = c.get("i")
            sid = current or (self.sheets[0]["id"] if self.sheets else None)
            cells = formula_cells.get(sid)
            if cells is None:
                self.err(chain, "calcchain", f"entry {c.get('r')} for sheetId {sid} which is not a worksheet of this book")
            elif c.get("r") not in cells:
                self.err(chain, "calcchain", f"entry {c.get('r')} (sheetId {sid}) is not a formula cell")

    # ------------------------------------------------------------ charts / drawings
    def chart_checks(self, part: str, sheet_names: set[str]) -> None:
        if not self.wanted(part):
            return
        root = self.xml[part]
        pa = root.find(f".//{{{CHART}}}plotArea")
        if pa is None:
            return
        ax_ids = {}
        for ax in pa:
            ln = etree.QName(ax).localname
            if ln in ("catAx", "valAx", "dateAx", "serAx"):
                i = ax.find(q(CHART, "axId")).get("val")
                if i in ax_ids:
                    self.err(part, "chart-axis", f"axis id {i} defined twice")
                ax_ids[i] = ax
                cross = ax.find(q(CHART, "crossAx"))
                if cross is not None and cross.get("val") == i:
                    self.err(part, "chart-axis", f"axis {i} crosses itself")
        for ch in pa:
            ln = etree.QName(ch).localname
            if ln.endswith("Chart"):
                ids = [a.get("val") for a in ch.findall(q(CHART, "axId"))]
                for i in ids:
                    if i not in ax_ids and i != "0":  # 3-D charts without a series axis write 0
                        self.err(part, "chart-axis", f"{ln} refers to axis {i} that is not defined")
                if ln not in ("pieChart", "pie3DChart", "doughnutChart", "ofPieChart") and len(ids) < 2:
                    self.err(part, "chart-axis", f"{ln} with {len(ids)} axIds")
        for i, ax in ax_ids.items():
            cross = ax.find(q(CHART, "crossAx"))
            if cross is not None and cross.get("val") not in ax_ids:
                self.err(part, "chart-axis", f"axis {i} crosses undefined axis {cross.get('val')}")
        for f in root.iter(q(CHART, "f")):
            self.check_formula(part, "series formula", f.text or "", sheet_names)
        for i, ax in ax_ids.items():
            if ax.find(q(CHART, "delete")) is None and ax.find(q(CHART, "tickLblPos")) is None:
                self.warn(part, "chart-axis-hidden",
                          f"{etree.QName(ax).localname} {i} has neither <c:delete val=\"0\"/> nor <c:tickLblPos> "
                          "(openpyxl>=3.1 output; Excel writes both and may not draw the axis otherwise)")
        bar = pa.find(q(CHART, "barChart"))
        if bar is not None and (bar.find(q(CHART, "barDir")) is not None and bar.find(q(CHART, "barDir")).get("val") == "col"):
            for ax in ax_ids.values():
                if etree.QName(ax).localname == "catAx" and ax.find(q(CHART, "axPos")) is not None \
                        and ax.find(q(CHART, "axPos")).get("val") in ("l", "r"):
                    self.warn(part, "chart-axpos", "column chart with its category axis at axPos l/r (Excel writes b)")
        for cat in root.iter(q(CHART, "cat")):
            nref = cat.find(q(CHART, "numRef"))
            if nref is None:
                continue
            first = self.first_cell_type(nref.findtext(q(CHART, "f")) or "")
            if first in ("s", "inlineStr", "str"):
                self.warn(part, "chart-cat-type",
                          f"categories {nref.findtext(q(CHART, 'f'))} are text cells but referenced as <c:numRef> "
                          "(Excel writes <c:strRef> for text categories)")

    def first_cell_type(self, ref: str) -> str | None:
        m = re.match(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)", ref)
        if not m or not hasattr(self, "sheets"):
            return None
        name = (m.group(1) or m.group(2)).replace("''", "'")
        cell = f"{m.group(3)}{m.group(4)}"
        sheet = next((x for x in self.sheets if x["name"] == name), None)
        root = self.xml.get(sheet["part"]) if sheet and sheet["part"] else None
        if root is None:
            return None
        for c in root.iter(q(MAIN, "c")):
            if c.get("r") == cell:
                return c.get("t", "n")
        return None

    def drawing_checks(self, part: str) -> None:
        if not self.wanted(part):
            return
        for el in self.xml[part].iter():
            rid = el.get(q(R, "id")) or el.get(q(R, "embed"))
            if rid and not self.rel_of(part, rid):
                self.err(part, "rid", f"<{etree.QName(el).localname}> r:id {rid} not in rels")

    # ------------------------------------------------------------ docProps/app.xml
    def app_checks(self) -> None:
        app = next((r.get("part") for r in self.rels.get("", []) if (r["type"] or "").endswith("/extended-properties")), None)
        if not app or app not in self.xml or not self.wanted(app) or not hasattr(self, "sheets"):
            return
        root = self.xml[app]
        tp = root.find(q(EP, "TitlesOfParts"))
        hp = root.find(q(EP, "HeadingPairs"))
        if tp is None and hp is None:
            return
        titles = []
        if tp is not None:
            vec = tp.find(q(VT, "vector"))
            if vec is not None:
                titles = [x.text or "" for x in vec.findall(q(VT, "lpstr"))]
                if vec.get("size") and int(vec.get("size")) != len(titles):
                    self.err(app, "app-titles", f"TitlesOfParts vector size={vec.get('size')} but {len(titles)} entries")
        pairs = []
        if hp is not None:
            vec = hp.find(q(VT, "vector"))
            variants = vec.findall(q(VT, "variant")) if vec is not None else []
            if vec is not None and vec.get("size") and int(vec.get("size")) != len(variants):
                self.err(app, "app-headings", f"HeadingPairs vector size={vec.get('size')} but {len(variants)} variants")
            for k in range(0, len(variants) - 1, 2):
                label = variants[k].find(q(VT, "lpstr"))
                count = variants[k + 1].find(q(VT, "i4"))
                pairs.append(((label.text if label is not None else ""), int(count.text) if count is not None else 0))
        if pairs and sum(c for _, c in pairs) != len(titles):
            self.err(app, "app-headings", f"HeadingPairs count {sum(c for _, c in pairs)} != {len(titles)} TitlesOfParts")
        ws = [s["name"] for s in self.sheets if s["part"] and self.types.get(s["part"]) == T_WORKSHEET]
        if pairs:
            label, count = pairs[0]
            listed = titles[:count]
            if label in ("Worksheets", "Arbeitsblätter") and listed != ws:
                missing = [n for n in ws if n not in listed]
                extra = [n for n in listed if n not in ws]
                self.warn(app, "app-sheet-list",
                          f"TitlesOfParts lists {count} worksheets, the workbook has {len(ws)}"
                          + (f"; missing {missing}" if missing else "") + (f"; stale {extra}" if extra else ""))

    # ------------------------------------------------------------ VBA
    def vba_checks(self) -> None:
        wb = getattr(self, "workbook", None)
        if not wb:
            return
        vrel = [r for r in self.rels.get(wb, []) if r["type"] == RT_VBA]
        other = [r for r in self.rels.get(wb, []) if "vbaProject" in (r["type"] or "") and r["type"] != RT_VBA]
        for r in other:
            self.err(wb, "vba-rel", f"vbaProject relationship type {r['type']} (expected {RT_VBA})")
        suffix = self.path.suffix.lower()
        if suffix in (".xlsm", ".xlam", ".xltm") and not vrel:
            self.warn(wb, "vba", "macro-enabled file without a vbaProject")
        if suffix == ".xlsx" and vrel:
            self.err(wb, "vba", ".xlsx with a VBA project (Excel refuses it)")
        if not vrel:
            return
        part = vrel[0].get("part")
        if self.types.get(part) != T_VBA:
            self.err("[Content_Types].xml", "vba-ct", f"{part} has content type {self.types.get(part)}, expected {T_VBA}")
        data = self.raw.get(part)
        if not data:
            return
        if not self.wanted(part):
            return
        try:
            import olefile
        except ImportError:
            self.warn(part, "vba", "olefile not installed: VBA project structure not checked")
            return
        if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            self.err(part, "vba-cfb", "vbaProject.bin is not a compound file")
            return
        import io
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
        except Exception as e:  # noqa: BLE001
            self.err(part, "vba-cfb", f"compound file unreadable: {e}")
            return
        streams = {"/".join(p) for p in ole.listdir()}
        for need in ("PROJECT", "VBA/dir", "VBA/_VBA_PROJECT"):
            if need not in streams:
                self.err(part, "vba-streams", f"stream {need} missing")
        if "VBA/dir" not in streams:
            return
        try:
            d = ovba_decompress(ole.openstream("VBA/dir").read())
        except Exception as e:  # noqa: BLE001
            self.err(part, "vba-dir", f"dir stream does not decompress: {e}")
            return
        modules = parse_dir(d)
        names = []
        for m in modules:
            names.append(m.get("name"))
            s = "VBA/" + (m.get("stream") or "")
            if s not in streams:
                self.err(part, "vba-module", f"module {m.get('name')}: stream {s} missing")
                continue
            raw = ole.openstream(s).read()
            off = m.get("offset", 0)
            try:
                src = ovba_decompress(raw[off:])
                if not src.strip():
                    self.warn(part, "vba-module", f"module {m.get('name')}: empty source")
            except Exception as e:  # noqa: BLE001
                self.err(part, "vba-module", f"module {m.get('name')}: source at offset {off} does not decompress: {e}")
        if "PROJECT" in streams:
            proj = ole.openstream("PROJECT").read().decode("latin-1", "replace")
            listed = set(re.findall(r"^(?:Module|Document|Class|BaseClass)=([^/\r\n]+)", proj, re.M))
            for n in names:
                if n not in listed:
                    self.warn(part, "vba-project", f"module {n} in dir stream but not in PROJECT stream")
            for n in listed:
                if n not in names:
                    self.err(part, "vba-project", f"PROJECT stream lists {n}, dir stream has no such module")
        # code names of the workbook and sheets must be document modules
        root = self.xml.get(wb)
        cn = root.find(q(MAIN, "workbookPr")) if root is not None else None
        wanted = []
        if cn is not None and cn.get("codeName"):
            wanted.append(("workbook", cn.get("codeName")))
        for s in getattr(self, "sheets", []):
            sp = self.xml.get(s["part"]) if s["part"] else None
            pr = sp.find(q(MAIN, "sheetPr")) if sp is not None else None
            if pr is not None and pr.get("codeName"):
                wanted.append((s["name"], pr.get("codeName")))
        docs = {m.get("name") for m in modules if m.get("type") == "document"}
        for who, code in wanted:
            if code not in docs:
                self.warn(part, "vba-codename", f"{who} has codeName {code!r} but the VBA project has no document module of that name")

    # ------------------------------------------------------------ customUI
    def customui_checks(self) -> None:
        for r in self.rels.get("", []):
            t = r["type"]
            if t not in (RT_UI06, RT_UI07):
                continue
            part = r.get("part")
            root = self.xml.get(part)
            if root is None:
                continue
            ns = etree.QName(root).namespace
            if t == RT_UI06 and ns != CUI06:
                self.err(part, "customui-ns", f"relationship {t} (Office 2007 customUI) but namespace {ns}")
            if t == RT_UI07 and ns != CUI09:
                self.warn(part, "customui-ns",
                          f"relationship type {t} is the Office 2010 (customUI14) relationship; its part should use "
                          f"{CUI09}, this one uses {ns}")
            if ns == CUI06 and posixpath.basename(part).lower() == "customui14.xml":
                self.warn(part, "customui-name", "customUI14.xml with the 2006 namespace")
            ids = Counter(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id"))
            for i, c in ids.items():
                if c > 1:
                    self.err(part, "customui-id", f"control id {i} used {c} times")
            ct = self.types.get(part)
            if ct not in ("application/xml", "application/vnd.ms-office.customui+xml"):
                self.warn("[Content_Types].xml", "customui-ct", f"{part} has content type {ct}")


# ---------------------------------------------------------------- MS-OVBA helpers
def ovba_decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("no signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        flag = (header >> 15) & 1
        chunk_end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not flag:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                else:
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    d = len(out) - start
                    bits = max((d - 1).bit_length(), 4)
                    length_mask = 0xFFFF >> bits
                    offset = (token >> (16 - bits)) + 1
                    length = (token & length_mask) + 3
                    if offset > d:
                        raise ValueError("copy token points before chunk")
                    for _ in range(length):
                        out.append(out[-offset])
    return bytes(out)


def parse_dir(d: bytes) -> list[dict]:
    modules: list[dict] = []
    cur: dict | None = None
    pos = 0
    while pos + 6 <= len(d):
        rid, size = struct.unpack_from("<HI", d, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: size field is 4 but 6 bytes follow
            pos += 6
            continue
        body = d[pos:pos + size]
        pos += size
        if rid == 0x0019:
            cur = {"name": body.decode("latin-1")}
            modules.append(cur)
        elif rid == 0x001A and cur is not None:
            cur["stream"] = body.decode("latin-1")
        elif rid == 0x0031 and cur is not None:
            cur["offset"] = struct.unpack("<I", body)[0]
        elif rid == 0x0021 and cur is not None:
            cur["type"] = "procedural"
        elif rid == 0x0022 and cur is not None:
            cur["type"] = "document"
        elif rid == 0x0010:
            break
    return modules


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--parts", help="only report on parts whose name matches this regex")
    ap.add_argument("--ours", action="store_true",
                    help="only the parts kitameldung writes or edits (its worksheets, workbook.xml and its rels, "
                         "[Content_Types].xml, styles.xml, sharedStrings.xml, docProps/app.xml, calcChain) plus "
                         "package-level checks")
    ap.add_argument("--no-schema", action="store_true")
    ap.add_argument("--ignore", action="append", default=[], help="rule name to suppress (repeatable)")
    ap.add_argument("--errors-only", action="store_true")
    args = ap.parse_args(argv)
    flt = re.compile(args.parts) if args.parts else None
    if args.ours:
        flt = re.compile(r"kitameldung-|^xl/workbook\.xml|^xl/_rels/workbook\.xml\.rels$|^\[Content_Types\]\.xml$|"
                         r"^xl/styles\.xml$|^xl/sharedStrings\.xml$|^docProps/app\.xml$|^xl/calcChain\.xml$|^\(zip\)$|"
                         r"^_rels/\.rels$")
    status = 0
    for f in args.files:
        c = Checker(Path(f), flt, not args.no_schema)
        c.run()
        c.findings = [x for x in c.findings if x[2] not in args.ignore]
        for part, level, rule, msg in c.findings:
            if args.errors_only and level != "ERROR":
                continue
            print(f"{f} :: {part} :: {level} {rule}: {msg}")
            if level == "ERROR":
                status = 1
        n_err = sum(1 for x in c.findings if x[1] == "ERROR")
        n_warn = sum(1 for x in c.findings if x[1] == "WARN")
        print(f"{f}: {n_err} errors, {n_warn} warnings", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
