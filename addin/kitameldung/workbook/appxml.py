"""docProps/app.xml as Excel writes it lists the tab names (TitlesOfParts) and counts the
worksheets (the first HeadingPairs entry). Our sheets are added to and taken from that list, so
the part tells the truth after a refresh and is the authority's own again in the Behördenfassung.
"""

from __future__ import annotations

from kitameldung.workbook.xmltext import (
    Edit,
    Element,
    apply_edits,
    count_edit,
    find_all,
    find_one,
    inner,
    text,
)

APP = "docProps/app.xml"


def _vector(xml: str) -> tuple[Element, list[Element]] | None:
    titles = find_one(xml, "TitlesOfParts")
    if titles is None or titles.body_start is None:
        return None
    vector = next(iter(find_all(xml, "vector", titles.body_start, titles.body_end)), None)
    if vector is None or vector.body_start is None:
        return None
    return vector, find_all(xml, "lpstr", vector.body_start, vector.body_end)


def _sheet_count(xml: str) -> Element | None:
    """The i4 of the first heading pair: the number of worksheets, which come first in the titles."""
    pairs = find_one(xml, "HeadingPairs")
    if pairs is None or pairs.body_start is None:
        return None
    first = next(iter(find_all(xml, "i4", pairs.body_start, pairs.body_end)), None)
    return first if first is not None and inner(xml, first).strip().isdigit() else None


def _count_edits(xml: str, delta: int) -> list[Edit]:
    count = _sheet_count(xml)
    if count is None or count.body_start is None or count.body_end is None:
        return []
    return [(count.body_start, count.body_end, str(int(inner(xml, count).strip()) + delta))]


def add_titles(xml: str, names: list[str]) -> str:
    """Our tab names after the last worksheet title."""
    found = _vector(xml)
    count = _sheet_count(xml)
    if found is None or count is None or not names:
        return xml
    vector, titles = found
    sheets = int(inner(xml, count).strip())
    if not titles or sheets > len(titles):
        return xml
    tag = titles[0].text[1 : titles[0].text.index(">")].split()[0]  # "vt:lpstr"
    after = titles[sheets - 1].end if sheets else (vector.body_start or 0)
    added = "".join(f"<{tag}>{text(name)}</{tag}>" for name in names)
    edits: list[Edit] = [(after, after, added)]
    return apply_edits(xml, edits + count_edit(vector, "size", len(names)) + _count_edits(xml, len(names)))


def remove_titles(xml: str, names: list[str]) -> str:
    """Without these tab names (one title each)."""
    found = _vector(xml)
    if found is None or not names:
        return xml
    vector, titles = found
    wanted = list(names)
    ours = []
    for element in titles:
        if inner(xml, element) in wanted:
            wanted.remove(inner(xml, element))
            ours.append(element)
    if not ours:
        return xml
    edits: list[Edit] = [(e.start, e.end, "") for e in ours]
    return apply_edits(xml, edits + count_edit(vector, "size", -len(ours)) + _count_edits(xml, -len(ours)))
