"""The debtor table: from form values to the request's debtor and back."""

import datetime

from tilbago import debtor
from tilbago.payload import Case
from tilbago.validation import validate_case


def test_every_attribute_of_the_debtor_has_one_row():
    attributes = [row.attribute for row in debtor.FIELDS]
    assert len(attributes) == len(set(attributes))
    assert len({row.field for row in debtor.FIELDS}) == len(debtor.FIELDS)
    assert debtor.FORM_FIELDS[0] == "debtor_is_company"


def test_round_trip_legal_person(epsitec_case):
    values = debtor.values(epsitec_case.debtor)
    assert values["address.street"] == "Chemin du Fontenay"
    assert values["company_uid"] == "CHE-107.933.850"
    rebuilt = debtor.build(values, True, external_ref="EB35CF7A")
    assert rebuilt == epsitec_case.debtor


def test_round_trip_natural_person(natural_case):
    values = debtor.values(natural_case.debtor)
    assert values["date_of_birth"] == datetime.date(1985, 3, 14)
    assert debtor.build(values, False, external_ref="P-1042") == natural_case.debtor


def test_only_the_fields_of_the_kind_of_person_are_sent(epsitec_case):
    values = debtor.values(epsitec_case.debtor)
    values.update(name="Pierre", surname="Arnaud", sex="M")
    built = debtor.build(values, True, external_ref=" EB35CF7A ")
    assert (built.name, built.surname, built.sex) == (None, None, None)
    assert built.external_ref == "EB35CF7A"
    person = debtor.build(values, False, external_ref="EB35CF7A")
    assert (person.company, person.company_uid, person.is_registered) == (None, None, None)
    assert (person.name, person.sex) == ("Pierre", "M")


def test_blank_text_is_absent_and_a_company_keeps_a_blank_name():
    built = debtor.build(
        {"company": "  ", "address.city": " Bern ", "phone1": "", "is_registered": None},
        True,
    )
    assert built.company == ""  # still a legal person: validation names the company
    assert built.address.city == "Bern"
    assert built.phone1 is None
    assert built.is_registered is False
    case = Case(external_ref="X", certificate_of_loss=False, debtor=built, claim=None)
    assert "debtor.company" in {problem.field for problem in validate_case(case)}


def test_applies():
    company = next(row for row in debtor.FIELDS if row.field == "debtor_uid")
    sex = next(row for row in debtor.FIELDS if row.field == "debtor_sex")
    email = next(row for row in debtor.FIELDS if row.field == "debtor_email")
    assert company.applies(True) and not company.applies(False)
    assert sex.applies(False) and not sex.applies(True)
    assert email.applies(True) and email.applies(False)
