"""Shared fixtures of the plain-Python suite: valid cases built as the Odoo layer would.

``epsitec_case`` is the legal-person example of the Crésus manual (``tilbago.examples``);
``natural_case`` a natural-person debtor. Each fixture returns a fresh object, already in
normalised form, so ``Case.from_wire(case.to_wire()) == case``.
"""

import pytest

from tilbago.examples import epsitec_case as make_epsitec_case
from tilbago.examples import epsitec_wire as make_epsitec_wire
from tilbago.examples import natural_case as make_natural_case


@pytest.fixture
def epsitec_case():
    """Epsitec SA (``tilbago.examples.EPSITEC``): CHF 12'565.60 at 4 % from 2020-12-20."""
    return make_epsitec_case()


@pytest.fixture
def natural_case():
    """A natural-person debtor (Gwenaëlle Jamois, Zürich), CHF 1'000 at 5 %."""
    return make_natural_case()


# -- the local sandbox and a client talking to it (tilbago.sandbox, tilbago.client) --------

#: the key the test sandbox accepts; distinctive, so tests can look for leaks of it
SANDBOX_API_KEY = "sbx-test-key-4f1c9e2a"


@pytest.fixture
def api_key():
    return SANDBOX_API_KEY


@pytest.fixture
def epsitec_wire():
    """The Epsitec SA request as a hand-written wire dict (``tilbago.examples``)."""
    return make_epsitec_wire()


@pytest.fixture(scope="session")
def _sandbox_server(tmp_path_factory):
    from tilbago.sandbox import Sandbox

    data = tmp_path_factory.mktemp("sandbox") / "sandbox.json"
    server = Sandbox(api_key=SANDBOX_API_KEY, data_path=str(data), step_seconds=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(_sandbox_server):
    """A sandbox on a free loopback port, data in a temp file, statuses moved on demand.

    One server for the session, emptied before each test (cases, balance, faults, request
    log, latency), so every test starts from a fresh sandbox.
    """
    from tilbago.sandbox import DEFAULT_BALANCE

    server = _sandbox_server
    server.latency_ms = 0
    server.step_seconds = 0
    server.initial_balance = DEFAULT_BALANCE
    server.reset()
    return server


@pytest.fixture
def client(sandbox):
    """A client of the ``sandbox`` fixture: short timeouts, GET retried twice, no backoff."""
    from tilbago.client import TilbagoClient

    with TilbagoClient(sandbox.url, SANDBOX_API_KEY, timeout=(2, 5), retries=2,
                       backoff_factor=0) as tilbago:
        yield tilbago


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
