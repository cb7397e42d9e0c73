"""Hostile and broken input files, generated small: zip bombs that inflate far beyond their size,
duplicate, encrypted or oddly packed members, XML tricks around <sheets>, values no law can hold,
names that look like formulas. Each builder returns the path it wrote."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from kitameldung.form import read_meldung


def parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rewrite(
    source: Path, target: Path, change: dict[str, bytes | None], extra: list[tuple[str, bytes]] = ()
) -> Path:  # type: ignore[assignment]
    """A copy with parts replaced (None: dropped) and extra members appended."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts(source):
            if info.filename in change:
                if change[info.filename] is None:
                    continue
                data = change[info.filename]  # type: ignore[assignment]
            out.writestr(info.filename, data)
        for name, data in extra:
            out.writestr(name, data)
    return target


def zip_bomb(source: Path, target: Path) -> Path:
    """A few kB on disk that inflate to 4 GiB worth of sheet (here: a 4 MiB part at ratio 1000+,
    declared honestly, which is what a ratio check must catch before anything is inflated)."""
    return rewrite(source, target, {}, [("xl/media/bombe.xml", b"0" * (4 * 2**20))])


def duplicate_member(source: Path, target: Path) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we want
        rewrite(source, target, {}, [("xl/workbook.xml", b"<workbook/>")])
    return target


def encrypted_flag(source: Path, target: Path) -> Path:
    """The traditional-encryption bit set on one member, in local header and directory."""
    data = bytearray(Path(source).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        flags = struct.unpack_from("<H", data, position + offset)[0]
        struct.pack_into("<H", data, position + offset, flags | 0x1)
    target.write_bytes(bytes(data))
    return target


def bzip2_member(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as out:
        for info, data in parts(source):
            method = zipfile.ZIP_BZIP2 if info.filename.endswith("styles.xml") else zipfile.ZIP_DEFLATED
            out.writestr(info.filename, data, compress_type=method)
    return target


def comment_around_sheets(source: Path, target: Path) -> Path:
    """A comment holding a decoy <sheets> before the real one, and one inside it."""
    book = dict((i.filename, d) for i, d in parts(source))["xl/workbook.xml"].decode("utf-8")
    start = book.index("<sheets>") if "<sheets>" in book else book.index("<sheets")
    decoy = '<!-- <sheets><sheet name="Köder" sheetId="99" r:id="rId99"/></sheets> -->'
    book = book[:start] + decoy + book[start:]
    close = book.rindex("</sheets>")
    book = book[:close] + "<!-- </sheets> -->" + book[close:]
    return rewrite(source, target, {"xl/workbook.xml": book.encode("utf-8")})


def utf16_workbook(source: Path, target: Path) -> Path:
    book = dict((i.filename, d) for i, d in parts(source))["xl/workbook.xml"].decode("utf-8")
    book = book.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    if not book.startswith("<?xml"):
        book = '<?xml version="1.0" encoding="UTF-16"?>' + book
    return rewrite(source, target, {"xl/workbook.xml": book.encode("utf-16")})


def doctype_workbook(source: Path, target: Path) -> Path:
    """Entity expansion ("billion laughs") in the workbook part."""
    book = dict((i.filename, d) for i, d in parts(source))["xl/workbook.xml"].decode("utf-8")
    lol = '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    if book.startswith("<?xml"):
        end = book.index("?>") + 2
        book = book[:end] + lol + book[end:]
    else:
        book = lol + book
    return rewrite(source, target, {"xl/workbook.xml": book.encode("utf-8")})


def with_cells(path: Path, values: dict[str, Any]) -> Path:
    """Set form cells, named as `field@row-index` for staff ("paed_stunden@0") or
    `group.kind` for places ("krippe.short"), or a header field ("einrichtung")."""
    meldung = read_meldung(path)
    book = openpyxl.load_workbook(path)
    sheet = book[meldung.sheet]
    for name, value in values.items():
        if "@" in name:
            field, index = name.split("@")
            cell = getattr((meldung.persons or ())[int(index)], field).cell
        elif "." in name:
            group, kind = name.split(".")
            cell = meldung.layout.places_cells[group][kind]
        else:
            cell = meldung.header[name].cell
        assert cell is not None, name
        sheet[cell] = value
        if isinstance(value, str):
            sheet[cell].data_type = "s"
    book.save(path)
    return path
