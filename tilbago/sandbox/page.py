"""The page ``GET /_sandbox/``: every case, and a button for what can be done with it."""

from html import escape
from urllib.parse import quote

from .. import status as statuses
from .state import next_step

_STYLE = (
    "body{font-family:sans-serif;margin:2em}td,th{border-bottom:1px solid #ccc;"
    "padding:.4em;text-align:left;vertical-align:top}form{display:inline-block;"
    "margin:0 .3em .3em 0}"
)


def _debtor_name(case):
    debtor = case["body"].get("debtor") or {}
    return debtor.get("company") or " ".join(
        filter(None, (debtor.get("name"), debtor.get("surname"))))


def _buttons(case, options):
    action = "/_sandbox/cases/%s/%%s?page=1" % quote(case["caseId"], safe="")
    code = case["statusCode"]
    if code == statuses.REVIEW:
        button = "release", "Release the review: submit to the office"
    elif next_step(case):
        button = "advance", "Next step: %s" % next_step(case)
    else:
        button = None
    html = ('<form method="post" action="%s"><button>%s</button></form>'
            % (escape(action % button[0]), escape(button[1]))) if button else ""
    return html + ('<form method="post" action="%s"><select name="to">%s</select>'
                   '<button>Go</button></form>' % (escape(action % "advance"), options))


def render_page(cases, step_seconds):
    """The HTML page listing ``cases`` (the newest first)."""
    options = "".join('<option value="%s">%s %s</option>' % (
        escape(code), escape(code), escape(entry.description_en))
        for code, entry in statuses.CODES.items())
    rows = [
        "<tr><td>%s</td><td>%s</td><td><code>%s</code></td><td><b>%s</b> %s</td>"
        "<td>%s</td></tr>" % (
            escape(case["externalRef"]), escape(_debtor_name(case)),
            escape(case["caseId"]), escape(case["statusCode"]),
            escape(statuses.describe(case["statusCode"]) or ""), _buttons(case, options))
        for case in sorted(cases, key=lambda c: c["createdAt"], reverse=True)
    ]
    step = ("one step every %g seconds" % step_seconds) if step_seconds \
        else "steps only on demand"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>tilbago sandbox</title>'
        "<style>%s</style></head><body><h1>tilbago sandbox</h1>"
        "<p>Not tilbago: a local stand-in. Cases sent for review wait here until "
        "released; the others move %s.</p><table><tr><th>External reference</th>"
        "<th>Debtor</th><th>Case ID</th><th>Status</th><th></th></tr>%s</table>"
        "</body></html>" % (_STYLE, escape(step), "".join(rows) or
                            '<tr><td colspan="5">No case yet.</td></tr>'))
