"""German reasons for the errors libraries and the operating system report in English."""

from __future__ import annotations

import errno

_ERRNO_TEXTS = {
    "ENOENT": "Datei oder Ordner nicht gefunden",
    "EACCES": "keine Berechtigung",
    "EPERM": "keine Berechtigung",
    "ENOSPC": "kein Platz mehr auf dem Datenträger",
    "EROFS": "Datenträger ist schreibgeschützt",
    "EISDIR": "das ist ein Ordner",
    "ENOTDIR": "ein Teil des Pfads ist kein Ordner",
    "EBUSY": "von einem anderen Programm belegt",
    "EEXIST": "existiert bereits",
    "EDQUOT": "Speicherkontingent erschöpft",
}
# Not every system knows every code (Windows has no EDQUOT).
_ERRNO = {getattr(errno, name): text for name, text in _ERRNO_TEXTS.items() if hasattr(errno, name)}

_REASONS = (
    (
        ("eocd", "not a zip file", "invalid zip", "end of central directory", "truncated"),
        "kein vollständiges Zip-Archiv",
    ),
    (("crc",), "Prüfsumme falsch"),
    (("compressed", "inflat", "deflate", "zlib", "decompress"), "Inhalt lässt sich nicht entpacken"),
    (("xml", "tag", "syntax", "parse", "element"), "XML-Inhalt fehlerhaft"),
    (("encod", "utf", "codec"), "unbekannte Zeichenkodierung"),
    (("no such file", "not found"), "Datei nicht gefunden"),
    (("permission",), "keine Leseberechtigung"),
)


def german_reason(err: BaseException) -> str:
    """A short German reason for a library's or the system's (English) error message."""
    if isinstance(err, OSError) and err.errno in _ERRNO:
        return _ERRNO[err.errno]
    text = str(err).lower()
    for needles, reason in _REASONS:
        if any(n in text for n in needles):
            return reason
    return f"technischer Fehler {type(err).__name__}"
