"""Comparing what the reader found with what the replica generator wrote (the truth)."""

from __future__ import annotations

from kitameldung.model import Gruppe, JaNein, Meldung
from kitameldung.replica import Facility

YES_NO = {"ja": JaNein.JA, "nein": JaNein.NEIN, "entfällt": JaNein.ENTFAELLT}


def assert_reads_back(meldung: Meldung, facility: Facility, *, has_nachweise: bool = True) -> None:
    header = meldung.header
    assert header["traeger"].value == facility.traeger
    assert header["einrichtung"].value == facility.einrichtung
    assert header["nummer"].value == facility.nummer
    assert header["stichtag"].value == facility.stichtag
    assert meldung.places is not None
    for group, (short, long, approved) in facility.places.items():
        places = meldung.places[group]
        assert (places.short.value, places.long.value, places.genehmigt.value) == (short, long, approved), (
            group
        )
    assert meldung.persons is not None
    assert [p.name.value for p in meldung.persons] == [m.name for m in facility.staff]
    for person, member in zip(meldung.persons, facility.staff):
        assert person.geburtsdatum.value == member.geburtsdatum
        assert person.beginn.value == member.beginn
        assert person.ende.value == member.ende
        assert person.fuehrungszeugnis.value == member.fuehrungszeugnis
        assert person.qualifizierung_300ue.value == member.qualifizierung_300ue
        assert person.wochenstunden.value == member.wochenstunden
        assert person.leitungsstunden.value == member.leitungsstunden
        assert person.paed_stunden.value == member.paed_stunden
        assert person.qualifikation.value == member.qualifikation
        assert person.funktion.value == member.funktion
        expected_group = Gruppe.ERGAENZUNG if member.paragraph == 12 else Gruppe.FACHKRAFT
        assert person.zuordnung.value is not None and person.zuordnung.value.gruppe is expected_group
        if has_nachweise:
            assert person.masernschutz.value is YES_NO[str(member.masernschutz)]
            assert person.sprachnachweis.value is YES_NO[str(member.sprachnachweis)]
        for value in (person.name, person.beginn, person.paed_stunden):
            assert value.cell and value.cell[-1].isdigit()
            assert not value.invalid
