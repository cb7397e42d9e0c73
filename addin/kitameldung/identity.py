"""Which facility a report belongs to: by its Einrichtungs-Nr., else by its normalised name.

Reports of one facility from different years are matched this way (taking over last year's
planning; several Stichtage side by side); confidential entries never cross to another facility.
"""

from __future__ import annotations

import re

from kitameldung.model import Meldung
from kitameldung.text import normalize

# Words that do not tell one Kita from another ("Kita „Sonnenschein“" = "Sonnenschein").
_GENERIC = re.compile(r"\b(kita|kindertagesstaette|kindertageseinrichtung|kindergarten|krippe|hort|e v|ev)\b")


def facility_number(meldung: Meldung) -> str | None:
    value = meldung.header.get("nummer")
    text = "" if value is None or value.value is None else str(value.value)
    digits = re.sub(r"[\s./-]", "", text).lstrip("0").casefold()
    return digits or None


def facility_name(meldung: Meldung) -> str | None:
    value = meldung.header.get("einrichtung")
    name = _GENERIC.sub(" ", normalize(value.value if value is not None else None))
    name = " ".join(name.split())
    return name or None


def facility_key(meldung: Meldung) -> str | None:
    """One key per facility: "nr:…" or "name:…"; None when the report names neither."""
    number = facility_number(meldung)
    if number:
        return f"nr:{number}"
    name = facility_name(meldung)
    return f"name:{name}" if name else None


def same_facility(a: Meldung, b: Meldung) -> bool | None:
    """True or False where the reports tell; None when neither number nor name can decide."""
    number_a, number_b = facility_number(a), facility_number(b)
    if number_a and number_b:
        return number_a == number_b
    name_a, name_b = facility_name(a), facility_name(b)
    if name_a and name_b:
        return name_a == name_b
    return None


def facility_title(meldung: Meldung) -> str:
    """How the report names itself, for messages: "Kita „Sonnenschein“ (Nr. 012345)"."""
    value = meldung.header.get("einrichtung")
    name = str(value.value) if value is not None and value.value else meldung.file
    number = meldung.header.get("nummer")
    return f"{name} (Nr. {number.value})" if number is not None and number.value else name
