"""`kitameldung addin build | install | status`: the Excel add-in `kitameldung.xlam`.

The build starts from xlwings' quickstart ribbon add-in (its xlwings VBA module does RunPython
and the UDF import), puts in our ribbon (macros/customUI.xml) and our VBA module
(macros/KitaRibbon.bas), and writes the VBA project with pyOpenVBA, a pure-Python MS-OVBA
writer, so it runs anywhere, without Excel. Install copies the add-in into Excel's XLSTART
folder and tells xlwings which Python to use (its per-user config file).
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from kitameldung.errors import german_reason
from kitameldung.resources import package_data
from kitameldung.workbook.atomic import WriteError, write_atomic

ADDIN_NAME = "kitameldung.xlam"
PROJECT_NAME = "kitameldung"
TEMPLATE_PROJECT = "myaddin"
RIBBON_MODULE = "KitaRibbon"
DROPPED_MODULES = ("RibbonMyAddin",)


class AddinError(Exception):
    """German message for the administrator."""


def macros_dir() -> Path:
    for candidate in (package_data("macros"), package_data("").parents[1] / "macros"):
        if (candidate / "customUI.xml").is_file():
            return candidate
    raise AddinError("Der Ordner macros/ (Menüband und VBA) fehlt in dieser Installation.")


def quickstart_addin() -> Path:
    spec = find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinError("xlwings ist nicht installiert: pip install xlwings")
    path = Path(next(iter(spec.submodule_search_locations))) / "quickstart_addin_ribbon.xlam"
    if not path.is_file():
        raise AddinError(f"Die Vorlage {path.name} fehlt in der xlwings-Installation.")
    return path


def ribbon_xml() -> bytes:
    return (macros_dir() / "customUI.xml").read_bytes()


def ribbon_module_source() -> str:
    return (macros_dir() / f"{RIBBON_MODULE}.bas").read_text(encoding="utf-8")


def build(target: Path) -> Path:
    """Write kitameldung.xlam to `target` (atomically)."""
    from pyopenvba import ExcelFile

    with tempfile.TemporaryDirectory() as work:
        staged = Path(work) / ADDIN_NAME
        _stage_package(quickstart_addin(), staged)
        with ExcelFile(staged) as book:
            project = book.vba_project()
            for name in DROPPED_MODULES:
                if name in book.module_names():
                    project.delete_module(name)
            xlwings_source = book.get_module("xlwings")
            book.set_module("xlwings", _renamed_project(xlwings_source))
            project.add_module(RIBBON_MODULE, ribbon_module_source())
            book.save()
        data = _with_project_name(staged.read_bytes(), VBA_PROJECT_NAME)

    def write(out) -> None:  # type: ignore[no-untyped-def]
        out.write(data)

    write_atomic(target, write)
    return target


def _renamed_project(source: str) -> str:
    """xlwings finds its config by PROJECT_NAME: ours, not the template's."""
    old = f'Public Const PROJECT_NAME As String = "{TEMPLATE_PROJECT}"'
    if old not in source:
        raise AddinError("Die xlwings-Vorlage hat ein unbekanntes Format (PROJECT_NAME nicht gefunden).")
    return source.replace(old, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')


def _stage_package(template: Path, target: Path) -> None:
    """The template with our ribbon and the config sheet named for our project."""
    conf_old, conf_new = f"_{TEMPLATE_PROJECT}.conf", f"_{PROJECT_NAME}.conf"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "customUI/customUI.xml":
                data = ribbon_xml()
            elif info.filename == "_rels/.rels":
                data = _ribbon_relationship(data)
            elif info.filename in ("xl/workbook.xml", "docProps/app.xml"):
                data = data.replace(conf_old.encode(), conf_new.encode())
            out.writestr(info, data)


VBA_PROJECT_NAME = "kitameldung"


def _with_project_name(package: bytes, name: str) -> bytes:
    """The add-in package with its VBA project called `name` (the template's is "MyAddin"):
    the PROJECTNAME record of the dir stream and the Name line of the PROJECT stream, with the
    compiled-code cache cleared so Excel rebuilds it from the sources ([MS-OVBA] 2.3.4)."""
    import io

    from pyopenvba.vba import CFB, compress, decompress, invalidate_vba_project_cache

    source = zipfile.ZipFile(io.BytesIO(package))
    entry = next(i for i in source.infolist() if i.filename.endswith("vbaProject.bin"))
    cfb = CFB.from_bytes(source.read(entry))
    cfb.write_stream_in_storage(
        "VBA", "dir", compress(_renamed_dir(decompress(cfb.get_stream_in_storage("VBA", "dir")), name))
    )
    project = cfb.get_stream("PROJECT")
    lines = [
        f'Name="{name}"'.encode("ascii") if line.startswith(b"Name=") else line
        for line in project.split(b"\r\n")
    ]
    cfb.write_stream("PROJECT", b"\r\n".join(lines))
    invalidate_vba_project_cache(cfb)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, cfb.to_bytes() if info is entry else source.read(info))
    return out.getvalue()


def _renamed_dir(dir_stream: bytes, name: str) -> bytes:
    """Replace the PROJECTNAME record (id 0x0004); the records before it are plain
    Id/Size/Data records ([MS-OVBA] 2.3.4.2.1)."""
    import struct

    offset = 0
    while offset + 6 <= len(dir_stream):
        record, size = struct.unpack_from("<HI", dir_stream, offset)
        if record == 0x0004:
            data = name.encode("cp1252")
            new = struct.pack("<HI", record, len(data)) + data
            return dir_stream[:offset] + new + dir_stream[offset + 6 + size :]
        offset += 6 + size
    raise AddinError("Die xlwings-Vorlage hat ein unbekanntes Format (kein Projektname im VBA-Projekt).")


RIBBON_REL_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RIBBON_REL_2009 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _ribbon_relationship(data: bytes) -> bytes:
    """Our ribbon uses the Office 2007 customUI namespace (2006/01), which Excel loads only
    through the matching relationship type; the template points at it with the 2010 type."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", _PKG_RELS)
    root = ET.fromstring(data)
    for rel in root:
        if rel.get("Type") == RIBBON_REL_2009 and rel.get("Target", "").endswith("customUI.xml"):
            rel.set("Type", RIBBON_REL_2006)
    written: bytes = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    return written


# ---------------------------------------------------------------------- install and status


@dataclass(frozen=True)
class Places:
    xlstart: Path
    config: Path  # xlwings' per-user config file of our project


def places() -> Places:
    """Where Excel looks for start-up add-ins, and where xlwings reads our config."""
    home = Path.home()
    if sys.platform.startswith("win"):
        appdata = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
        return Places(
            appdata / "Microsoft" / "Excel" / "XLSTART", home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
        )
    if sys.platform == "darwin":
        container = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
        return Places(
            container / "Library" / "Application Support" / "Microsoft" / "Office" / "Excel" / "XLSTART",
            container / f"{PROJECT_NAME}.conf",
        )
    raise AddinError(
        "Das Excel-Add-in läuft nur unter Windows oder macOS mit Microsoft Excel. Hier (Linux) "
        "können Sie es mit „kitameldung addin build“ erzeugen und auf den Excel-Rechner kopieren; "
        "alle anderen Befehle (check, refresh, export, termine) funktionieren auch ohne Excel."
    )


def config_text(interpreter: str) -> str:
    """xlwings' config file format: one "KEY","value" line per setting."""
    key = "INTERPRETER_WIN" if sys.platform.startswith("win") else "INTERPRETER_MAC"
    return f'"{key}","{interpreter}"\n"UDF MODULES","kitameldung.excel"\n'


def install() -> str:
    where = places()
    try:
        where.xlstart.mkdir(parents=True, exist_ok=True)
        build(where.xlstart / ADDIN_NAME)
        where.config.parent.mkdir(parents=True, exist_ok=True)
        where.config.write_text(config_text(sys.executable), encoding="utf-8")
        if sys.platform == "darwin":  # RunPython on macOS goes through xlwings' AppleScript
            from xlwings.cli import runpython_install

            runpython_install(None)
    except OSError as err:
        raise AddinError(f"Installation nicht möglich: {german_reason(err)} ({err.filename}).") from err
    except WriteError as err:
        raise AddinError(str(err)) from err
    return (
        f"Add-in installiert: {where.xlstart / ADDIN_NAME}\nPython für Excel: {sys.executable}\n"
        "Excel neu starten; danach erscheint die Registerkarte „Kita-Meldung“."
    )


def status() -> str:
    where = places()
    addin = where.xlstart / ADDIN_NAME
    lines = [f"Add-in: {'installiert' if addin.is_file() else 'nicht installiert'} ({addin})"]
    if where.config.is_file():
        lines.append(f"Einstellungen: {where.config}")
        lines += [f"  {line}" for line in where.config.read_text(encoding="utf-8").splitlines()]
    else:
        lines.append("Einstellungen: fehlen – bitte „kitameldung addin install“ ausführen.")
    return "\n".join(lines)
