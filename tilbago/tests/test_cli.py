"""``python -m tilbago``: run as a subprocess against the sandbox; output and exit codes."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tilbago.payload import Case

ROOT = Path(__file__).resolve().parents[2]
CASE_FILE = Path(__file__).resolve().parent / "data" / "case_epsitec.json"


def run(*args, env=None, timeout=20):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TILBAGO_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "tilbago", *map(str, args)], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(sandbox, api_key):
    return {"TILBAGO_BASE_URL": sandbox.url, "TILBAGO_API_KEY": api_key}


def _case_json(tmp_path, mutate=None, name="case.json"):
    data = json.loads(CASE_FILE.read_text(encoding="utf-8"))
    if mutate:
        mutate(data)
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_create_status_attach(sandbox, env, tmp_path):
    created = run("create-case", CASE_FILE, env=env)
    assert created.returncode == 0, created.stderr
    case_id = json.loads(created.stdout)["caseId"]
    [case] = sandbox.cases()
    assert case["caseId"] == case_id
    expected = Case.from_wire(json.loads(CASE_FILE.read_text(encoding="utf-8"))).to_wire()
    assert case["body"] == expected
    assert case["body"]["claim"]["amount"] == 1256560

    status = run("status", case_id, env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["statusCode"] == "SBX-100"  # no review asked
    assert set(json.loads(status.stdout)) == {"statusCode", "description", "eSchKGCode"}

    document = tmp_path / "Acte de défaut de biens.pdf"
    document.write_bytes(b"%PDF-1.4 acte")
    attached = run("attach", case_id, document, env=env)
    assert attached.returncode == 0, attached.stderr
    attachment_id = json.loads(attached.stdout)["attachmentId"]
    [stored] = sandbox.case(case_id)["attachments"]
    assert stored["attachmentId"] == attachment_id
    assert stored["filename"] == "Acte de défaut de biens.pdf"
    assert "Content-Type" not in stored["headers"]


def test_options_before_or_after_the_command(sandbox, api_key):
    before = run("--base-url", sandbox.url, "--api-key", api_key, "create-case", CASE_FILE)
    assert before.returncode == 0, before.stderr
    case_id = json.loads(before.stdout)["caseId"]
    after = run("status", case_id, "--base-url", sandbox.url, "--api-key", api_key)
    assert after.returncode == 0, after.stderr
    # a flag wins over the environment
    flagged = run("status", case_id, "--api-key", api_key,
                  env={"TILBAGO_BASE_URL": sandbox.url, "TILBAGO_API_KEY": "wrong"})
    assert flagged.returncode == 0


def test_invalid_case_lists_every_problem_and_sends_nothing(sandbox, env, tmp_path):
    def break_it(data):
        data["debtor"]["companyUid"] = "CHE-107.933.851"
        data["debtor"]["address"]["zip"] = "140"
        data["claim"]["collocationClass"] = "4"

    result = run("create-case", _case_json(tmp_path, break_it), env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "debtor.companyUid", "debtor.address.zip", "claim.collocationClass"]
    assert sandbox.requests == [] and sandbox.cases() == []


@pytest.mark.parametrize("content, message", [
    ('{"externalRef": "x",', "not valid JSON (line 1"),
    ("[1, 2]", "JSON object"),
    ("", "not valid JSON"),
])
def test_bad_json_exits_2(sandbox, env, tmp_path, content, message):
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    result = run("create-case", path, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert sandbox.requests == []


def test_missing_file_exits_2(sandbox, env, tmp_path):
    result = run("create-case", tmp_path / "nope.json", env=env)
    assert result.returncode == 2
    assert "cannot read" in result.stderr
    result = run("attach", "some-case", tmp_path / "nope.pdf", env=env)
    assert result.returncode == 2
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = run("attach", "some-case", empty, env=env)
    assert result.returncode == 2 and "empty" in result.stderr
    assert sandbox.requests == []


def test_missing_base_url_or_key_exits_2(sandbox, api_key):
    result = run("create-case", CASE_FILE)
    assert result.returncode == 2
    assert "TILBAGO_BASE_URL" in result.stderr and "TILBAGO_API_KEY" in result.stderr
    result = run("status", "x", env={"TILBAGO_BASE_URL": sandbox.url})
    assert result.returncode == 2 and "TILBAGO_API_KEY" in result.stderr
    result = run("status", "x", "--base-url", "not a url", "--api-key", api_key)
    assert result.returncode == 2
    assert sandbox.requests == []


def test_usage_error_exits_2():
    assert run().returncode == 2
    assert run("fly").returncode == 2
    assert run("status").returncode == 2
    assert run("--help").returncode == 0


def test_refused_by_tilbago_exits_3(env):
    wrong = run("status", "x", env=dict(env, TILBAGO_API_KEY="wrong-key-8d2f"))
    assert wrong.returncode == 3
    assert json.loads(wrong.stdout) == {"status": 401, "message": "invalid or missing api_key"}
    assert "wrong-key-8d2f" not in wrong.stdout + wrong.stderr
    assert run("create-case", CASE_FILE, env=env).returncode == 0
    duplicate = run("create-case", CASE_FILE, env=env)
    assert duplicate.returncode == 3
    assert "already exists" in json.loads(duplicate.stdout)["message"]
    unknown = run("status", "no-such-case", env=env)
    assert unknown.returncode == 3
    assert json.loads(unknown.stdout)["status"] == 404


def test_balance_spent_exits_3(sandbox, env):
    sandbox.set_balance(0)
    result = run("create-case", CASE_FILE, env=env)
    assert result.returncode == 3
    assert json.loads(result.stdout)["status"] == 402


def test_transport_and_server_failures_exit_4(sandbox, env, closed_port, api_key):
    down = run("status", "x", "--base-url", "http://127.0.0.1:%d/v1/" % closed_port,
               "--api-key", api_key, "--retries", "0")
    assert down.returncode == 4
    assert "could not reach tilbago" in down.stderr
    sandbox.fail_next(status=500, method="PUT")
    failed = run("create-case", CASE_FILE, env=env)
    assert failed.returncode == 4
    assert json.loads(failed.stdout)["status"] == 500
    sandbox.fail_next(status=200, body="<html>maintenance</html>")
    garbled = run("status", "x", env=env)
    assert garbled.returncode == 4
    assert "not JSON" in garbled.stderr
    assert api_key not in down.stderr + failed.stderr + garbled.stderr


def test_check(sandbox, env):
    ok = run("check", env=env)
    assert (ok.returncode, json.loads(ok.stdout)) == (0, {"keyAccepted": True})
    refused = run("check", env=dict(env, TILBAGO_API_KEY="wrong"))
    assert (refused.returncode, json.loads(refused.stdout)) == (3, {"keyAccepted": False})
    assert sandbox.cases() == []


def test_sandbox_command(tmp_path):
    data = tmp_path / "sandbox.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TILBAGO_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tilbago", "sandbox", "--port", "0", "--data", str(data),
         "--api-key", "demo-key", "--step-seconds", "0"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        url = json.loads(process.stdout.readline())["url"]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1/")
        env = {"TILBAGO_BASE_URL": url, "TILBAGO_API_KEY": "demo-key"}
        created = run("create-case", CASE_FILE, env=env)
        assert created.returncode == 0, created.stderr
        case_id = json.loads(created.stdout)["caseId"]
        assert run("status", case_id, env=env).returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "demo-key" not in err  # a key given on the command line is not echoed
    saved = json.loads(data.read_text(encoding="utf-8"))
    assert list(saved["cases"]) == [case_id]


def test_sandbox_advance_releases_the_review_then_steps(sandbox, env, tmp_path):
    def review(data):
        data["status"] = "002"

    created = run("create-case", _case_json(tmp_path, review), env=env)
    case_id = json.loads(created.stdout)["caseId"]
    assert sandbox.case(case_id)["statusCode"] == "002"
    released = run("sandbox-advance", case_id, "--sandbox", sandbox.url)
    assert released.returncode == 0, released.stderr
    assert json.loads(released.stdout)["statusCode"] == "SBX-100"
    moved = run("sandbox-advance", case_id, "--to", "SBX-300", "--sandbox", sandbox.root_url)
    assert json.loads(moved.stdout)["statusCode"] == "SBX-300"
    refused = run("sandbox-advance", "no-such-case", "--sandbox", sandbox.root_url)
    assert refused.returncode == 3
    assert "not found" in refused.stderr
