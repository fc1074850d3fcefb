"""Example requests, in normalised form, as the Odoo layer builds them.

:data:`EPSITEC` is the Crésus manual's example, the one every suite starts from: the
plain suite (``tilbago/tests``), the Odoo tests (``tests/test_case_common.py`` makes its
debtor from it), the recorded cassettes and the documentation. :func:`epsitec_case` is
its request as a :class:`~tilbago.payload.Case`, :func:`epsitec_wire` the same request
as tilbago receives it, written out by hand so the two check each other.
``natural_case`` is a private person. Each call returns a fresh object, so a caller may
change it freely.
"""

import datetime
from decimal import Decimal
from types import MappingProxyType

from .payload import Address, Case, Claim, Debtor

#: Epsitec SA, invoice 5875, CHF 12'565.60 at 4 % from 2020-12-20, collocation class 3;
#: ``phone`` as a clerk types it, ``phone_sent`` as the request carries it
EPSITEC = MappingProxyType({
    "external_ref": "INV-2020-5875",
    "debtor_ref": "EB35CF7A",
    "company": "Epsitec SA",
    "uid": "CHE-107.933.850",
    "legal_seat": "Yverdon-les-Bains",
    "contact_person": "Pierre Arnaud",
    "language": "fr",
    "phone": "0848 27 37 87",
    "phone_sent": "+41 848 273 787",
    "email": "info@cresus.ch",
    "street": "Chemin du Fontenay",
    "streetnumber": "6",
    "zip": "1400",
    "city": "Yverdon-les-Bains",
    "country": "CH",
    "invoice": "5875",
    "amount": Decimal("12565.60"),
    "reason": "Facture 5875",
    "interest_from": datetime.date(2020, 12, 20),
    "interest_rate": Decimal("4"),
    "collocation_class": "3",
})


def epsitec_case():
    """The request of :data:`EPSITEC`, as a :class:`~tilbago.payload.Case`."""
    e = EPSITEC
    return Case(
        external_ref=e["external_ref"],
        certificate_of_loss=False,
        debtor=Debtor(
            external_ref=e["debtor_ref"],
            company=e["company"],
            company_uid=e["uid"],
            legal_seat=e["legal_seat"],
            contact_person=e["contact_person"],
            is_registered=True,
            preferred_language=e["language"],
            phone1=e["phone_sent"],
            email=e["email"],
            address=Address(
                street=e["street"],
                streetnumber=e["streetnumber"],
                zip=e["zip"],
                city=e["city"],
            ),
        ),
        claim=Claim(
            external_ref=e["invoice"],
            amount=e["amount"],
            reason=e["reason"],
            interest_date_from=e["interest_from"],
            interest_rate=e["interest_rate"],
            collocation_class=e["collocation_class"],
        ),
    )


def epsitec_wire():
    """The request of :data:`EPSITEC` as tilbago receives it (camelCase, the amount in
    centimes, the rate as text), written out without ``tilbago.payload``."""
    e = EPSITEC
    return {
        "externalRef": e["external_ref"],
        "certificateOfLoss": False,
        "debtor": {
            "externalRef": e["debtor_ref"],
            "company": e["company"],
            "companyUid": e["uid"],
            "legalSeat": e["legal_seat"],
            "contactPerson": e["contact_person"],
            "isRegistered": True,
            "preferredLanguage": e["language"],
            "phone1": e["phone_sent"],
            "email": e["email"],
            "address": {
                "street": e["street"],
                "streetnumber": e["streetnumber"],
                "zip": e["zip"],
                "city": e["city"],
            },
        },
        "claim": {
            "externalRef": e["invoice"],
            "amount": 1256560,
            "reason": e["reason"],
            "interestDateFrom": "2020-12-20",
            "interestRate": "4.0",
            "collocationClass": e["collocation_class"],
        },
    }


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
