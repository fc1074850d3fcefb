"""Example requests, in normalised form, as the Odoo layer builds them.

``epsitec_case`` is the Crésus manual's example (seed 000), used by the tests of both
layers, the recorded cassettes and the documentation; ``natural_case`` a private person.
Each call returns a fresh object, so a caller may change it freely.
"""

import datetime
from decimal import Decimal

from .payload import Address, Case, Claim, Debtor


def epsitec_case():
    """The Crésus manual's example (seed 000): Epsitec SA, invoice 5875, CHF 12'565.60."""
    return Case(
        external_ref="INV-2020-5875",
        certificate_of_loss=False,
        debtor=Debtor(
            external_ref="EB35CF7A",
            company="Epsitec SA",
            company_uid="CHE-107.933.850",
            legal_seat="Yverdon-les-Bains",
            contact_person="Pierre Arnaud",
            is_registered=True,
            preferred_language="fr",
            phone1="+41 848 273 787",
            email="info@cresus.ch",
            address=Address(
                street="Chemin du Fontenay",
                streetnumber="6",
                zip="1400",
                city="Yverdon-les-Bains",
            ),
        ),
        claim=Claim(
            external_ref="5875",
            amount=Decimal("12565.60"),
            reason="Facture 5875",
            interest_date_from=datetime.date(2020, 12, 20),
            interest_rate=Decimal("4"),
            collocation_class="3",
        ),
    )


def natural_case():
    """A private person in German-speaking Switzerland (natural-person debtor)."""
    return Case(
        external_ref="INV-2021-0042",
        certificate_of_loss=False,
        debtor=Debtor(
            external_ref="P-1042",
            name="Gwenaëlle",
            surname="Jamois",
            sex="F",
            date_of_birth=datetime.date(1985, 3, 14),
            nationality="CH",
            preferred_language="de",
            phone1="+41 79 123 45 67",
            email="g.jamois@example.ch",
            address=Address(
                street="Seestrasse",
                streetnumber="112a",
                zip="8002",
                city="Zürich",
                pob="Postfach 45",
            ),
        ),
        claim=Claim(
            external_ref="0042",
            amount=Decimal("1000.00"),
            reason="Rechnung 0042",
            interest_date_from=datetime.date(2021, 3, 1),
            interest_rate=Decimal("5"),
            collocation_class="3",
        ),
    )
