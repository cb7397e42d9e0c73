"""The interpretation parameters of regeln-brandenburg.md section 7, overridable by a config file.

Every value here is a choice where the law is silent or unconfirmed; outputs list them as
"Annahmen" so a reader sees what the numbers rest on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

LEITUNG_BASES = ("soll", "ist")
QUOTA_BASES = ("ist", "soll_anrechnung")

# German titles for the "Annahmen" lists of the Prüfbericht and the Quote & Bedarf sheet.
TITLES = {
    "vollzeit_stunden": "Vollzeit (Std./Woche) für VZÄ",
    "fachkraftquote_min": "Mindest-Fachkraftquote",
    "leitung_basis": "Leitungsanteil bemessen nach",
    "dispositionsspielraum": "Dispositionsspielraum (Anteil)",
    "fachkraftquote_basis": "Lesart der Fachkraftquote",
    "auszubildende_anrechnen": "Auszubildende und Praktikant*innen mitzählen",
    "fuehrungszeugnis_jahre": "Führungszeugnis gültig (Jahre)",
    "vorwarnung_tage": "Vorwarnung (Tage)",
    "masern_geboren_nach": "Masernschutz nötig bei Geburt nach",
    "qualifizierung_jahre": "Frist Qualifizierung § 12 (Jahre)",
    "max_wochenstunden": "Höchstarbeitszeit (Std./Woche)",
    "mindestalter": "Mindestalter (Jahre)",
    "gespraech_monate": "Jahresgespräch alle (Monate)",
    "erstgespraech_monate": "Erstes Gespräch nach Beginn (Monate)",
    "einladung_tage": "Einladung vor dem Gespräch (Tage)",
}


# Sane ranges: a value outside is a typing error, not a choice (80 meant as 0.80).
RANGES: dict[str, tuple[float, float, str]] = {
    "vollzeit_stunden": (1, 60, "Wochenstunden einer Vollzeitstelle, z. B. 39 oder 40."),
    "fachkraftquote_min": (0.01, 1, "Bitte als Anteil angeben: 0.80 für 80 %."),
    "dispositionsspielraum": (0, 0.5, "Bitte als Anteil angeben: 0.05 für 5 %."),
    "fuehrungszeugnis_jahre": (1, 10, "Gültigkeit des Führungszeugnisses in Jahren."),
    "vorwarnung_tage": (0, 730, "Tage der Vorwarnung."),
    "qualifizierung_jahre": (1, 10, "Frist der Qualifizierung in Jahren."),
    "max_wochenstunden": (1, 168, "Höchstarbeitszeit in Wochenstunden."),
    "mindestalter": (14, 30, "Mindestalter in Jahren."),
    "gespraech_monate": (1, 60, "Abstand der Jahresgespräche in Monaten."),
    "erstgespraech_monate": (0, 60, "Monate bis zum ersten Gespräch."),
    "einladung_tage": (0, 120, "Tage zwischen Einladung und Gespräch."),
}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is German and names the file."""


@dataclass(frozen=True)
class Parameters:
    vollzeit_stunden: float = 40.0
    fachkraftquote_min: float | None = None  # None: the dated rule table decides (0.80)
    leitung_basis: str = "soll"
    dispositionsspielraum: float | None = None  # None: the dated rule table decides
    # "ist": Fachkräfte against the counted Ist (default); "soll_anrechnung": Ergänzungskräfte
    # count towards the Soll only up to (1 − minimum quota) of it. § 15 KitaPersV not read in full.
    fachkraftquote_basis: str = "ist"
    auszubildende_anrechnen: bool = False
    fuehrungszeugnis_jahre: int = 5
    vorwarnung_tage: int = 90
    masern_geboren_nach: date = date(1970, 12, 31)
    qualifizierung_jahre: int = 2
    max_wochenstunden: float = 48.0
    mindestalter: int = 18
    gespraech_monate: int = 12  # annual staff talk, Qualitätshandbuch 6.7
    erstgespraech_monate: int = 6  # first talk of a new colleague
    einladung_tage: int = 14  # date and topics "in good time" before the talk

    def as_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


def parameters_from_mapping(values: dict[str, Any], origin: str) -> Parameters:
    known = {f.name: f for f in fields(Parameters)}
    defaults = Parameters()
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{origin}: unbekannter Parameter „{key}“. Erlaubt sind: {', '.join(known)}.")
        default = getattr(defaults, key)
        changes[key] = _coerce(key, value, default, origin)
    result = replace(defaults, **changes)
    if result.leitung_basis not in LEITUNG_BASES:
        raise ConfigError(f"{origin}: leitung_basis muss „soll“ oder „ist“ sein.")
    if result.fachkraftquote_basis not in QUOTA_BASES:
        raise ConfigError(f"{origin}: fachkraftquote_basis muss „ist“ oder „soll_anrechnung“ sein.")
    for key, (low, high, hint) in RANGES.items():
        value = getattr(result, key)
        if value is not None and not low <= value <= high:
            raise ConfigError(
                f"{origin}: {key} = {value:g} liegt nicht zwischen {low:g} und {high:g}. {hint}"
            )
    return result


def _coerce(key: str, value: Any, default: Any, origin: str) -> Any:
    try:
        if isinstance(default, date):
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("ja", "true", "1", "wahr"):
                return True
            if text in ("nein", "false", "0", "falsch"):
                return False
            raise ValueError(value)
        if isinstance(default, str):
            return str(value).strip().lower()
        if isinstance(default, int) and not isinstance(default, bool):
            return int(value)
        if isinstance(value, bool):
            raise ValueError(value)
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: Parameter „{key}“ hat einen ungültigen Wert: {value!r}.") from exc
