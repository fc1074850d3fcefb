"""Which invoices a request may start from: the rules and their words."""

import datetime

import pytest

from tilbago import eligibility
from tilbago.eligibility import Invoice, count_reasons, invoice_reasons

TODAY = datetime.date(2024, 6, 1)


def _invoice(**changes):
    values = {
        "name": "INV/2024/0001",
        "move_type": "out_invoice",
        "posted": True,
        "currency": "CHF",
        "payment_state": "not_paid",
        "settled": False,
        "due_date": datetime.date(2024, 3, 31),
    }
    values.update(changes)
    return Invoice(**values)


def _words(invoice):
    return [reason.render() for reason in invoice_reasons(invoice, TODAY)]


def test_an_overdue_posted_chf_customer_invoice_may_be_claimed():
    assert invoice_reasons(_invoice(), TODAY) == []
    assert invoice_reasons(_invoice(payment_state="partial"), TODAY) == []


def test_a_credit_note_is_refused_and_nothing_else_is_said():
    assert _words(_invoice(move_type="out_refund", currency="EUR", posted=False)) == [
        "Credit note INV/2024/0001 is money you owe the customer: a credit note cannot "
        "go to debt collection."
    ]


def test_an_entry_that_is_not_a_customer_invoice_is_refused():
    assert _words(_invoice(move_type="in_invoice")) == [
        "Entry INV/2024/0001 is not a customer invoice."
    ]


def test_every_reason_at_once():
    reasons = invoice_reasons(_invoice(currency="EUR", settled=True), TODAY)
    assert [reason.template for reason in reasons] == [eligibility.NOT_CHF, eligibility.PAID]
    assert "is in EUR: a debt collection request is in Swiss francs" in reasons[0].render()


@pytest.mark.parametrize("state", sorted(eligibility.PAID_STATES))
def test_paid_states_are_refused(state):
    assert _words(_invoice(payment_state=state)) == ["Invoice INV/2024/0001 is already paid."]


def test_nothing_left_to_pay_is_paid_whatever_the_state():
    assert _words(_invoice(settled=True)) == ["Invoice INV/2024/0001 is already paid."]


def test_not_overdue_on_its_due_date_nor_without_one():
    assert _words(_invoice(due_date=TODAY)) == [
        "Invoice INV/2024/0001 is not overdue (due on 2024-06-01)."
    ]
    assert _words(_invoice(due_date=TODAY - datetime.timedelta(days=1))) == []
    assert _words(_invoice(due_date=None)) == [
        "Invoice INV/2024/0001 is not overdue (due on -)."
    ]


def test_a_draft_is_only_not_posted():
    draft = _invoice(posted=False, due_date=None, settled=True)
    assert _words(draft) == ["INV/2024/0001 is not posted."]


def test_rendered_through_a_translation_and_a_date_format():
    french = {eligibility.NOT_OVERDUE: "La facture %(invoice)s n'est pas échue (%(date)s)."}
    [reason] = invoice_reasons(_invoice(due_date=TODAY), TODAY)
    text = reason.render(lambda source: french.get(source, source),
                         lambda day: day.strftime("%d.%m.%Y"))
    assert text == "La facture INV/2024/0001 n'est pas échue (01.06.2024)."


def test_at_most_ten_invoices():
    assert count_reasons(10) == []
    [reason] = count_reasons(11)
    assert str(reason) == (
        "A debt collection request carries at most 10 claims; 11 invoices are selected."
    )
