"""A colleague's save during a refresh is never lost: the file is read once, and replaced only if
it is still the file that was read — whenever the other save happens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kitameldung.batch.runner import refresh_many
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh import run as refresh_run
from kitameldung.replica import make_facility, write_form
from kitameldung.workbook import package as package_module
from kitameldung.workbook.atomic import TEMP_SUFFIX


def colleague_saves(path: Path, seed: int = 99) -> bytes:
    """What Excel on a colleague's machine writes: another version of the workbook."""
    other = write_form(make_facility(seed, persons=9), path.with_name("kollegin.xlsx"))
    data = other.read_bytes()
    path.write_bytes(data)
    other.unlink()
    return data


def during(target: Any, name: str, path: Path, saved: list[bytes]) -> Callable[..., Any]:
    real = getattr(target, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not saved:
            saved.append(colleague_saves(path))
        return real(*args, **kwargs)

    return wrapped


TIMINGS = [
    (refresh_run, "plan_for"),  # right after the check
    (refresh_run, "build_sheets"),  # while our sheets are built
    (refresh_run.PackageBook, "write_sheets"),  # while they go into the package
    (package_module.Package, "_write_zip"),  # while the new file is being written
]


@pytest.mark.parametrize(("target", "name"), TIMINGS, ids=[n for _, n in TIMINGS])
def test_a_save_during_the_refresh_is_kept_and_nothing_is_written(
    target: Any, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_form(make_facility(31, persons=8), tmp_path / "kita.xlsx")
    saved: list[bytes] = []
    monkeypatch.setattr(target, name, during(target, name, path, saved))
    outcome = refresh_file(path, Settings())
    assert saved, "the colleague's save did not happen"
    assert outcome.status == FAILED
    assert (
        "während der Aktualisierung gespeichert" in outcome.message
        and "nichts geschrieben" in outcome.message
    )
    assert path.read_bytes() == saved[0]
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))


def test_the_folder_run_goes_on_after_a_concurrent_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [write_form(make_facility(40 + i, persons=8), tmp_path / f"kita-{i}.xlsx") for i in range(3)]
    saved: list[bytes] = []
    real = refresh_run.build_sheets

    def build(result, *args, **kwargs):  # type: ignore[no-untyped-def]
        if result.path.name == "kita-1.xlsx" and not saved:
            saved.append(colleague_saves(result.path))
        return real(result, *args, **kwargs)

    monkeypatch.setattr(refresh_run, "build_sheets", build)
    items = {Path(i.path).name: i for i in refresh_many(files, Settings(), workers=1)}
    assert items["kita-1.xlsx"].status == FAILED and files[1].read_bytes() == saved[0]
    assert items["kita-0.xlsx"].status == WRITTEN and items["kita-2.xlsx"].status == WRITTEN
