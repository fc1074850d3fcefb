"""The case folder on disk: names that cannot escape, atomic writes, no secret on disk."""

import csv
import json
import os

import pytest

from tilbago import storage
from tilbago.documents import MAX_ATTACHMENT_BYTES, check_document
from tilbago.sandbox import DEFAULT_MAX_ATTACHMENT_BYTES


# -- safe_name ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "..", ".", "../", "/etc/passwd", "/", "a/../../b", "..\\..\\boot.ini",
     "C:\\Windows\\system.ini", "\x00", "evil\x00.pdf", "....", " .. ", "sub/dir/file.pdf"],
)
def test_safe_name_never_leaves_the_folder(tmp_path, name):
    safe = storage.safe_name(name)
    assert safe and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    path = storage.safe_join(str(tmp_path), safe)
    assert os.path.dirname(path) == os.path.realpath(tmp_path)
    storage.write_atomic(str(tmp_path), safe, b"x")
    assert os.listdir(tmp_path) == [safe]


def test_safe_name_examples():
    assert storage.safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert storage.safe_name("/etc/passwd") == "_etc_passwd"
    assert storage.safe_name("evil\x00.pdf") == "evil.pdf"
    assert storage.safe_name("") == "file"
    assert storage.safe_name(None, default="case") == "case"
    assert storage.safe_name("..") == "file"
    assert storage.safe_name("INV/2024/0001.pdf") == "INV_2024_0001.pdf"
    assert storage.safe_name('a<b>c:d"e|f?g*h.pdf') == "a_b_c_d_e_f_g_h.pdf"
    assert storage.safe_name("report. ") == "report"
    assert storage.safe_name("line\nbreak\ttab.pdf") == "line break tab.pdf"


def test_safe_name_keeps_unicode_normalised():
    decomposed = "Zu\u0308rich Facture n\u00b0 5875 \u2013 \u00e9t\u00e9.pdf"
    safe = storage.safe_name(decomposed)
    assert safe == "Z\u00fcrich Facture n\u00b0 5875 \u2013 \u00e9t\u00e9.pdf"
    assert storage.safe_name("\u202egpj.exe") == "gpj.exe"  # right-to-left override dropped


@pytest.mark.parametrize("name", ["CON", "con.txt", "NUL.pdf", "aux", "COM1.csv", "lpt9", "PRN.tar.gz"])
def test_safe_name_reserved_windows_names(name):
    safe = storage.safe_name(name)
    assert safe == "_" + name


def test_safe_name_not_reserved_when_only_a_prefix():
    assert storage.safe_name("CONTRACT.pdf") == "CONTRACT.pdf"
    assert storage.safe_name("com10.pdf") == "com10.pdf"


def test_safe_name_truncated_keeps_extension():
    safe = storage.safe_name("\u00e9" * 300 + ".pdf")
    assert safe.endswith(".pdf")
    assert len(safe.encode("utf-8")) <= storage.MAX_NAME_BYTES
    safe.encode("utf-8").decode("utf-8")  # no half character


def test_safe_join_refuses_escape(tmp_path):
    for name in ("../x", "/etc/passwd", "a/b", "..", ""):
        with pytest.raises(storage.UnsafePath):
            storage.safe_join(str(tmp_path), name)


# -- write_atomic -----------------------------------------------------------------------
def test_write_atomic_only_when_changed(tmp_path):
    assert storage.write_atomic(str(tmp_path), "a.json", b"1")
    assert not storage.write_atomic(str(tmp_path), "a.json", b"1")
    assert storage.write_atomic(str(tmp_path), "a.json", b"22")
    assert (tmp_path / "a.json").read_bytes() == b"22"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temporary left
    assert oct((tmp_path / "a.json").stat().st_mode & 0o777) == oct(storage.FILE_MODE)


def test_write_atomic_replaces_a_symlink_not_its_target(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "case.json").symlink_to(outside)
    storage.write_atomic(str(folder), "case.json", b"new")
    assert outside.read_bytes() == b"keep me"
    assert not (folder / "case.json").is_symlink()


def test_write_atomic_failure_leaves_old_file(tmp_path, monkeypatch):
    storage.write_atomic(str(tmp_path), "a.json", b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.write_atomic(str(tmp_path), "a.json", b"new")
    assert (tmp_path / "a.json").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


# -- mirror_case ----------------------------------------------------------------------
def _mirror(root, **kwargs):
    args = {
        "summary": {"reference": "DE/2026/00001", "tilbago_id": "abc"},
        "request": {"externalRef": "DE-2026-00001-1A2B", "claim": {"amount": 12.5}},
        "history": [{"date": "2026-01-02 10:00:00", "state": "submitted",
                     "status_code": "SBX-100", "description": "Eingereicht, «ok»",
                     "eschkg_code": None}],
        "files": [("invoices", "INV/2026/0001.pdf", 3, lambda: b"pdf"),
                  ("documents", "../contract.pdf", 4, lambda: b"cont"),
                  ("documents", "contract.pdf", 2, lambda: b"c2")],
    }
    args.update(kwargs)
    return storage.mirror_case(str(root), "DE/2026/00001", **args)


def test_mirror_case_layout(tmp_path):
    folder, written = _mirror(tmp_path)
    assert folder == str(tmp_path / "DE_2026_00001")
    assert sorted(os.listdir(folder)) == [
        "case.json", "documents", "history.csv", "history.json", "invoices", "request.json"]
    assert (tmp_path / "DE_2026_00001/invoices/INV_2026_0001.pdf").read_bytes() == b"pdf"
    docs = sorted(os.listdir(os.path.join(folder, "documents")))
    assert docs == ["_contract.pdf", "contract.pdf"]
    request = json.loads((tmp_path / "DE_2026_00001/request.json").read_text("utf-8"))
    assert request["externalRef"] == "DE-2026-00001-1A2B"
    with open(os.path.join(folder, "history.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"date": "2026-01-02 10:00:00", "state": "submitted",
                     "status_code": "SBX-100", "description": "Eingereicht, «ok»",
                     "eschkg_code": ""}]
    assert "request.json" in written and "case.json" in written
    # nothing changed: nothing written again, documents not even loaded
    def never():
        raise AssertionError("loaded again")
    _folder, written = _mirror(tmp_path, files=[("invoices", "INV/2026/0001.pdf", 3, never)])
    assert written == []


def test_mirror_case_same_name_twice_gets_numbered(tmp_path):
    folder, _written = _mirror(tmp_path, files=[
        ("documents", "scan.pdf", 1, lambda: b"1"), ("documents", "SCAN.pdf", 1, lambda: b"2"),
        ("documents", "scan.pdf", 1, lambda: b"3")])
    assert sorted(os.listdir(os.path.join(folder, "documents"))) == [
        "SCAN (2).pdf", "scan (3).pdf", "scan.pdf"]


def test_mirror_case_never_writes_a_secret(tmp_path):
    key = "s3cr3t-api-key"
    folder, _written = _mirror(
        tmp_path,
        summary={"reference": "x", "api_key": key, "note": "key %s" % key},
        request={"externalRef": "r", "headers": {"api_key": key, "Accept": "json"},
                 "comment": "sent with " + key},
        history=[{"state": "x", "description": key}],
        secrets=(key,),
    )
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as handle:
                assert key.encode() not in handle.read(), name
    request = json.loads((tmp_path / "DE_2026_00001/request.json").read_text("utf-8"))
    assert request["headers"] == {"Accept": "json"}
    assert request["comment"] == "sent with ***"


def test_mirror_case_refuses_relative_root_and_symlinked_case_folder(tmp_path):
    with pytest.raises(storage.UnsafePath):
        storage.mirror_case("relative/path", "X", summary={})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "X").symlink_to(elsewhere)
    with pytest.raises(storage.UnsafePath):
        storage.mirror_case(str(root), "X", summary={})
    assert list(elsewhere.iterdir()) == []


def test_mirror_case_folder_taken_by_a_file(tmp_path):
    (tmp_path / "X").write_bytes(b"")
    with pytest.raises(OSError):
        storage.mirror_case(str(tmp_path), "X", summary={})


# -- the size limit, one place --------------------------------------------------------
def test_one_size_limit_for_sandbox_and_odoo():
    assert MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
    assert DEFAULT_MAX_ATTACHMENT_BYTES == MAX_ATTACHMENT_BYTES


def test_check_document():
    assert check_document("a.pdf", 1) == []
    assert check_document("a.pdf", MAX_ATTACHMENT_BYTES) == []
    [too_big] = check_document("a.pdf", MAX_ATTACHMENT_BYTES + 1)
    # one byte too large: the sizes are told apart, in bytes
    assert "10'485'761 bytes, larger than the 10'485'760 bytes" in too_big.message
    assert "10.0 MB" not in too_big.message and "a.pdf" in too_big.message
    [much_too_big] = check_document("a.pdf", 25 * 1024 * 1024)
    assert "is 25.0 MB, larger than the 10.0 MB" in much_too_big.message
    [empty] = check_document("a.pdf", 0)
    assert "empty" in empty.message and "a.pdf" in empty.message
    assert len(check_document("", 0)) == 2
