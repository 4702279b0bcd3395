"""Checking and normalising a read row's values: names, e-mail, country, codes, lengths."""
import functools
import os
import re
import unicodedata

from ...models import CONTACT_TYPES, CORRESPONDENCE_TYPES, Contact, database
from .rows import CODE_FIELDS, IMPORT_FIELDS, OPT_OUT_FIELDS, join_names

# One @ between a local part and a domain; the domain needs no dot (user@localhost is valid).
EMAIL_RE = re.compile(r"^[^@\s\"<>(),;:]+@[^@\s\"<>(),;:.]+(\.[^@\s\"<>(),;:.]+)*$")


def _plain(text):
    """A country name compared loosely: no case, accents, dots, brackets or 'the'."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’()\[\],]", " ", text.replace(".", "")).replace("&", " and ")
    words = [w for w in text.replace("-", " ").split() if w not in ("the",)]
    return " ".join(words)


# Informal names that are in no ISO list but in many address books.
VARIANTS = {"uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
            "northern ireland": "GB", "usa": "US", "america": "US", "us": "US", "holland": "NL",
            "south korea": "KR", "korea": "KR", "north korea": "KP", "russia": "RU", "vatican": "VA",
            "czech republic": "CZ", "ivory coast": "CI", "burma": "MM", "macedonia": "MK",
            "swaziland": "SZ", "cape verde": "CV", "east timor": "TL", "turkey": "TR", "laos": "LA",
            "syria": "SY", "iran": "IR", "vietnam": "VN", "moldova": "MD", "bolivia": "BO",
            "venezuela": "VE", "tanzania": "TZ", "taiwan": "TW", "palestine": "PS", "brunei": "BN",
            "micronesia": "FM", "congo kinshasa": "CD", "congo brazzaville": "CG", "dr congo": "CD",
            "drc": "CD", "uae": "AE", "emirates": "AE", "kosovo": "XK", "россия": "RU"}


@functools.lru_cache(maxsize=1)
def _country_names():
    """Every ISO 3166 country by code, English, official and common name (pycountry)."""
    import pycountry

    names: dict = {}
    for c in pycountry.countries:
        for value in (c.alpha_2, c.alpha_3, c.name, getattr(c, "official_name", ""),
                      getattr(c, "common_name", "")):
            if value:
                names.setdefault(_plain(value), c.alpha_2)
    for key, code in VARIANTS.items():
        names.setdefault(key, code)
    return names


@functools.lru_cache(maxsize=1)
def _local_names():
    """Every country by its name in each language pycountry carries, its own among them.
    Loaded only when a value is no code or English name (it takes about half a second)."""
    import gettext

    import pycountry

    names: dict = {}
    countries = list(pycountry.countries)
    for lang in sorted(os.listdir(pycountry.LOCALES_DIR)):
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for c in countries:
            for value in (c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")):
                if value:
                    local = tr.gettext(value)
                    if local != value:
                        names.setdefault(_plain(local), c.alpha_2)
    return names


def country_code(value, known=None):
    """The ISO 3166 alpha-2 code of a country written as a code or a name, or None."""
    plain = value.strip()
    if not plain:
        return None
    if known and plain.lower() in known:
        return known[plain.lower()]
    return _iso_code(plain)


@functools.lru_cache(maxsize=4096)
def _iso_code(value):
    """Cached: a file names the same few countries on thousands of rows."""
    key = _plain(value)
    return _country_names().get(key) or _local_names().get(key)


def known_country_codes():
    """Codes and names of the Country table when a database is open (else only built-ins)."""
    from ...models import Country

    try:
        if database.obj is None or database.is_closed():
            return {}
        known = {}
        for code, name in Country.select(Country.code, Country.name).tuples():
            if code:
                known[code.lower()] = code
                if name:
                    known[name.lower()] = code
        return known
    except Exception:  # noqa: BLE001 - a preview without a database still works
        return {}




LIMITS = {name: Contact._meta.fields[name].max_length for name in IMPORT_FIELDS
          if getattr(Contact._meta.fields[name], "max_length", None)}

# Every field's length limit, those without one included (a plain dict: the check runs on
# every value of every row).
NO_LIMIT = 1 << 30
LIMIT_OF = {name: LIMITS.get(name, NO_LIMIT) for name in IMPORT_FIELDS}
UPPER_FIELDS = frozenset(CODE_FIELDS + ("no", "company_no"))
# What opt-out columns hold: yes/no words, Dynamics' "Do Not Allow"/"Allow", or the date of an
# unsubscription (a date means it happened).
OPT_OUT_YES = frozenset(("1", "true", "yes", "y", "x", "ja", "oui", "si", "sí", "unsubscribed", "opted out",
                         "opt out", "optedout", "do not allow", "donotallow", "do not email", "do not call"))
OPT_OUT_NO = frozenset(("0", "false", "no", "n", "nein", "non", "allow", "subscribed", "opted in", "-"))
OPT_OUT_NAMES = frozenset(OPT_OUT_FIELDS)  # asked of every row: a frozenset answers fastest
DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}([ T].*)?$")


def _opt_outs(row, f):
    """Pop the opt-out columns' values into the row's channels; a value that is neither a yes,
    a no nor a date is a warning and no opt-out."""
    channels = []
    for name in OPT_OUT_FIELDS.keys() & f.keys():
        value = f.pop(name)
        text = value.strip().lower()
        if text in OPT_OUT_YES or DATE_LIKE.match(text):
            if OPT_OUT_FIELDS[name] not in channels:
                channels.append(OPT_OUT_FIELDS[name])
        elif text and text not in OPT_OUT_NO:
            row.warn(name, f"{name} {value!r} is not yes or no: no opt-out recorded")
    row.opt_outs = tuple(sorted(channels))
# Text a person reads, kept in part when too long; a cut phone, e-mail or code would be wrong.
CUT_FIELDS = ("name", "first_name", "surname", "address", "address_2", "city", "county", "job_title")


def validate(row, known_countries):
    """Normalise a row's fields in place. A value that cannot be used is left out with a
    warning naming its field; only a row without name and organisation gets an error."""
    if not row.fields and row.errors:
        return
    f = row.fields  # the readers strip every value; a CSV row holds no empty one
    if "" in f.values():
        f = {k: v for k, v in f.items() if v}
    errors = row.errors
    warn = row.warn
    org = (row.organisation or "").strip()
    kind = f.get("type", "").lower()
    if kind and kind not in CONTACT_TYPES:
        warn("type", f"type {f['type']!r} is not company or person: read as a person")
        kind = "" if kind not in ("org", "organisation", "organization") else "company"
    if not kind and org and not f.get("first_name") and not f.get("surname") \
            and f.get("name", "").upper() == org.upper():
        kind = "company"  # displayed under the organisation's name only: the company itself
    if kind == "company":
        f["name"] = f.get("name") or org
        org = ""
    elif not f.get("name"):
        f["name"] = join_names(f.get("first_name", ""), f.get("surname", ""))
    if not f["name"]:
        if org:
            kind = "company"  # a row with only an organisation is the company itself
            f["name"], org = org, ""
        else:
            errors.append("no name and no organisation")
    f["type"] = kind or "person"
    email = f.get("email")
    if email:
        if email[:7].lower() == "mailto:":
            email = f["email"] = email[7:].strip()
        if not EMAIL_RE.match(email):
            warn("email", f"e-mail {email!r} is not an e-mail address: left out")
            del f["email"]
    if "country_code" in f:
        code = country_code(f["country_code"], known_countries)
        if code is None:
            warn("country_code", f"country {f['country_code']!r} is not a country segtui knows: left out "
                                 f"(give its name or ISO code, e.g. SE, DE, GB)")
            del f["country_code"]
        else:
            f["country_code"] = code
    if not UPPER_FIELDS.isdisjoint(f):
        for name in UPPER_FIELDS.intersection(f):
            f[name] = f[name].upper()
    if "correspondence_type" in f:
        ct = f["correspondence_type"].lower().replace(" ", "_").replace("-", "_")
        if ct in CORRESPONDENCE_TYPES:
            f["correspondence_type"] = ct
        else:
            warn("correspondence_type", f"correspondence type {f['correspondence_type']!r} is not "
                                        f"hard_copy or email: left out")
            del f["correspondence_type"]
    if not OPT_OUT_NAMES.isdisjoint(f):
        _opt_outs(row, f)
    too_long = [n for n, v in f.items() if len(v) > LIMIT_OF.get(n, NO_LIMIT)]
    for name in too_long:
        value, limit = f[name], LIMIT_OF.get(name, NO_LIMIT)
        if name in CUT_FIELDS:
            warn(name, f"{name} is {len(value)} characters long: cut to the {limit} that fit")
            f[name] = value[:limit].rstrip()
        else:
            warn(name, f"{name} is {len(value)} characters long, at most {limit} fit: left out")
            del f[name]
    if "exclude_from_segment" in f:
        text = str(f["exclude_from_segment"]).lower()
        if text in ("1", "true", "yes", "y", "x"):
            f["exclude_from_segment"] = True
        elif text in ("0", "false", "no", "n"):
            f["exclude_from_segment"] = False
        else:
            warn("exclude_from_segment", f"exclude_from_segment {f['exclude_from_segment']!r} is not yes "
                                         f"or no: left out")
            del f["exclude_from_segment"]
    if len(org) > LIMITS["company_name"]:
        warn("company_name", f"organisation is {len(org)} characters long: cut to the "
                             f"{LIMITS['company_name']} that fit")
        org = org[:LIMITS["company_name"]].rstrip()
    row.fields, row.organisation = f, org
