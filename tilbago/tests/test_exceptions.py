"""Each error class says its kind and its sentence; a translation fills the same words."""

import pytest

from tilbago import exceptions as exc
from tilbago.validation import validate_case

CONTEXT = {"ref": "CASE-1-ABCD", "settings": "Invoicing > Settings"}


@pytest.mark.parametrize("error, kind, words", [
    (exc.AuthenticationError(401, "bad key"), "auth",
     "tilbago refused the API key (401). A manager must check the key in Invoicing > "
     "Settings (generated in tilbago under My account > Company > Generate the API key)."),
    (exc.InsufficientBalance(402, "empty"), "balance",
     "tilbago refused the request because the balance of your tilbago account is spent "
     "(402). Top it up in tilbago, then retry."),
    (exc.Rejected(400, "debtor.address.zip: unknown"), "rejected",
     "tilbago refused the request (400): debtor.address.zip: unknown"),
    (exc.DuplicateReference(409, "externalRef exists"), "duplicate",
     "tilbago already has a case with the external reference CASE-1-ABCD: an earlier "
     "attempt reached tilbago although its answer was lost. Find the case in tilbago "
     "(search for the reference CASE-1-ABCD) and enter its tilbago case ID here. tilbago "
     "said: externalRef exists"),
    (exc.ServerError(503, "down"), "server",
     "tilbago failed to process the request (HTTP 503) and may or may not have opened "
     "the case. Retry later: the same request is sent again with the same reference, so "
     "no second case can be opened."),
    (exc.TransportError("timed out", exc.TransportError.TIMEOUT), "transport",
     "tilbago did not answer in time. " + exc.RETRY_SAFELY),
    (exc.TransportError("handshake", exc.TransportError.TLS), "transport",
     "The secure connection to tilbago failed. " + exc.RETRY_SAFELY),
    (exc.TransportError("refused"), "transport",
     "tilbago could not be reached. " + exc.RETRY_SAFELY),
    (exc.TransportError("odd", exc.TransportError.FAILED), "transport",
     "tilbago could not be reached. " + exc.RETRY_SAFELY),
    (exc.ProtocolError("not JSON"), "protocol",
     "tilbago answered something unexpected. Retry later."),
    (exc.ApiError(302, "moved"), "server", "tilbago reported an error. Retry later."),
    (exc.TilbagoError("?"), "server", "tilbago reported an error. Retry later."),
])
def test_kind_and_words_of_each_error(error, kind, words):
    assert error.error_kind == kind
    assert error.render(**CONTEXT) == words


def test_duplicate_without_an_earlier_attempt():
    error = exc.DuplicateReference(409, "taken")
    assert error.render(template=error.FIRST_ATTEMPT, **CONTEXT) == (
        "tilbago refused the request because a case with the external reference "
        "CASE-1-ABCD already exists in tilbago. If it is this case, enter its tilbago "
        "case ID here. tilbago said: taken"
    )


def test_invalid_payload_lists_every_problem(epsitec_case):
    epsitec_case.debtor.company_uid = "CHE-100.155.213"
    epsitec_case.debtor.address.zip = "140"
    error = exc.InvalidPayload(validate_case(epsitec_case))
    assert error.error_kind == "invalid" and error.detail is None
    lines = error.render().split("\n")
    assert lines[0] == "The request was not sent, the data are incomplete:"
    assert lines[1:] == ["- %s" % problem.message for problem in error.problems]


def test_the_translation_fills_the_same_placeholders():
    french = {
        exc.Rejected.template: "tilbago a refusé la requête (%(status)s) : %(message)s",
    }
    error = exc.Rejected(400, "zip")
    assert error.render(lambda text: french.get(text, text)) == (
        "tilbago a refusé la requête (400) : zip"
    )


def test_a_broken_translation_gives_the_english_words(caplog):
    error = exc.ServerError(500, "boom")
    broken = {exc.ServerError.template: "tilbago a échoué (%(statut)s)"}
    words = error.render(lambda text: broken.get(text, text))
    assert words == exc.ServerError(500, "boom").render()
    assert "Untranslatable" in caplog.text


def test_technical_detail_only_where_the_sentence_does_not_say_it():
    assert exc.ServerError(502, "bad gateway").detail == "HTTP 502: bad gateway"
    assert exc.Rejected(400, "debtor data").detail is None
    assert exc.DuplicateReference(409, "x").detail is None
    assert exc.TransportError("could not reach tilbago").detail == "could not reach tilbago"
