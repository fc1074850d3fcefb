"""The sandbox's state: keys, balances, cases, their statuses over time, attachments.

Pure Python, no socket: the HTTP handler calls it, and so can a test or a benchmark
(``SandboxState(["key"]).create_case(hash_key("key"), body, {})``). Time comes from an
injected ``clock`` (``time.time`` by default), so a test moves a case by moving the clock.
A refusal is a :class:`SandboxError` carrying the HTTP status the handler answers.

Cases and attachment metadata persist in a JSON file when ``data_path`` is given, written
atomically (temp file + rename); an API key is never stored, only its SHA-256.
"""

import copy
import hashlib
import json
import os
import tempfile
import threading
import time
import uuid

from .. import status as statuses
from .contract import case_claims, check_case_body

DEFAULT_BALANCE = 1000
#: seconds between two enforcement steps: a demo sees a case move within the hour, a
#: refresh right after sending sees nothing move (0/None: only on demand)
DEFAULT_STEP_SECONDS = 300.0


class SandboxError(Exception):
    """A refusal: the handler answers ``status`` with ``{"message": ..., **extra}``."""

    def __init__(self, status, message, extra=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}

    def payload(self):
        """The JSON body of the answer."""
        return {"message": self.message, **self.extra}


def hash_key(api_key):
    """How a key is known (and stored): its SHA-256, never the key itself."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def _empty_state():
    return {"version": 1, "balances": {}, "cases": {}}


def status_answer(case, lang="en"):
    """The ``GET case/{id}/status`` answer for a stored case."""
    entry = statuses.CODES[case["statusCode"]]
    return {"statusCode": entry.code,
            "description": statuses.describe(entry.code, lang),
            "eSchKGCode": entry.eschkg_code}


def next_step(case):
    """The code after the case's current one on its path; None at its end or off it."""
    path, code = case["path"], case["statusCode"]
    if code in path and path.index(code) < len(path) - 1:
        return path[path.index(code) + 1]
    return None


class SandboxState:
    """Every case of the sandbox, thread-safe (one re-entrant lock).

    :param api_keys: the keys accepted (non-empty strings)
    :param data_path: JSON file to persist the state in (None: memory only)
    :param balance: cases each key may still open (None: unlimited)
    :param step_seconds: seconds per enforcement step (0/None: only on demand)
    :param clock: time source (seconds since the epoch)
    """

    def __init__(self, api_keys, data_path=None, balance=DEFAULT_BALANCE,
                 step_seconds=DEFAULT_STEP_SECONDS, clock=time.time):
        keys = list(api_keys)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise ValueError("the sandbox needs at least one non-empty api_key")
        self.key_hashes = {hash_key(k) for k in keys}
        self.data_path = data_path
        self.initial_balance = balance
        self.step_seconds = step_seconds
        self.clock = clock
        self.lock = threading.RLock()
        self._state = _empty_state()
        self._load()

    # -- persistence --

    def _load(self):
        if not self.data_path or not os.path.exists(self.data_path):
            return
        with open(self.data_path, encoding="utf-8") as handle:
            state = json.load(handle)
        if not isinstance(state, dict) or not isinstance(state.get("cases"), dict):
            raise ValueError("%s is not a sandbox data file" % self.data_path)
        state.setdefault("balances", {})
        self._state = state

    def _save(self):
        if not self.data_path:
            return
        directory = os.path.dirname(os.path.abspath(self.data_path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._state, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.data_path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def save_to(self, data_path):
        """Write the whole state to ``data_path`` and persist there from now on.

        A state built in memory (many cases opened at once, as a benchmark does: a
        memory-only state does not rewrite its file after every case) is saved once,
        then served by another sandbox process started on that file."""
        with self.lock:
            self.data_path = data_path
            self._save()

    # -- balances --

    def _balance(self, key_hash):
        balances = self._state["balances"]
        if key_hash not in balances:
            balances[key_hash] = self.initial_balance
        return balances[key_hash]

    def balance(self, api_key=None):
        """Cases the key (default: the first key) may still open; None = unlimited."""
        with self.lock:
            key_hash = hash_key(api_key) if api_key else sorted(self.key_hashes)[0]
            return self._balance(key_hash)

    def set_balance(self, balance, api_key=None):
        """Set the balance of one key, or of every key."""
        with self.lock:
            hashes = [hash_key(api_key)] if api_key else list(self.key_hashes)
            for key_hash in hashes:
                self._state["balances"][key_hash] = balance
            self._save()

    def reset(self):
        """Forget every case and restore the starting balance."""
        with self.lock:
            self._state = _empty_state()
            self._save()

    # -- cases and their statuses --

    def cases(self):
        """Every case (current status computed), as copies of JSON-able dicts."""
        with self.lock:
            changed = [self._progress(case) for case in self._state["cases"].values()]
            if any(changed):
                self._save()
            return copy.deepcopy(list(self._state["cases"].values()))

    def case(self, case_id):
        """One case (a copy, current status computed), or None."""
        with self.lock:
            case = self._state["cases"].get(case_id)
            if case is None:
                return None
            if self._progress(case):
                self._save()
            return copy.deepcopy(case)

    def _progress(self, case):
        """Move ``case`` along its path by elapsed time; True when it moved."""
        step = self.step_seconds
        path = case["path"]
        if not step or step <= 0 or case["statusCode"] not in path:
            return False
        if case["statusCode"] == statuses.REVIEW:
            return False  # waits for the user's review, however long it takes
        index = path.index(case["statusCode"])
        steps = min(int((self.clock() - case["statusSince"]) // step), len(path) - 1 - index)
        for n in range(1, steps + 1):
            at = case["statusSince"] + step
            case["statusSince"] = at
            case["statusCode"] = path[index + n]
            case["history"].append({"statusCode": path[index + n], "at": at})
        return steps > 0

    def _stored(self, case_id):
        case = self._state["cases"].get(case_id)
        if case is None:
            raise KeyError(case_id)
        return case

    def advance(self, case_id, to=None):
        """Move a case one step along its path, or to the code ``to``; return its status.

        Raises KeyError for an unknown case, ValueError for an unknown code or a case
        off its path or already at its end.
        """
        with self.lock:
            case = self._stored(case_id)
            self._progress(case)
            if to is not None:
                if to not in statuses.CODES:
                    raise ValueError("unknown status code %r" % to)
                target = to
            elif case["statusCode"] not in case["path"]:
                raise ValueError("case is at %s, off its path: give ?to=CODE"
                                 % case["statusCode"])
            else:
                target = next_step(case)
                if target is None:
                    raise ValueError("case is already at the last step (%s)"
                                     % case["statusCode"])
            now = self.clock()
            case["statusCode"] = target
            case["statusSince"] = now
            case["history"].append({"statusCode": target, "at": now})
            self._save()
            return status_answer(case)

    def release(self, case_id):
        """The user's review done: a case at 002 goes to the office (SBX-100).

        Raises KeyError for an unknown case, ValueError when it is not waiting for review.
        """
        with self.lock:
            case = self._stored(case_id)
            if case["statusCode"] != statuses.REVIEW:
                raise ValueError("case is at %s, not waiting for review (002)"
                                 % case["statusCode"])
            return self.advance(case_id, statuses.SUBMITTED)

    # -- the API of one key: what the handler calls --

    def owned_case(self, key_hash, case_id):
        """The stored case ``case_id`` of the key; SandboxError 404 for another's."""
        with self.lock:
            case = self._state["cases"].get(case_id)
            if case is None or case["owner"] != key_hash:
                raise SandboxError(404, "case %s not found" % case_id)
            return case

    def _duplicates(self, key_hash, body):
        """The externalRefs the key already used: (the case's, its claims')."""
        if not isinstance(body, dict) or not isinstance(body.get("externalRef"), str):
            return [], []
        owned = [case for case in self._state["cases"].values() if case["owner"] == key_hash]
        case_errors = []
        if any(case["externalRef"] == body["externalRef"] for case in owned):
            case_errors.append({"field": "externalRef",
                                "message": 'externalRef: a case with externalRef "%s" '
                                           'already exists' % body["externalRef"]})
        claim_refs = {ref for case in owned for ref in case["claimRefs"]}
        claim_errors = [{"field": prefix + "externalRef",
                         "message": '%sexternalRef: a claim with externalRef "%s" already '
                                    'exists' % (prefix, claim["externalRef"])}
                        for prefix, claim in case_claims(body)
                        if isinstance(claim.get("externalRef"), str)
                        and claim["externalRef"] in claim_refs]
        return case_errors, claim_errors

    def create_case(self, key_hash, body, headers):
        """``PUT case``: check, charge the balance, store; ``{"caseId": ...}``."""
        errors = check_case_body(body)
        with self.lock:
            # the case's own ref comes first, the claims' after the field rules
            case_errors, claim_errors = self._duplicates(key_hash, body)
            errors = case_errors + errors + claim_errors
            if isinstance(body, dict) and body.get("creditor") is not None:
                # the contract accepts a creditor only from an account filing as the
                # representative of another creditor; the addon files for itself
                errors.append({"field": "creditor", "message": "creditor: this account "
                               "does not file as representative of another creditor"})
            if errors:
                raise SandboxError(400, "; ".join(e["message"] for e in errors),
                                   {"errors": errors})
            balance = self._balance(key_hash)
            if balance is not None and balance <= 0:
                raise SandboxError(402, "insufficient account balance: no case can be "
                                        "opened")
            if balance is not None:
                self._state["balances"][key_hash] = balance - 1
            debtor = body["debtor"]
            registered = debtor.get("company") is not None and debtor.get("isRegistered")
            path = statuses.BANKRUPTCY_PATH if registered else statuses.SEIZURE_PATH
            # without "002" tilbago submits the request at once
            start = body.get("status") or statuses.SUBMITTED
            now = self.clock()
            case_id = str(uuid.uuid4())
            self._state["cases"][case_id] = {
                "caseId": case_id,
                "owner": key_hash,
                "externalRef": body["externalRef"],
                "claimRefs": [claim["externalRef"] for _, claim in case_claims(body)],
                "body": body,
                "headers": headers,
                "createdAt": now,
                "path": list(path),
                "statusCode": start,
                "statusSince": now,
                "history": [{"statusCode": start, "at": now}],
                "attachments": [],
            }
            self._save()
            return {"caseId": case_id}

    def status(self, key_hash, case_id, lang="en"):
        """``GET case/{id}/status`` of the key's case, moved along by the clock."""
        with self.lock:
            case = self.owned_case(key_hash, case_id)
            if self._progress(case):
                self._save()
            return status_answer(case, lang)

    def add_attachment(self, key_hash, case_id, filename, content, headers):
        """``PUT case/{id}/attachment``: keep the metadata; ``{"attachmentId": ...}``."""
        with self.lock:
            case = self.owned_case(key_hash, case_id)
            attachment = {
                "attachmentId": str(uuid.uuid4()),
                "filename": filename,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "headers": headers,
                "receivedAt": self.clock(),
            }
            case["attachments"].append(attachment)
            self._save()
            return {"attachmentId": attachment["attachmentId"]}
