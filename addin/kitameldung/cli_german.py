"""argparse in German: its fixed texts (usage, headings, errors) go through gettext, so a small
catalogue replaces them before the parser is built."""

from __future__ import annotations

import argparse

_TEXTS = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Angaben",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Versionsnummer zeigen und beenden",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Wahl: %(value)r (möglich: %(choices)s)",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "unexpected option string: %s": "unerwartete Option: %s",
}


def _german(text: str) -> str:
    return _TEXTS.get(text, text)


def _german_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "erwartet %s Wert" if n == 1 else "erwartet %s Werte"
    return _german(singular if n == 1 else plural)


def install() -> None:
    argparse._ = _german  # type: ignore[attr-defined]
    argparse.ngettext = _german_plural  # type: ignore[attr-defined]
