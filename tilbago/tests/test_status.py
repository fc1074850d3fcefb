"""tilbago.status: the one table of status codes and their stages."""

import pytest

from tilbago import sandbox, status


def test_real_review_code_is_review():
    assert status.classify("002") == "review"
    assert status.CODES["002"].origin == "tilbago"
    assert status.CODES["002"].eschkg_code is None


@pytest.mark.parametrize("code, stage", [
    ("SBX-100", "submitted"),
    ("SBX-200", "payment_order"),
    ("SBX-210", "payment_order"),
    ("SBX-300", "opposition"),
    ("SBX-310", "payment_order"),
    ("SBX-400", "continuation"),
    ("SBX-500", "seizure"),
    ("SBX-510", "continuation"),
    ("SBX-600", "certificate_of_loss"),
    ("SBX-900", "closed"),
])
def test_sandbox_codes_are_classified(code, stage):
    assert status.classify(code) == stage
    assert status.is_sandbox_code(code)


@pytest.mark.parametrize("code", ["003", "999", "", "sbx-100", "SBX-999", None, 2, "02"])
def test_unknown_codes_are_never_guessed(code):
    assert status.classify(code) is None
    assert status.describe(code) is None


def test_every_code_has_a_known_stage_and_both_languages():
    for code, entry in status.CODES.items():
        assert entry.stage in status.STAGES
        assert entry.description_en and entry.description_fr
        assert entry.description_en != entry.description_fr
        if entry.origin == "sandbox":
            assert code.startswith(status.SANDBOX_PREFIX)
            assert entry.description_en.startswith("[sandbox]")
        else:
            assert not status.is_sandbox_code(code)


def test_every_stage_is_reachable():
    assert {entry.stage for entry in status.CODES.values()} == set(status.STAGES)


def test_describe_by_language():
    assert "20 days" in status.describe("SBX-210", "en")
    assert "20 jours" in status.describe("SBX-210", "fr-CH")
    assert status.describe("SBX-210", None) == status.describe("SBX-210", "en")


def test_paths_use_known_codes_and_end_where_the_law_says():
    for path in (status.SEIZURE_PATH, status.BANKRUPTCY_PATH):
        assert path[0] == status.REVIEW
        assert all(code in status.CODES for code in path)
        assert len(set(path)) == len(path)
    # enforcement by seizure ends with a certificate of loss (SchKG 115, 149)
    assert status.classify(status.SEIZURE_PATH[-1]) == "certificate_of_loss"
    assert status.SEIZURE in status.SEIZURE_PATH
    # registered debtors go by bankruptcy (SchKG 39): warning, never a seizure
    assert status.BANKRUPTCY_WARNING in status.BANKRUPTCY_PATH
    assert status.SEIZURE not in status.BANKRUPTCY_PATH
    # the opposition is a branch reached on demand, not the default path
    assert status.OPPOSITION not in status.SEIZURE_PATH + status.BANKRUPTCY_PATH


def test_the_sandbox_uses_this_very_table():
    assert sandbox.statuses is status


def test_advice_says_what_a_status_asks_of_the_creditor():
    from tilbago.status import ADVICE, advice

    assert "paid the debt collection office" in advice(status.PAID)
    assert "record the payment" in advice(status.PAID)
    assert "release" in advice(status.REVIEW)
    assert "objection" in advice(status.OPPOSITION)
    assert advice(status.SUBMITTED) is None
    assert advice(None) is None
    assert set(ADVICE) <= set(status.CODES)
    # no criminal-law wording: Swiss practice says debt collection request, objection
    for entry in status.CODES.values():
        assert "prosecution" not in entry.description_en.lower()
        assert "opposition" not in entry.description_en.lower()
