"""Normalising labels so that wording, case, spacing, line breaks and gender forms do not matter.

"Ansprechpartner*in,\nTelefon" and "ANSPRECHPARTNER:INNEN / Telefon" both become
"ansprechpartner telefon"; profile patterns are written against this normal form.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

_GENDER = [
    # Erzieher*innen, Erzieher:innen, Erzieher_innen, Erzieher/-innen, Erzieher/innen, Erzieher(in)
    re.compile(r"(?<=\w)\s*[*:_/·]\s*-?\s*in(nen)?\b", re.IGNORECASE),
    re.compile(r"(?<=\w)\(in(nen)?\)", re.IGNORECASE),
    # ErzieherInnen (Binnen-I) — must run before lower-casing
    re.compile(r"(?<=[a-zäöü])In(nen)?\b"),
]
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOISE = re.compile(r"[^0-9a-z§%]+")


def normalize(text: object) -> str:
    if text is None:
        return ""
    return _normalize(str(text))


@lru_cache(maxsize=16384)
def _normalize(text: str) -> str:
    """Cached: the same labels and entries recur in every workbook of a batch."""
    value = unicodedata.normalize("NFKC", text)
    for pattern in _GENDER:
        value = pattern.sub("", value)
    value = value.lower().translate(_UMLAUTS)
    # Accents beyond German umlauts (é, ł …) fall back to their base letter.
    value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return _NOISE.sub(" ", value).strip()


_ESCAPED = re.compile("[\udc80-\udcff]+")


def readable(value: str) -> str:
    """A file name whose bytes are no UTF-8 (copied from an old Windows share: "M\\xfcller")
    arrives with its bytes escaped; shown as the Windows code page reads them ("Müller")."""
    if not _ESCAPED.search(value):
        return value
    return _ESCAPED.sub(
        lambda m: bytes(ord(c) - 0xDC00 for c in m.group(0)).decode("cp1252", "replace"), value
    )


def _readable_errors(error: UnicodeError) -> tuple[str | bytes, int]:
    """Codec error handler "kitameldung": escaped bytes written as `readable` shows them (as
    UTF-8 bytes: an encoder takes non-ASCII replacements only as bytes)."""
    if isinstance(error, UnicodeEncodeError):
        return readable(error.object[error.start : error.end]).encode("utf-8"), error.end
    raise error


codecs.register_error("kitameldung", _readable_errors)
