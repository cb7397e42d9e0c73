"""Where the data files live, installed or in a checkout.

The wheel carries `templates/` inside the package; a source checkout keeps it at the repository
root. Both are looked up so that `pip install .` and `pip install -e .` behave the same.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_PACKAGE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    for candidate in (_PACKAGE / "templates", _PACKAGE.parents[1] / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("templates/ not found next to the kitameldung package")


def package_data(name: str) -> Path:
    return _PACKAGE / name


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return data
