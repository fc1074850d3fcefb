"""Swiss addresses split the way tilbago wants them: street, house number, PO box.

Odoo keeps ``street`` and ``street2`` as free lines; tilbago wants ``street``,
``streetnumber`` and ``pob`` apart. Swiss addresses put the house number last, in every
language ("Chemin du Fontenay 6", "Seestrasse 112a", "Via Cantonale 3A", "Rue du Lac
12 bis", "Route de Berne 1-3"); the French style "6, chemin du Fontenay" is accepted too.
A PO box line ("Case postale 123", "Postfach 45", "Casella postale 7", "CP 12", "PF 3",
"Postfach") is recognised in either line, also after a comma ("Seestrasse 1, Postfach").

The parser is a helper, not an oracle: the requisition wizard shows its split so the
user can correct it.
"""

import re

from .payload import Address

# A house number: digits, an optional letter (112a, 3 A), an optional bis/ter/quater,
# an optional range or second number (1-3, 12/14, 2a-2c).
_ONE = r"\d{1,5}(?:\s?[A-Za-z](?![A-Za-z]))?(?:\s?(?:bis|ter|quater)\b)?"
_NUMBER = rf"{_ONE}(?:\s?[-/]\s?{_ONE})?"

_TRAILING = re.compile(rf"^(?P<street>.*?\S)[\s,]+(?:(?:no|nr|n°)\.?\s*)?(?P<number>{_NUMBER})$", re.I)
_LEADING = re.compile(rf"^(?P<number>{_NUMBER})\s*,?\s+(?P<street>[^\W\d].*)$", re.I)

_POB = re.compile(
    r"^(?P<pob>"
    r"(?:case\s+postale|casella\s+postale|cas\.\s*post\.|postfach|bo[iî]te\s+postale"
    r"|p\.?\s?o\.?\s?box|postbox|c\.?\s?p\.?|p\.?\s?f\.?|b\.?\s?p\.?)"
    r"(?:\s*(?:n[o°r]\.?\s*)?\d{1,6})?"
    r")$",
    re.I,
)


def _clean(text):
    if text is None or text is False:  # Odoo's empty field is False, not "False"
        return ""
    return re.sub(r"\s+", " ", str(text)).strip()


def split_pob(text):
    """The post-office box written in ``text``, or ``None`` if ``text`` is not a PO box.

    Recognises (any case) Case postale / Casella postale / Postfach / Boîte postale /
    PO Box and the abbreviations CP, C.P., PF, Pf., BP, each with or without a number
    ("Postfach" alone is a box without number). The whole line must be the PO box. The box
    is returned as written, spaces tidied: "Case postale 123", "CP 12", "Postfach".
    """
    text = _clean(text)
    match = _POB.match(text)
    return match.group("pob") if match else None


def split_street(text):
    """Split a street line into ``(street, number)``; ``number`` is ``None`` when there is none.

    "Chemin du Fontenay 6" → ("Chemin du Fontenay", "6"); "Seestrasse 112a" →
    ("Seestrasse", "112a"); "Rue du Lac 12 bis" → ("Rue du Lac", "12 bis");
    "Route de Berne 1-3" → ("Route de Berne", "1-3"); "6, chemin du Fontenay" →
    ("chemin du Fontenay", "6"); "Bahnhofstrasse" → ("Bahnhofstrasse", None).
    A PO box line ("Postfach 45") is not a street: it comes back whole, without number.
    Empty text gives ``(None, None)``.
    """
    text = _clean(text)
    if not text:
        return None, None
    if split_pob(text):
        return text, None
    match = _TRAILING.match(text) or _LEADING.match(text)
    if match:
        street = match.group("street").strip(" ,")
        if street and not split_pob(street):
            return street, match.group("number")
    return text, None


def normalize_zip(value):
    """The postcode as text, with a leading "CH-" / "CH " country prefix dropped."""
    text = _clean(value)
    return re.sub(r"^CH[-\s]?(?=\d{4}$)", "", text, flags=re.I) or None


# ``zip``: the name of Odoo's field; the Odoo layer passes it by that keyword
def parse_address(street, street2=None, zip=None, city=None):  # pylint: disable=redefined-builtin
    """Build an :class:`~tilbago.payload.Address` from Odoo's street, street2, zip, city.

    Each line is cut at commas; a part that is a PO box goes to ``pob`` (the first one
    found). Of the remaining lines the street is the first one that carries a house
    number, else the first one; it is split by :func:`split_street`. A further line (a
    "c/o" or building line) has no place in tilbago's address and is left out — the
    wizard shows the result for correction. No line at all leaves ``street`` ``None``
    (validation then asks for it).
    """
    pob = None
    lines = []
    for line in (street, street2):
        line = _clean(line)
        if not line:
            continue
        kept = []
        for part in line.split(","):
            found = split_pob(part)
            if found:
                pob = pob or found
            else:
                kept.append(part.strip())
        rest = ", ".join(p for p in kept if p)
        if rest:
            lines.append(rest)
    chosen = (None, None)
    for line in lines:
        candidate = split_street(line)
        if candidate[1] is not None:
            chosen = candidate
            break
    else:
        if lines:
            chosen = split_street(lines[0])
    return Address(
        street=chosen[0],
        streetnumber=chosen[1],
        zip=normalize_zip(zip),
        city=_clean(city) or None,
        pob=pob,
    )
