"""Many debtors at once: the requests a batch makes of one debtor's invoices.

A debt collection request carries at most :data:`~tilbago.swiss.MAX_CLAIMS` claims,
subsidiary claims included (eSchKG). An invoice is one claim, and one more when reminder
fees were charged on it (the requisition wizard claims them apart). A debtor whose
invoices make more claims than that gets several requests, oldest invoices first.
"""

from .swiss import MAX_CLAIMS


def claims_of(has_fee):
    """The claims an invoice makes in a request: itself, and its reminder fees if any."""
    return 2 if has_fee else 1


def split_requests(weights, max_claims=MAX_CLAIMS):
    """Split items, in their order, into requests of at most ``max_claims`` claims.

    ``weights`` are the claims of each item (see :func:`claims_of`), oldest first; each
    request takes the next items as long as they fit, so the oldest invoices go first
    and a request is never empty. Returns the requests as lists of item indexes.
    """
    if max_claims < 2:
        raise ValueError("a request must hold an invoice and its fees")
    requests, current, used = [], [], 0
    for index, weight in enumerate(weights):
        if weight < 1 or weight > max_claims:
            raise ValueError("an item makes 1 to %d claims, not %r" % (max_claims, weight))
        if current and used + weight > max_claims:
            requests.append(current)
            current, used = [], 0
        current.append(index)
        used += weight
    if current:
        requests.append(current)
    return requests
