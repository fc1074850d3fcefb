"""Swiss address splitting: street / house number / post-office box, in de, fr and it."""

import pytest

from tilbago.address import normalize_zip, parse_address, split_pob, split_street
from tilbago.payload import Address


@pytest.mark.parametrize(
    "line, street, number",
    [
        # French
        ("Chemin du Fontenay 6", "Chemin du Fontenay", "6"),  # Epsitec SA, Yverdon (seed)
        ("Quai du Mont-Blanc 19", "Quai du Mont-Blanc", "19"),  # Genève
        ("Rue du 31-Décembre 47", "Rue du 31-Décembre", "47"),  # Genève: digits in the name
        ("Avenue du 1er-Mars 2", "Avenue du 1er-Mars", "2"),  # Neuchâtel
        ("Rue du Lac 12 bis", "Rue du Lac", "12 bis"),
        ("Rue de Bourg 12bis", "Rue de Bourg", "12bis"),
        ("Route de Berne 1-3", "Route de Berne", "1-3"),
        ("Chemin de la Vuachère 2A-2C", "Chemin de la Vuachère", "2A-2C"),
        ("6, chemin du Fontenay", "chemin du Fontenay", "6"),  # French style, number first
        ("12 bis, rue du Marché", "rue du Marché", "12 bis"),
        ("Place du 14-Juin", "Place du 14-Juin", None),
        # German
        ("Seestrasse 112a", "Seestrasse", "112a"),
        ("Bundesplatz 3", "Bundesplatz", "3"),  # Bundeshaus, Bern
        ("Rämistrasse 101", "Rämistrasse", "101"),  # ETH Zürich
        ("Mingerstrasse 20", "Mingerstrasse", "20"),  # PostFinance, Bern
        ("Wankdorfallee 4", "Wankdorfallee", "4"),  # Swiss Post, Bern
        ("St. Alban-Vorstadt 12", "St. Alban-Vorstadt", "12"),  # Basel
        ("Alte Landstrasse 119 A", "Alte Landstrasse", "119 A"),
        ("Hauptstrasse 12/14", "Hauptstrasse", "12/14"),
        ("Bahnhofstr. 5", "Bahnhofstr.", "5"),
        ("Bahnhofstrasse", "Bahnhofstrasse", None),
        ("  Bahnhofplatz   2  ", "Bahnhofplatz", "2"),  # spaces tidied
        # Italian
        ("Via Cantonale 3A", "Via Cantonale", "3A"),
        ("Via Nassa 5", "Via Nassa", "5"),  # Lugano
        ("Via Giuseppe Buffi 13", "Via Giuseppe Buffi", "13"),  # USI, Lugano
        ("Viale Stefano Franscini 17", "Viale Stefano Franscini", "17"),
        ("Via San Gottardo 10B", "Via San Gottardo", "10B"),
        ("Piazza Grande", "Piazza Grande", None),
        # A PO box line is no street: it comes back whole, without a number
        ("Postfach 45", "Postfach 45", None),
        ("Case postale 123", "Case postale 123", None),
    ],
)
def test_split_street(line, street, number):
    assert split_street(line) == (street, number)


@pytest.mark.parametrize("line", ["", "   ", None])
def test_split_street_of_nothing(line):
    assert split_street(line) == (None, None)


@pytest.mark.parametrize(
    "text, pob",
    [
        ("Case postale 123", "Case postale 123"),
        ("case postale", "case postale"),
        ("Postfach 45", "Postfach 45"),
        ("Postfach", "Postfach"),
        ("Postfach Nr. 45", "Postfach Nr. 45"),
        ("Casella postale 7", "Casella postale 7"),
        ("CP 12", "CP 12"),
        ("C.P. 1234", "C.P. 1234"),
        ("PF 3", "PF 3"),
        ("Pf. 3", "Pf. 3"),
        ("Boîte postale 5", "Boîte postale 5"),
        ("P.O. Box 3", "P.O. Box 3"),
        ("  Postfach   45 ", "Postfach 45"),
        # not PO boxes
        ("Postfachstrasse 1", None),
        ("Postgasse 5", None),
        ("Bahnhofstrasse 1", None),
        ("c/o Muster AG", None),
        ("CPX", None),
        ("", None),
        (None, None),
    ],
)
def test_split_pob(text, pob):
    assert split_pob(text) == pob


@pytest.mark.parametrize(
    "value, expected",
    [("1400", "1400"), (" 8001 ", "8001"), ("CH-1400", "1400"), ("ch 8001", "8001"),
     (8001, "8001"), ("", None), (None, None), ("D-78462", "D-78462")],
)
def test_normalize_zip(value, expected):
    assert normalize_zip(value) == expected


@pytest.mark.parametrize(
    "street, street2, zip_code, city, expected",
    [
        (
            "Chemin du Fontenay 6", None, "1400", "Yverdon-les-Bains",
            Address("Chemin du Fontenay", "6", "1400", "Yverdon-les-Bains"),
        ),
        (  # PO box in street2
            "Rue du Lac 3", "Case postale 45", "1400", "Yverdon-les-Bains",
            Address("Rue du Lac", "3", "1400", "Yverdon-les-Bains", pob="Case postale 45"),
        ),
        (  # PO box in street, the street in street2
            "Postfach 45", "Seestrasse 112a", "8002", "Zürich",
            Address("Seestrasse", "112a", "8002", "Zürich", pob="Postfach 45"),
        ),
        (  # PO box after a comma on the street line
            "Bahnhofstrasse 1, Postfach", "", "CH-8001", " Zürich ",
            Address("Bahnhofstrasse", "1", "8001", "Zürich", pob="Postfach"),
        ),
        (  # a c/o line is left out, the numbered line is the street
            "c/o Muster AG", "Via Nassa 5", "6900", "Lugano",
            Address("Via Nassa", "5", "6900", "Lugano"),
        ),
        (  # the numbered line wins even when first
            "Via Cantonale 3A", "Stabile Centro", "6900", "Lugano",
            Address("Via Cantonale", "3A", "6900", "Lugano"),
        ),
        (  # no number anywhere: the first line is the street
            "Bahnhofplatz", "Casella postale 7", 6500, "Bellinzona",
            Address("Bahnhofplatz", None, "6500", "Bellinzona", pob="Casella postale 7"),
        ),
        (  # French style, number first, with its comma
            "6, chemin du Fontenay", None, "1400", "Yverdon-les-Bains",
            Address("chemin du Fontenay", "6", "1400", "Yverdon-les-Bains"),
        ),
        (  # a PO box only: no street (validation will ask for one)
            "Case postale 2", None, "1211", "Genève",
            Address(None, None, "1211", "Genève", pob="Case postale 2"),
        ),
        (None, None, None, None, Address()),
    ],
)
def test_parse_address(street, street2, zip_code, city, expected):
    assert parse_address(street, street2, zip_code, city) == expected
