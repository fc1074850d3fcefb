"""Documents attached to a tilbago case: the size limit and the checks before an upload.

tilbago documents no size limit for ``PUT case/{id}/attachment``. This layer chooses
**10 MB** (10 × 1024 × 1024 bytes), in ONE place, :data:`MAX_ATTACHMENT_BYTES`, used by
the Odoo layer (the attach wizard refuses larger files before anything is sent) and by
the sandbox (which answers 413 above it, as a real server with a body limit would):

* the electronic debt-enforcement exchange tilbago relays to the offices (eSchKG over
  sedex) works with messages of a few MB; 10 MB is the usual ceiling of sedex/eSchKG
  practice and of the offices' mailboxes, so a larger file could be accepted by tilbago
  and still never reach the office;
* what is attached to a debt collection request is an invoice, a contract, a reminder
  letter or a certificate of loss: a few scanned pages, far below 10 MB;
* the whole file travels in one request body (tilbago has no chunked upload): a small
  ceiling keeps the upload inside the client's read timeout and the Odoo worker's
  memory.

An empty file is refused as well: tilbago answers 400 to it, and it is always a mistake.
"""

from .i18n import _
from .problems import Problem

#: the largest document this module sends to tilbago (bytes); see the module docstring
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

__all__ = ["MAX_ATTACHMENT_BYTES", "check_document", "human_size", "human_sizes"]


def human_size(size):
    """``size`` bytes in words a clerk reads: "512 bytes", "1.5 KB", "10.0 MB"."""
    if size < 1024:
        return "%d bytes" % size
    if size < 1024 * 1024:
        return "%.1f KB" % (size / 1024)
    return "%.1f MB" % (size / (1024 * 1024))


def _exact(size):
    """``size`` in bytes, thousands apart the Swiss way: "10'485'761 bytes"."""
    return "%s bytes" % format(size, ",").replace(",", "'")


def human_sizes(size, limit):
    """``size`` and ``limit`` in words that tell them apart.

    Rounded ("12.5 MB", "10.0 MB") when the rounded figures differ, else both exactly
    in bytes ("10'485'761 bytes" and "10'485'760 bytes"): a file one byte too large is
    never "10.0 MB, larger than 10.0 MB".
    """
    shown, shown_limit = human_size(size), human_size(limit)
    if shown == shown_limit:
        return _exact(size), _exact(limit)
    return shown, shown_limit


def check_document(filename, size, limit=MAX_ATTACHMENT_BYTES):
    """Every problem that keeps ``filename`` (``size`` bytes) from being sent to tilbago.

    Returns a list of :class:`tilbago.problems.Problem` (empty when the file may go);
    the Odoo layer renders them with ``problem.render(env._)``.
    """
    problems = []
    label = _("Document")
    name = (filename or "").strip()
    if not name:
        problems.append(Problem("file", label, _("%(label)s: the file has no name.")))
    if size is None or size <= 0:
        problems.append(Problem(
            "file", label,
            _("%(label)s %(name)s is empty (0 bytes): tilbago refuses empty files."),
            {"name": name or "-"},
        ))
    elif size > limit:
        problems.append(Problem(
            "file", label,
            _("%(label)s %(name)s is %(size)s, larger than the %(limit)s a document sent "
              "to tilbago may have. Send a smaller file (e.g. scanned at a lower "
              "resolution, or split into several documents)."),
            dict(zip(("size", "limit"), human_sizes(size, limit)), name=name or "-"),
        ))
    return problems
