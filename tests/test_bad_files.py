"""Files that are no readable Personalmeldung: ok false, a German error naming the file, exit
status 2, never a traceback, and the other files of the same call are still reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kitameldung.cli import main

from badfiles import _encrypted, _not_a_form


@pytest.fixture
def bad_files(form, libreoffice, tmp_path: Path) -> dict[str, Path]:
    good = form(name="gut.xlsx")
    folder = tmp_path / "bad"
    folder.mkdir()
    corrupt = folder / "kaputt.xlsx"
    corrupt.write_bytes(good.read_bytes()[:2000])
    empty = folder / "leer.xlsx"
    empty.write_bytes(b"")
    text = folder / "notiz.xlsx"
    text.write_text("Das ist eine Textdatei.", encoding="utf-8")
    xls = libreoffice.convert(good, folder / "xls", "xls:MS Excel 97")
    return {
        "corrupt": corrupt,
        "empty": empty,
        "encrypted": _encrypted(good, folder / "verschluesselt.xlsx"),
        "xls": xls,
        "not_a_form": _not_a_form(folder / "einkauf.xlsx"),
        "text": text,
        "good": good,
    }


MESSAGES = {
    "corrupt": "beschädigt",
    "empty": "leer",
    "encrypted": "Kennwort",
    "xls": ".xlsx",
    "not_a_form": "keine Personalmeldung",
    "text": "keine Excel-Arbeitsmappe",
}


def test_each_bad_file_is_reported_and_the_good_one_still_checked(bad_files, capsys) -> None:
    order = list(bad_files)
    status = main(["check", "--json", *[str(bad_files[k]) for k in order]])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    documents = json.loads(captured.out)
    assert status == 2
    by_kind = dict(zip(order, documents))
    for kind, expected in MESSAGES.items():
        doc = by_kind[kind]
        assert doc["ok"] is False, kind
        assert doc["file"] == bad_files[kind].name
        assert bad_files[kind].name in doc["error"] and expected in doc["error"], (kind, doc["error"])
        assert doc["staffing"] is None and doc["places"] is None and doc["facility"] is None
    assert by_kind["good"]["ok"] is True
    assert by_kind["good"]["staffing"]["soll_betreuung_vzae"] > 0


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_single_bad_file_exit_status_and_text_output(bad_files, capsys, kind: str) -> None:
    status = main(["check", str(bad_files[kind])])
    out = capsys.readouterr().out
    assert status == 2
    assert "Nicht verarbeitet" in out and bad_files[kind].name in out


def test_missing_file_is_a_german_error(tmp_path: Path, capsys) -> None:
    status = main(["check", "--json", str(tmp_path / "fehlt.xlsx")])
    doc = json.loads(capsys.readouterr().out)
    assert status == 2 and doc["ok"] is False and "nicht gefunden" in doc["error"]


def test_bad_config_gives_german_message(tmp_path: Path, form, capsys) -> None:
    config = tmp_path / "kita.toml"
    config.write_text("[parameter]\nvollzeit_stunde = 39\n", encoding="utf-8")
    status = main(["check", "--config", str(config), str(form())])
    err = capsys.readouterr().err
    assert status == 2 and "unbekannter Parameter „vollzeit_stunde“" in err and str(config) in err


def test_bad_profile_gives_german_message(tmp_path: Path, form, capsys) -> None:
    profile = tmp_path / "profil.toml"
    profile.write_bytes(b"name = [unclosed")
    status = main(["check", "--profil", str(profile), str(form())])
    err = capsys.readouterr().err
    assert status == 2 and "kein gültiges TOML" in err
