"""Part names inside a package: relationship parts and relative targets (OPC)."""

from __future__ import annotations

import posixpath


def rels_path(part: str) -> str:
    """The relationship part of `part`: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def rels_owner(rels_name: str) -> str:
    """The part a relationship part belongs to (the inverse of `rels_path`)."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def resolve(source_part: str, target: str) -> str:
    """A relationship target as a part name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))
