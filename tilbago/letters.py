"""Reminder letters to a debtor: the greeting and the default interest, no Odoo.

The greeting is a fixed formula of each language, not a translation of an English
text: a company is greeted as a whole ("Sehr geehrte Damen und Herren"), a person by
title and name ("Sehr geehrte Frau Muster", "Dear Mrs. Smith").
"""

from . import money, swiss

#: greeting of a company (or of a person without a known name), by language
COMPANY_GREETINGS = {
    "de": "Sehr geehrte Damen und Herren",
    "fr": "Mesdames, Messieurs",
    "it": "Gentili Signore e Signori",
    "en": "Dear Sir or Madam",
}
#: greeting of a person: by language, then by the title's gender ("f", "m", None)
PERSON_GREETINGS = {
    "de": {"f": "Sehr geehrte {title} {name}", "m": "Sehr geehrter {title} {name}",
           None: "Guten Tag {title} {name}"},
    "fr": {"f": "{title} {name}", "m": "{title} {name}", None: "Bonjour {title} {name}"},
    "it": {"f": "Gentile {title} {name}", "m": "Egregio {title} {name}",
           None: "Gentile {title} {name}"},
    "en": {"f": "Dear {title} {name}", "m": "Dear {title} {name}", None: "Dear {title} {name}"},
}


def language(code):
    """"de", "fr", "it" or "en" for a language code such as "de_CH" (English otherwise)."""
    short = (code or "").split("_")[0].lower()
    return short if short in COMPANY_GREETINGS else "en"


def greeting(lang, is_company, name="", title="", gender=None):
    """The salutation of a letter, without the comma that follows it.

    :param lang: the letter's language code ("de_CH", "fr", ...)
    :param is_company: the debtor is a company (or has no name)
    :param title: the person's title as written in the letter's language ("Frau",
        "Madame", "Mrs."), may be empty
    :param gender: "f" or "m" when the title tells it, else None
    """
    short = language(lang)
    name = (name or "").strip()
    if is_company or not name:
        return COMPANY_GREETINGS[short]
    formula = PERSON_GREETINGS[short][gender if gender in ("f", "m") else None]
    return " ".join(formula.format(title=(title or "").strip(), name=name).split())


def default_interest(amount, rate, due_date, to_date):
    """Default interest on ``amount`` from the day after ``due_date`` to ``to_date``.

    ``rate`` is the contractual rate in % a year, or the legal 5 % (OR 104 al. 1) when
    none (0 or empty) is given. :return: ``(rate, start day, interest)``, interest a
    Decimal rounded to the Rappen (see :func:`tilbago.swiss.interest`).
    """
    rate = money.to_decimal(rate or 0) or swiss.DEFAULT_INTEREST_RATE
    start = swiss.interest_start(due_date)
    return rate, start, swiss.interest(amount, rate, start, to_date)
