"""Bad input files built on the fly: encrypted, not a Personalmeldung."""

from __future__ import annotations

from pathlib import Path

import msoffcrypto
import openpyxl


def _encrypted(source: Path, target: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt("geheim", out)
    with target.open("rb") as check:
        assert msoffcrypto.OfficeFile(check).is_encrypted()
    return target


def _not_a_form(target: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Artikel", "Menge", "Preis"])
    sheet.append(["Bastelpapier", 20, 3.5])
    book.save(target)
    return target
