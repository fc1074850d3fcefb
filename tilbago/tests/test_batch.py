"""The requests a batch makes of one debtor's invoices (tilbago.batch)."""

import pytest

from tilbago.batch import claims_of, split_requests
from tilbago.swiss import MAX_CLAIMS


def test_one_request_up_to_the_limit():
    assert split_requests([1] * MAX_CLAIMS) == [list(range(MAX_CLAIMS))]
    assert split_requests([]) == []


def test_eleven_invoices_make_two_requests_oldest_first():
    assert split_requests([1] * 11) == [list(range(10)), [10]]


def test_fees_count_as_claims():
    weights = [claims_of(True)] * 7  # 7 invoices with fees: 14 claims
    assert split_requests(weights) == [[0, 1, 2, 3, 4], [5, 6]]
    # an invoice with fees that no longer fits starts the next request
    assert split_requests([1] * 9 + [2]) == [list(range(9)), [9]]


def test_every_request_within_the_limit():
    weights = [1, 2, 2, 1, 2, 2, 1, 1, 2, 2, 2, 1]
    requests = split_requests(weights)
    assert [i for request in requests for i in request] == list(range(len(weights)))
    assert all(sum(weights[i] for i in request) <= MAX_CLAIMS for request in requests)


def test_bad_weights_refused():
    with pytest.raises(ValueError):
        split_requests([0])
    with pytest.raises(ValueError):
        split_requests([MAX_CLAIMS + 1])
    with pytest.raises(ValueError):
        split_requests([1], max_claims=1)
