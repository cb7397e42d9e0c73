"""The user's configuration file: `[parameter]` (section 7) and `[qualifikationen]` (catalogue
extensions), read once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kitameldung.resources import load_toml
from kitameldung.rules.catalogue import QualificationCatalogue, load_catalogue
from kitameldung.rules.parameters import ConfigError, Parameters, parameters_from_mapping


@dataclass(frozen=True)
class Config:
    params: Parameters = field(default_factory=Parameters)
    catalogue: QualificationCatalogue = field(default_factory=load_catalogue)


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = load_toml(path)
    except FileNotFoundError as exc:
        raise ConfigError(f"Konfigurationsdatei {path} wurde nicht gefunden.") from exc
    except Exception as exc:  # tomllib.TOMLDecodeError and OSError
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f" (Zeile {where.group(1)}, Spalte {where.group(2)})" if where else ""
        raise ConfigError(
            f"Konfigurationsdatei {path} ist kein gültiges TOML{at}. Bitte die Datei prüfen "
            "(Beispiel im README): Texte in Anführungszeichen, Zahlen mit Punkt (0.80)."
        ) from exc
    unknown = set(data) - {"parameter", "qualifikationen"}
    if unknown:
        raise ConfigError(
            f"{path}: unbekannter Abschnitt [{sorted(unknown)[0]}]. Erlaubt sind [parameter] und [qualifikationen]."
        )
    params = parameters_from_mapping(data.get("parameter", {}), str(path))
    extra = data.get("qualifikationen", {})
    bad = set(extra) - {"fachkraft", "ergaenzung"}
    if bad:
        raise ConfigError(f"{path}: in [qualifikationen] sind nur „fachkraft“ und „ergaenzung“ erlaubt.")
    catalogue = load_catalogue()
    if extra:
        try:
            catalogue = catalogue.extended(
                list(extra.get("fachkraft", [])), list(extra.get("ergaenzung", []))
            )
        except Exception as exc:
            raise ConfigError(f"{path}: ungültiges Suchmuster in [qualifikationen]: {exc}") from exc
    return Config(params, catalogue)
