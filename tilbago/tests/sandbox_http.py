"""Raw HTTP to the sandbox for its tests (requests, not tilbago.client), and a fake clock.

So the tests check the stand-in itself, independently of the client.
"""

import json

import requests


def put_case(sandbox, body, key=None, raw=None):
    response = requests.put(
        sandbox.url + "case", data=raw if raw is not None else json.dumps(body),
        headers={"api_key": key or default_key(), "Content-Type": "application/json"},
        timeout=5)
    return response.status_code, response.json()


def default_key():
    """The key of the session's ``sandbox`` fixture."""
    from conftest import SANDBOX_API_KEY

    return SANDBOX_API_KEY


def get_status(sandbox, case_id, key=None, lang=None):
    headers = {"api_key": key or default_key()}
    if lang:
        headers["Accept-Language"] = lang
    response = requests.get(sandbox.url + "case/%s/status" % case_id, headers=headers,
                            timeout=5)
    return response.status_code, response.json()


def put_attachment(sandbox, case_id, content, headers=None, key=None):
    sent = {"api_key": key or default_key(),
            "Content-Disposition": 'attachment; filename="acte.pdf"'}
    sent.update(headers or {})
    sent = {k: v for k, v in sent.items() if v is not None}
    response = requests.put(sandbox.url + "case/%s/attachment" % case_id, data=content,
                            headers=sent, timeout=5)
    return response.status_code, response.json()


def sbx(sandbox, method, path, **kwargs):
    response = requests.request(method, sandbox.root_url + "_sandbox/" + path, timeout=5,
                                **kwargs)
    return response.status_code, response.json()


def natural_wire():
    from conftest import make_natural_case

    return make_natural_case().to_wire()


class FakeClock:
    """A clock a test moves by hand: ``clock.now += 60``."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now
