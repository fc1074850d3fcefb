"""Mirror of a case in a folder on disk: safe file names, atomic writes.

Each case gets one folder under the company's storage folder (``tilbago_storage_path``)::

    <root>/<case reference>/
        case.json           what the case is now: ids, state, tilbago status, documents
        request.json        the request body exactly as sent (never the API key)
        history.csv         one line per status change (UTF-8, opens in a spreadsheet)
        history.json        the same, for programs
        invoices/<name>     the invoice PDFs sent with the request
        documents/<name>    the other documents attached to the case

Every name that comes from data (the case reference, an invoice number, the name of an
uploaded file) goes through :func:`safe_name`, so it can never leave the folder: no
``/`` or ``\\``, no ``..``, no NUL or control character, no name Windows reserves, no
trailing dot or space, at most :data:`MAX_NAME_BYTES` bytes. :func:`safe_join` checks
it once more before anything is written.

Files are written atomically (a temporary file in the same folder, ``fsync``, then
``os.replace``): a reader or a crash never sees half a file. A file whose content did
not change is not written again, so the hourly status sync touches the disk only when
something moved. This module raises :class:`OSError` for what the disk refuses; the Odoo
layer logs it and shows it on the case without ever blocking a send or a sync.
"""

import contextlib
import csv
import io
import json
import os
import re
import tempfile
import unicodedata

from .i18n import _
from .problems import FieldValueError
from .validation import find_invisible

__all__ = [
    "MAX_NAME_BYTES",
    "SYSTEM_FOLDERS",
    "UnsafePath",
    "check_storage_root",
    "mirror_case",
    "redact",
    "safe_document_name",
    "safe_join",
    "safe_name",
    "write_atomic",
]

#: longest file name written (bytes of UTF-8); most file systems allow 255
MAX_NAME_BYTES = 150
#: names Windows (and so SMB shares and the backups made from them) refuses
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    "%s%d" % (prefix, number) for prefix in ("COM", "LPT") for number in range(10)
}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
#: keys never written to a file, whatever their depth in the JSON
_SECRET_KEYS = {"api_key", "apikey", "api-key", "authorization", "password", "token"}
FILE_MODE = 0o640


class UnsafePath(OSError):
    """A name would have led outside the case folder (never written)."""


# -- the case files folder itself ---------------------------------------------------------

LABEL_STORAGE = _("Case files folder")
ROOT_NOT_ABSOLUTE = _(
    '%(label)s "%(value)s" must be an absolute folder on the Odoo server, starting with /.'
)
ROOT_INVISIBLE = _(
    "%(label)s contains a control or invisible character (%(char)s): type the folder again."
)
ROOT_PARENT = _(
    '%(label)s "%(value)s" must not contain "..": write the folder itself, e.g. '
    "/srv/tilbago/cases."
)
ROOT_SYSTEM = _(
    '%(label)s "%(value)s" lies in %(folder)s, a folder of the system or of Odoo '
    "itself: choose a folder of its own, e.g. /srv/tilbago/cases."
)

#: folders the case files must never go into (nor be): the system's own, PostgreSQL's
SYSTEM_FOLDERS = (
    "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
    "/sys", "/dev", "/boot", "/var/lib/postgresql",
)


def _inside(path, folder):
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:
        return False


def check_storage_root(path, protected=(), label=LABEL_STORAGE):
    """The case files folder ``path`` resolved, if it is a folder the cases may go into.

    Refused with :class:`~tilbago.problems.FieldValueError` (naming ``label``): a path
    that is not text, holds a NUL, control or invisible character, is not absolute, has a
    ``..`` part, or that is, once symlinks and ``..`` are resolved, ``/`` or inside
    :data:`SYSTEM_FOLDERS` (``/lib*`` included) or one of ``protected`` (the caller's own
    folders: Odoo's source, data and addons directories). Nothing is created.
    """
    if not isinstance(path, str):
        raise FieldValueError(ROOT_NOT_ABSOLUTE, label, value=repr(path))
    text = path.strip()
    invisible = find_invisible(text)
    if invisible:
        raise FieldValueError(ROOT_INVISIBLE, label, char="U+%04X" % ord(invisible[1]))
    if not os.path.isabs(text):
        raise FieldValueError(ROOT_NOT_ABSOLUTE, label, value=text)
    if ".." in text.replace("\\", "/").split("/"):
        raise FieldValueError(ROOT_PARENT, label, value=text)
    resolved = os.path.realpath(text)
    if resolved == os.path.realpath("/"):
        raise FieldValueError(ROOT_SYSTEM, label, value=text, folder="/")
    folders = [os.path.abspath(f) for f in list(SYSTEM_FOLDERS) + list(protected) if f]
    for where in (os.path.abspath(text), resolved):
        top = where.split("/")[1]
        if top.startswith("lib"):  # /lib, /lib64, /libx32 …
            raise FieldValueError(ROOT_SYSTEM, label, value=text, folder="/" + top)
        for folder in folders:
            for candidate in (folder, os.path.realpath(folder)):
                if candidate != "/" and _inside(where, candidate):
                    raise FieldValueError(ROOT_SYSTEM, label, value=text, folder=folder)
    return resolved


def safe_name(name, default="file"):
    """``name`` made into a single, harmless file name (never empty, never ``..``).

    Unicode letters are kept (normalised to NFC: "Zürich" stays "Zürich"); separators,
    characters Windows forbids and control characters become ``_`` or disappear.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = _FORBIDDEN.sub("_", text)
    text = " ".join(text.split())  # tabs, newlines, runs of spaces
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        text = default
    stem = text.partition(".")[0]
    if stem.upper().rstrip(" ") in _RESERVED:
        text = "_" + text
    return _truncate(text)


def safe_document_name(name, default="document"):
    """:func:`safe_name` for a document sent to tilbago, keeping its extension.

    A name whose stem is nothing once cleaned (".pdf", "\\x07\\x07.pdf") becomes
    ``default`` with the extension ("document.pdf"); one that is nothing at all ("..",
    "", control characters only) becomes ``default``.
    """
    text = safe_name(name, default="")
    stem, dot, ext = str(name or "").rpartition(".")
    ext = safe_name(ext, default="") if dot else ""
    if ext and not safe_name(stem, default="") and " " not in ext:
        return safe_name("%s.%s" % (default, ext), default=default)
    return text or safe_name(default, default="document")


def _truncate(text):
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 16:
        stem, ext = text, ""
    room = MAX_NAME_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return "%s.%s" % (stem, ext) if ext else stem


def safe_join(folder, name):
    """The path of file ``name`` inside ``folder``; raises :class:`UnsafePath` otherwise."""
    base = os.path.realpath(folder)
    path = os.path.join(base, name)
    if os.path.dirname(os.path.abspath(path)) != base or name in ("", ".", ".."):
        raise UnsafePath("the name %r would leave the folder %s" % (name, folder))
    return path


def write_atomic(folder, name, data, if_changed=True):
    """Write ``data`` (bytes) to ``folder/name`` atomically; return True when written.

    With ``if_changed``, an existing file with the same bytes is left alone.
    """
    path = safe_join(folder, name)
    if if_changed and os.path.isfile(path) and not os.path.islink(path):
        if os.path.getsize(path) == len(data):
            with open(path, "rb") as existing:
                if existing.read() == data:
                    return False
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)  # replaces a symlink itself, never what it points to
    except BaseException:
        # the half-written file goes; the original error is what the caller must see
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _case_dir(root, name, create=True):
    """``root/name`` (the name made safe), created if needed; refuses a symlink out."""
    if not root or not os.path.isabs(root):
        raise UnsafePath("the storage folder must be an absolute path")
    root_real = os.path.realpath(root)
    path = safe_join(root_real, safe_name(name, default="case"))
    if create:
        os.makedirs(path, mode=0o750, exist_ok=True)
    if os.path.dirname(os.path.realpath(path)) != root_real:
        raise UnsafePath("%s leads outside %s" % (path, root))
    if not os.path.isdir(path):
        raise NotADirectoryError("%s is not a folder" % path)
    return path


def redact(value, secrets=()):
    """``value`` (JSON-like) without secret keys, and with every secret string masked."""
    secrets = [s for s in secrets if s]
    if isinstance(value, dict):
        return {
            key: redact(item, secrets)
            for key, item in value.items()
            if str(key).lower() not in _SECRET_KEYS
        }
    if isinstance(value, (list, tuple)):
        return [redact(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            # in any letter case: a server may echo the key upper- or lower-cased
            value = re.sub(re.escape(secret), "***", value, flags=re.IGNORECASE)
    return value


def _json_bytes(value, secrets):
    text = json.dumps(redact(value, secrets), ensure_ascii=False, indent=2, sort_keys=True,
                      default=str)
    return (text + "\n").encode("utf-8")


HISTORY_COLUMNS = ("date", "state", "status_code", "description", "eschkg_code")


def _history_csv(rows, secrets):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in redact(list(rows), secrets):
        writer.writerow(["" if row.get(col) is None else row.get(col) for col in HISTORY_COLUMNS])
    return out.getvalue().encode("utf-8")


def mirror_case(root, case_name, summary, request=None, history=(), files=(), secrets=()):
    """Bring the folder of case ``case_name`` under ``root`` up to date.

    :param summary: dict written to ``case.json``
    :param request: the request body as sent (dict) for ``request.json``, or None
    :param history: dicts with the keys of :data:`HISTORY_COLUMNS`, oldest first
    :param files: ``(subfolder, name, size, load)`` tuples: ``load()`` returns the bytes
        and is only called when the file is missing or has another size (documents
        never change once attached)
    :param secrets: strings that must never reach a file (e.g. the API key); masked
        in every JSON or CSV file written
    :return: (folder path, list of the names written)
    """
    folder = _case_dir(root, case_name)
    written = []
    if request is not None and write_atomic(folder, "request.json",
                                            _json_bytes(request, secrets)):
        written.append("request.json")
    history = list(history)
    if write_atomic(folder, "history.csv", _history_csv(history, secrets)):
        written.append("history.csv")
    if write_atomic(folder, "history.json", _json_bytes(history, secrets)):
        written.append("history.json")
    taken = {}
    for subfolder, name, size, load in files:
        sub = _case_dir(folder, subfolder)
        filename = _unique(taken.setdefault(subfolder, set()), safe_name(name))
        path = safe_join(sub, filename)
        if os.path.isfile(path) and not os.path.islink(path) and os.path.getsize(path) == size:
            continue
        write_atomic(sub, filename, load(), if_changed=False)
        written.append("%s/%s" % (subfolder, filename))
    if write_atomic(folder, "case.json", _json_bytes(summary, secrets)):
        written.append("case.json")
    return folder, written


def _unique(taken, name):
    """``name``, or ``name (2).ext`` … when an earlier file of the case has it."""
    candidate, number = name, 1
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    while candidate.lower() in taken:
        number += 1
        candidate = _truncate("%s (%d)%s" % (stem, number, "." + ext if ext else ""))
    taken.add(candidate.lower())
    return candidate
