"""Form profiles: the declarative description of where the form's parts are, by their labels.

A profile is TOML in templates/profile/. A profile may name a `basis` profile: its pattern lists
are tried first and then the basis' lists, everything it leaves out is taken from the basis. So
a user's profile for a differently worded form holds only the differing labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kitameldung.resources import load_toml, templates_dir


class ProfileError(Exception):
    """A profile file that cannot be used; German message naming the file."""


@dataclass(frozen=True)
class Matcher:
    include: re.Pattern[str] | None
    exclude: re.Pattern[str] | None = None

    def __call__(self, text: str) -> bool:
        if not text or self.include is None or not self.include.search(text):
            return False
        return not (self.exclude and self.exclude.search(text))


@dataclass(frozen=True)
class HeaderSpec:
    title: str
    match: Matcher
    required: bool


@dataclass(frozen=True)
class Detection:
    formularstand: Matcher
    sheet: Matcher
    capacity: int | None
    stand: date | None = None  # the form version of this variant, when its sheet names none


@dataclass(frozen=True)
class Profile:
    name: str
    variant: str | None
    source: str
    sheet_names: Matcher
    header: dict[str, HeaderSpec]
    places_columns: dict[str, Matcher]
    places_groups: dict[str, Matcher]
    staff_columns: dict[str, Matcher]  # in matching order
    staff_end: Matcher
    staff_required: tuple[str, ...]
    detection: Detection | None = None
    summary: dict[str, Matcher] = field(default_factory=dict)  # the form's own results

    @cached_property
    def any_staff_caption(self) -> re.Pattern[str]:
        """One pattern for "could this be a staff column caption at all?": most cells of a
        sheet are data, and one search rules them out instead of one per column."""
        parts = [f"(?:{m.include.pattern})" for m in self.staff_columns.values() if m.include]
        return re.compile("|".join(parts) or "(?!)")

    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _matcher(patterns: list[str], exclude: list[str] | None = None, origin: str = "") -> Matcher:
    try:
        inc = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        exc = re.compile("|".join(f"(?:{p})" for p in exclude)) if exclude else None
    except re.error as err:
        raise ProfileError(f"{origin}: ungültiges Suchmuster ({err}).") from err
    return Matcher(inc, exc)


def _merge(own: Any, base: Any) -> Any:
    """Dictionaries merge key by key; lists put the own entries first; scalars: own wins."""
    if isinstance(own, dict) and isinstance(base, dict):
        merged = dict(base)
        for key, value in own.items():
            merged[key] = _merge(value, base[key]) if key in base else value
        return merged
    if isinstance(own, list) and isinstance(base, list):
        return own + [item for item in base if item not in own]
    return own


def _read(path: Path) -> dict[str, Any]:
    try:
        data = load_toml(path)
    except FileNotFoundError as err:
        raise ProfileError(f"Profil {path} wurde nicht gefunden.") from err
    except Exception as err:
        raise ProfileError(f"Profil {path} ist kein gültiges TOML: {err}") from err
    base_name = data.get("basis")
    if base_name:
        base_path = templates_dir() / "profile" / f"{base_name}.toml"
        if not base_path.is_file():
            raise ProfileError(f"Profil {path}: Basisprofil „{base_name}“ gibt es nicht.")
        data = _merge(data, _read(base_path))
        data["basis"] = base_name
    return data


def _stand(value: object, origin: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    raise ProfileError(f"Profil {origin}: [erkennung] stand muss ein Datum sein (stand = 2025-01-01).")


def load_profile(path: Path) -> Profile:
    data = _read(path)
    origin = str(path)
    data.setdefault("name", path.stem)
    return _build(data, origin)


def _build(data: dict[str, Any], origin: str) -> Profile:
    try:
        places = data["plaetze"]
        staff = data["personal"]
        header = {
            key: HeaderSpec(
                spec.get("titel", key),
                _matcher(spec["muster"], spec.get("ausser"), origin),
                bool(spec.get("pflicht", False)),
            )
            for key, spec in data["kopf"].items()
        }
        column_exclude = places["spalten"].get("ausser", [])
        group_exclude = places["gruppen"].get("ausser", [])
        detect = data.get("erkennung")
        summary = data.get("summe", {})
        summary_exclude = summary.get("ausser", [])
        return Profile(
            name=data["name"],
            variant=data.get("variante"),
            source=origin,
            sheet_names=_matcher(data.get("blatt", {}).get("namen", []), None, origin),
            header=header,
            places_columns={
                key: _matcher(value, column_exclude, origin)
                for key, value in places["spalten"].items()
                if key != "ausser"
            },
            places_groups={
                key: _matcher(value, group_exclude, origin)
                for key, value in places["gruppen"].items()
                if key != "ausser"
            },
            staff_columns={key: _matcher(value, None, origin) for key, value in staff["spalten"].items()},
            staff_end=_matcher(staff.get("ende", []), None, origin),
            staff_required=tuple(staff.get("pflicht", ())),
            detection=Detection(
                _matcher(detect.get("formularstand", []), None, origin),
                _matcher(detect.get("blatt", []), None, origin),
                detect.get("kapazitaet"),
                _stand(detect.get("stand"), origin),
            )
            if detect
            else None,
            summary={
                key: _matcher(value, summary_exclude, origin)
                for key, value in summary.items()
                if key != "ausser"
            },
            raw=data,
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise ProfileError(
            f"Profil {origin}: Abschnitt oder Schlüssel {err} fehlt oder hat die falsche Form. "
            "Bitte mit templates/profile/basis.toml vergleichen."
        ) from err


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[Profile, ...]:
    """The basis profile first, then the known form variants."""
    folder = templates_dir() / "profile"
    paths = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != "basis", p.stem))
    return tuple(load_profile(p) for p in paths)
