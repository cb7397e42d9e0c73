"""The user's configuration file: `[parameter]` (section 7) and `[qualifikationen]` (catalogue
extensions), read once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kitameldung.resources import load_toml
from kitameldung.rules.catalogue import QualificationCatalogue, load_catalogue
from kitameldung.rules.parameters import ConfigError, Parameters, parameters_from_mapping

CONFIG_NAME = "kitameldung.toml"


@dataclass(frozen=True)
class Config:
    params: Parameters = field(default_factory=Parameters)
    catalogue: QualificationCatalogue = field(default_factory=load_catalogue)
    rules_file: Path | None = None  # [regeln] datei: the provider's rule data (section 9.4)


def find_config(near: Path | None = None) -> Path | None:
    """The configuration the Excel add-in uses, which has no command line: the file named by
    KITAMELDUNG_CONFIG, else kitameldung.toml beside the workbook, else in the user's folder
    (%APPDATA%\\kitameldung on Windows, ~/.config/kitameldung elsewhere)."""
    named = os.environ.get("KITAMELDUNG_CONFIG")
    if named:
        return Path(named).expanduser()
    candidates = [near.parent / CONFIG_NAME] if near is not None else []
    appdata = os.environ.get("APPDATA")
    base = Path(appdata) if appdata else Path.home() / ".config"
    candidates.append(base / "kitameldung" / CONFIG_NAME)
    return next((c for c in candidates if c.is_file()), None)


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
    unknown = set(data) - {"parameter", "qualifikationen", "regeln"}
    if unknown:
        raise ConfigError(
            f"{path}: unbekannter Abschnitt [{sorted(unknown)[0]}]. Erlaubt sind [parameter], "
            "[qualifikationen] und [regeln]."
        )
    rules_file = _rules_file(path, data.get("regeln", {}))
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
    return Config(params, catalogue, rules_file)


def _rules_file(path: Path, section: object) -> Path | None:
    """[regeln] datei = "…": relative to the configuration file."""
    if not isinstance(section, dict) or set(section) - {"datei"}:
        raise ConfigError(f'{path}: in [regeln] ist nur „datei“ erlaubt, z. B. datei = "regeln-2027.toml".')
    name = section.get("datei")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{path}: [regeln] datei muss ein Dateiname in Anführungszeichen sein.")
    target = Path(name.strip()).expanduser()
    return target if target.is_absolute() else path.parent / target
