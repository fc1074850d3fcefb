"""Greetings and default interest of the reminder letters (tilbago.letters), no Odoo."""

import datetime
from decimal import Decimal

import tilbago.letters as letters

D = datetime.date


def test_company_greetings_in_each_language():
    assert letters.greeting("de_CH", True, "Epsitec SA") == "Sehr geehrte Damen und Herren"
    assert letters.greeting("fr_CH", True, "Epsitec SA") == "Mesdames, Messieurs"
    assert letters.greeting("it_IT", True, "Epsitec SA") == "Gentili Signore e Signori"
    assert letters.greeting("en_US", True, "Epsitec SA") == "Dear Sir or Madam"
    assert letters.greeting("rm_CH", True, "X") == "Dear Sir or Madam", "English otherwise"


def test_person_greeted_by_title_and_name():
    assert letters.greeting("de_CH", False, "Anna Muster", "Frau", "f") == (
        "Sehr geehrte Frau Anna Muster"
    )
    assert letters.greeting("de_CH", False, "Hans Muster", "Herr", "m") == (
        "Sehr geehrter Herr Hans Muster"
    )
    assert letters.greeting("de", False, "Hans Muster") == "Guten Tag Hans Muster"
    assert letters.greeting("fr_CH", False, "Jean Dupont", "Monsieur", "m") == (
        "Monsieur Jean Dupont"
    )
    assert letters.greeting("it_IT", False, "Maria Rossi", "Signora", "f") == (
        "Gentile Signora Maria Rossi"
    )
    assert letters.greeting("en_US", False, "John Smith", "Mr.", "m") == "Dear Mr. John Smith"
    # a person without a name is greeted as a company is
    assert letters.greeting("de_CH", False, "") == "Sehr geehrte Damen und Herren"


def test_default_interest_legal_rate_and_contractual_rate():
    rate, start, amount = letters.default_interest(1000, "0", D(2026, 1, 31), D(2026, 3, 1))
    assert (rate, start) == (Decimal("5"), D(2026, 2, 1))
    # 30E/360: 1 Feb to 1 Mar = 30 days: 1000 x 5 % x 30 / 360
    assert amount == Decimal("4.17")
    rate, _start, amount = letters.default_interest(1000, "8.00000", D(2026, 1, 31), D(2026, 3, 1))
    assert (rate, amount) == (Decimal("8"), Decimal("6.67"))
    assert letters.default_interest(1000, 5, D(2026, 1, 31), D(2026, 1, 31))[2] == 0
