"""The guideline text for the talks (templates/gespraeche/leitfaden.toml), as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kitameldung.resources import load_toml, templates_dir


@dataclass(frozen=True)
class Leitfaden:
    titel: str
    einleitung: str
    abschnitte: tuple[tuple[str, tuple[str, ...]], ...]  # (title, points)
    betreff: str
    einladung: str

    @property
    def themen(self) -> tuple[str, ...]:
        """The topics of the talk: the last section of the guideline."""
        return self.abschnitte[-1][1]


@lru_cache(maxsize=1)
def load_leitfaden() -> Leitfaden:
    data = load_toml(templates_dir() / "gespraeche" / "leitfaden.toml")
    return Leitfaden(
        titel=data["titel"],
        einleitung=data["einleitung"],
        abschnitte=tuple((a["titel"], tuple(a["punkte"])) for a in data["abschnitt"]),
        betreff=data["einladung"]["betreff"],
        einladung=data["einladung"]["text"],
    )
