"""The names of Latvia's 43 municipalities (since the reform of 1 July 2021: 7 state cities and 36 novadi) and of
their administrative centres in the cases a board's names and a report's sentences need (core.declension), against
the forms written out by hand; a new board's Latvian names are built from its municipality's genitive
("Rēzeknes valstspilsētas Izglītības pārvalde")."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from eduboard.core.declension import suggest_cases
from eduboard.registry.boards import suggested_names

pytestmark = pytest.mark.one_database


class Forms(NamedTuple):
    """A name in the nominative (kas?), genitive (kā?), dative (kam?) and locative (kur?)."""

    nominative: str
    genitive: str
    dative: str
    locative: str


class Place(NamedTuple):
    """A municipality and its administrative centre."""

    municipality: Forms
    centre: Forms


def novads(genitive: str) -> Forms:
    """A novads named by its genitive: "Cēsu" → Cēsu novads / novada / novadam / novadā."""
    return Forms(f"{genitive} novads", f"{genitive} novada", f"{genitive} novadam", f"{genitive} novadā")


def state_city(genitive: str) -> Forms:
    """A state city (valstspilsēta) named by its genitive: "Rīgas" → Rīgas valstspilsēta / -as / -ai / -ā."""
    return Forms(
        f"{genitive} valstspilsēta",
        f"{genitive} valstspilsētas",
        f"{genitive} valstspilsētai",
        f"{genitive} valstspilsētā",
    )


# The centres' forms by declension: 4th (-a: -as, -ai, -ā), 5th (-e: -es, -ei, -ē), 1st (-s: -a, -am, -ā), 3rd (-us:
# -us, -um, -ū), 6th (-pils: -pils, -pilij, -pilī), masculine plurals (-i: -u, -iem, -os) and the 6th declension
# plural Cēsis (Cēsu, Cēsīm, Cēsīs).
STATE_CITIES = [
    Place(state_city("Daugavpils"), Forms("Daugavpils", "Daugavpils", "Daugavpilij", "Daugavpilī")),
    Place(state_city("Jelgavas"), Forms("Jelgava", "Jelgavas", "Jelgavai", "Jelgavā")),
    Place(state_city("Jūrmalas"), Forms("Jūrmala", "Jūrmalas", "Jūrmalai", "Jūrmalā")),
    Place(state_city("Liepājas"), Forms("Liepāja", "Liepājas", "Liepājai", "Liepājā")),
    Place(state_city("Rēzeknes"), Forms("Rēzekne", "Rēzeknes", "Rēzeknei", "Rēzeknē")),
    Place(state_city("Rīgas"), Forms("Rīga", "Rīgas", "Rīgai", "Rīgā")),
    Place(state_city("Ventspils"), Forms("Ventspils", "Ventspils", "Ventspilij", "Ventspilī")),
]
NOVADI = [
    Place(novads("Aizkraukles"), Forms("Aizkraukle", "Aizkraukles", "Aizkrauklei", "Aizkrauklē")),
    Place(novads("Alūksnes"), Forms("Alūksne", "Alūksnes", "Alūksnei", "Alūksnē")),
    Place(novads("Augšdaugavas"), Forms("Daugavpils", "Daugavpils", "Daugavpilij", "Daugavpilī")),
    Place(novads("Ādažu"), Forms("Ādaži", "Ādažu", "Ādažiem", "Ādažos")),
    Place(novads("Balvu"), Forms("Balvi", "Balvu", "Balviem", "Balvos")),
    Place(novads("Bauskas"), Forms("Bauska", "Bauskas", "Bauskai", "Bauskā")),
    Place(novads("Cēsu"), Forms("Cēsis", "Cēsu", "Cēsīm", "Cēsīs")),
    Place(novads("Dienvidkurzemes"), Forms("Grobiņa", "Grobiņas", "Grobiņai", "Grobiņā")),
    Place(novads("Dobeles"), Forms("Dobele", "Dobeles", "Dobelei", "Dobelē")),
    Place(novads("Gulbenes"), Forms("Gulbene", "Gulbenes", "Gulbenei", "Gulbenē")),
    Place(novads("Jelgavas"), Forms("Jelgava", "Jelgavas", "Jelgavai", "Jelgavā")),
    Place(novads("Jēkabpils"), Forms("Jēkabpils", "Jēkabpils", "Jēkabpilij", "Jēkabpilī")),
    Place(novads("Krāslavas"), Forms("Krāslava", "Krāslavas", "Krāslavai", "Krāslavā")),
    Place(novads("Kuldīgas"), Forms("Kuldīga", "Kuldīgas", "Kuldīgai", "Kuldīgā")),
    Place(novads("Ķekavas"), Forms("Ķekava", "Ķekavas", "Ķekavai", "Ķekavā")),
    Place(novads("Limbažu"), Forms("Limbaži", "Limbažu", "Limbažiem", "Limbažos")),
    Place(novads("Līvānu"), Forms("Līvāni", "Līvānu", "Līvāniem", "Līvānos")),
    Place(novads("Ludzas"), Forms("Ludza", "Ludzas", "Ludzai", "Ludzā")),
    Place(novads("Madonas"), Forms("Madona", "Madonas", "Madonai", "Madonā")),
    Place(novads("Mārupes"), Forms("Mārupe", "Mārupes", "Mārupei", "Mārupē")),
    Place(novads("Ogres"), Forms("Ogre", "Ogres", "Ogrei", "Ogrē")),
    Place(novads("Olaines"), Forms("Olaine", "Olaines", "Olainei", "Olainē")),
    Place(novads("Preiļu"), Forms("Preiļi", "Preiļu", "Preiļiem", "Preiļos")),
    Place(novads("Rēzeknes"), Forms("Rēzekne", "Rēzeknes", "Rēzeknei", "Rēzeknē")),
    Place(novads("Ropažu"), Forms("Ulbroka", "Ulbrokas", "Ulbrokai", "Ulbrokā")),
    Place(novads("Salaspils"), Forms("Salaspils", "Salaspils", "Salaspilij", "Salaspilī")),
    Place(novads("Saldus"), Forms("Saldus", "Saldus", "Saldum", "Saldū")),
    Place(novads("Saulkrastu"), Forms("Saulkrasti", "Saulkrastu", "Saulkrastiem", "Saulkrastos")),
    Place(novads("Siguldas"), Forms("Sigulda", "Siguldas", "Siguldai", "Siguldā")),
    Place(novads("Smiltenes"), Forms("Smiltene", "Smiltenes", "Smiltenei", "Smiltenē")),
    Place(novads("Talsu"), Forms("Talsi", "Talsu", "Talsiem", "Talsos")),
    Place(novads("Tukuma"), Forms("Tukums", "Tukuma", "Tukumam", "Tukumā")),
    Place(novads("Valkas"), Forms("Valka", "Valkas", "Valkai", "Valkā")),
    Place(novads("Valmieras"), Forms("Valmiera", "Valmieras", "Valmierai", "Valmierā")),
    Place(novads("Varakļānu"), Forms("Varakļāni", "Varakļānu", "Varakļāniem", "Varakļānos")),
    Place(novads("Ventspils"), Forms("Ventspils", "Ventspils", "Ventspilij", "Ventspilī")),
]
PLACES = STATE_CITIES + NOVADI


def test_the_table_holds_latvias_43_municipalities() -> None:
    assert len(STATE_CITIES) == 7 and len(NOVADI) == 36
    assert len({place.municipality.nominative for place in PLACES}) == 43


@pytest.mark.parametrize("place", PLACES, ids=[place.municipality.nominative for place in PLACES])
def test_a_municipalitys_name_is_declined_in_every_case(place: Place) -> None:
    assert suggest_cases(place.municipality.nominative) == place.municipality[1:]


@pytest.mark.parametrize("place", PLACES, ids=[place.municipality.nominative for place in PLACES])
def test_a_municipalitys_centre_is_declined_in_every_case(place: Place) -> None:
    assert suggest_cases(place.centre.nominative) == place.centre[1:]


@pytest.mark.parametrize("place", PLACES, ids=[place.municipality.nominative for place in PLACES])
def test_a_new_boards_names_are_built_from_its_municipalitys_genitive(place: Place) -> None:
    names = suggested_names(place.municipality.nominative)
    assert names["name"] == f"{place.municipality.genitive} Izglītības pārvalde"
    assert names["council"] == f"{place.municipality.genitive} pašvaldības dome"
    assert suggest_cases(names["name"]).genitive == f"{place.municipality.genitive} Izglītības pārvaldes"


@pytest.mark.parametrize(
    ("centre", "board"),
    [
        ("Daugavpils", "Daugavpils Izglītības pārvalde"),
        ("Cēsis", "Cēsu Izglītības pārvalde"),
        ("Līvāni", "Līvānu Izglītības pārvalde"),
        ("Talsi", "Talsu Izglītības pārvalde"),
    ],
)
def test_a_board_named_after_its_centre_alone_takes_the_centres_genitive(centre: str, board: str) -> None:
    assert suggested_names(centre)["name"] == board
