"""Property-based: random Unicode text, numbers and dates through validation and payload.

Whatever a caller puts into a case, the plain layer either reports problems (never any
other exception) or builds a body whose every text is clean: NFC, no control, format,
line/paragraph separator, surrogate, private-use or unassigned character.
"""

import datetime
import json
import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilbago import validation as v
from tilbago.exceptions import InvalidPayload
from tilbago.payload import Address, Case, Claim, Debtor, ResponsiblePerson
from tilbago.validation import FieldValueError, check_case, validate_case

TODAY = datetime.date(2026, 6, 15)

#: any code point, surrogates included (Python strings may hold them)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
# text that looks like the real thing, with a bad character now and then
plausible = st.builds(
    lambda a, bad, b: a + bad + b,
    st.sampled_from(["Muster", "Zürich", "Rue du Lac", "CHE-107.933.850", "8001",
                     "de", "F", "CH", "+41 44 668 18 00", "a@b.ch", "5.0", "1990-01-01"]),
    st.sampled_from(["", "", "", "\u200b", "\n", "\x07", "\u202e", "\x00", "\u00a0",
                     "\t", "\ufeff", "\u2028", " ", "  ", "e\u0301"]),
    st.sampled_from(["", "", "12", " SA", "ä"]),
)
texts = st.one_of(st.none(), any_text, plausible)
numbers = st.one_of(
    st.none(),
    st.integers(min_value=-10**30, max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.text(st.sampled_from("0123456789.-+eE_ ,'\u0663"), max_size=12),
    st.booleans(),
)
dates = st.one_of(
    st.none(),
    st.dates(),
    st.datetimes(),
    texts,
)
anything = st.one_of(texts, numbers, dates, st.lists(st.integers(), max_size=2))


@st.composite
def addresses(draw):
    return Address(street=draw(texts), streetnumber=draw(texts),
                   zip=draw(st.one_of(texts, numbers)), city=draw(texts), pob=draw(texts))


@st.composite
def debtors(draw):
    legal = draw(st.booleans())
    values = dict(
        external_ref=draw(texts),
        address=draw(st.one_of(st.none(), addresses())),
        preferred_language=draw(texts),
        phone1=draw(texts),
        phone2=draw(texts),
        fax=draw(texts),
        email=draw(texts),
    )
    if legal:
        values.update(company=draw(texts), name_addon=draw(texts), company_uid=draw(texts),
                      legal_seat=draw(texts), contact_person=draw(texts),
                      is_registered=draw(st.one_of(st.none(), st.booleans(), texts)))
    else:
        values.update(name=draw(texts), surname=draw(texts), sex=draw(texts),
                      date_of_birth=draw(dates), birth_name=draw(texts), title=draw(texts),
                      nationality=draw(texts))
    return Debtor(**values)


@st.composite
def claims(draw):
    return Claim(external_ref=draw(texts), amount=draw(numbers), reason=draw(texts),
                 interest_date_from=draw(dates), interest_rate=draw(numbers),
                 collocation_class=draw(st.one_of(texts, numbers)))


@st.composite
def cases(draw):
    return Case(
        external_ref=draw(texts),
        certificate_of_loss=draw(st.one_of(st.none(), st.booleans(), texts)),
        debtor=draw(st.one_of(st.none(), debtors())),
        claim=draw(st.one_of(st.none(), claims())),
        subsidiary_claims=draw(st.lists(claims(), max_size=2)),
        responsible_person=draw(st.one_of(st.none(), st.builds(ResponsiblePerson, texts))),
        source_ref_key=draw(texts),
        payee_reference=draw(texts),
        status=draw(texts),
    )


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _clean(text):
    return unicodedata.is_normalized("NFC", text) and not any(
        unicodedata.category(c) in v.FORBIDDEN_CATEGORIES for c in text)


PROFILE = settings(max_examples=250, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(cases())
def test_random_cases_either_fail_validation_or_are_clean(case):
    problems = validate_case(case, today=TODAY)  # never raises
    for problem in problems:
        assert problem.message and problem.field_label  # renders
    wire = case.to_wire()  # never raises
    if not problems:
        json.dumps(wire, ensure_ascii=False).encode("utf-8")
        for text in _strings(wire):
            assert _clean(text), text
        check_case(case, today=TODAY)
    else:
        try:
            check_case(case, today=TODAY)
        except InvalidPayload:
            pass
        else:
            raise AssertionError("check_case let a case with problems through")


@PROFILE
@given(debtor=debtors(), claim=claims())
def test_valid_parts_of_a_good_case(debtor, claim):
    # a good case with one random part: either refused or clean
    from tilbago.examples import epsitec_case

    for part in ("debtor", "claim"):
        case = epsitec_case()
        setattr(case, part, debtor if part == "debtor" else claim)
        problems = validate_case(case, today=TODAY)
        if not problems:
            for text in _strings(case.to_wire()):
                assert _clean(text), text


CHECKERS = [
    v.normalize_uid, v.normalize_phone, v.check_zip, v.check_email, v.check_interest_rate,
    v.check_nationality, v.check_language, v.check_sex, v.check_iban, v.check_url,
    lambda value: v.check_date_of_birth(value, today=TODAY),
]


@PROFILE
@given(anything)
def test_field_checkers_raise_only_their_own_error(value):
    for checker in CHECKERS:
        try:
            result = checker(value)
        except FieldValueError as exc:
            assert str(exc)
            continue
        if isinstance(result, str):
            assert _clean(result), (checker, value, result)
        else:
            assert isinstance(result, Decimal)


@PROFILE
@given(st.one_of(any_text, plausible))
def test_text_fields_with_forbidden_characters_never_pass(text):
    from tilbago.examples import natural_case

    case = natural_case()
    case.debtor.surname = text
    case.debtor.address.city = text
    case.claim.reason = text
    problems = validate_case(case, today=TODAY)
    stripped = text.strip()
    if any(unicodedata.category(c) in v.FORBIDDEN_CATEGORIES for c in stripped):
        fields = {p.field for p in problems}
        assert {"debtor.surname", "debtor.address.city", "claim.reason"} <= fields


TEXT_PATHS = [
    "external_ref", "debtor.external_ref", "debtor.name", "debtor.surname",
    "debtor.birth_name", "debtor.title", "debtor.address.street",
    "debtor.address.streetnumber", "debtor.address.city", "debtor.address.pob",
    "claim.external_ref", "claim.reason", "source_ref_key", "payee_reference",
]


@PROFILE
@given(st.sampled_from(TEXT_PATHS), st.one_of(any_text, plausible),
       st.one_of(st.dates(), st.none()))
def test_one_random_text_in_a_good_case(path, text, birth):
    from tilbago.examples import natural_case

    case = natural_case()
    case.debtor.date_of_birth = birth
    *parents, attr = path.split(".")
    target = case
    for name in parents:
        target = getattr(target, name)
    setattr(target, attr, text)
    problems = validate_case(case, today=TODAY)
    if not problems:
        for value in _strings(case.to_wire()):
            assert _clean(value), (path, text)
    elif birth is not None and (birth > TODAY or birth.year < 1900):
        assert "debtor.dateOfBirth" in {p.field for p in problems}
