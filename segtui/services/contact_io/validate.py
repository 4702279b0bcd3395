"""Checking and normalising a read row's values: names, e-mail, country, codes, lengths."""
import re

from ...models import CONTACT_TYPES, CORRESPONDENCE_TYPES, Contact, database
from .rows import CODE_FIELDS, IMPORT_FIELDS, join_names

EMAIL_RE = re.compile(r"^[^@\s\"<>(),;:]+@[^@\s\"<>(),;:]+\.[^@\s\"<>(),;:.]+$")


# Common country names (English and native) -> ISO 3166 alpha-2. Codes are accepted as they are.
_COUNTRIES = {
    "AT": ("austria", "österreich", "oesterreich"),
    "AU": ("australia",),
    "BE": ("belgium", "belgië", "belgie", "belgique", "belgien"),
    "BG": ("bulgaria",),
    "BR": ("brazil", "brasil"),
    "CA": ("canada",),
    "CH": ("switzerland", "schweiz", "suisse", "svizzera"),
    "CN": ("china", "people's republic of china"),
    "CY": ("cyprus",),
    "CZ": ("czech republic", "czechia", "česko", "česká republika"),
    "DE": ("germany", "deutschland", "allemagne", "tyskland"),
    "DK": ("denmark", "danmark"),
    "EE": ("estonia", "eesti"),
    "ES": ("spain", "españa", "espana", "espagne"),
    "FI": ("finland", "suomi"),
    "FR": ("france", "frankreich", "frankrike"),
    "GB": ("united kingdom", "uk", "great britain", "england", "scotland", "wales",
           "northern ireland", "storbritannien"),
    "GR": ("greece", "hellas", "ελλάδα"),
    "HR": ("croatia", "hrvatska"),
    "HU": ("hungary", "magyarország"),
    "IE": ("ireland", "éire"),
    "IL": ("israel",),
    "IN": ("india",),
    "IS": ("iceland", "ísland"),
    "IT": ("italy", "italia", "italien"),
    "JP": ("japan", "日本"),
    "KR": ("south korea", "korea", "republic of korea", "korea, republic of", "대한민국"),
    "LT": ("lithuania", "lietuva"),
    "LU": ("luxembourg", "luxemburg"),
    "LV": ("latvia", "latvija"),
    "MT": ("malta",),
    "MX": ("mexico", "méxico"),
    "NL": ("netherlands", "the netherlands", "nederland", "holland"),
    "NO": ("norway", "norge", "noreg"),
    "NZ": ("new zealand",),
    "PL": ("poland", "polska"),
    "PT": ("portugal",),
    "RO": ("romania", "românia"),
    "RU": ("russia", "russian federation"),
    "SE": ("sweden", "sverige", "schweden", "suède"),
    "SG": ("singapore",),
    "SI": ("slovenia", "slovenija"),
    "SK": ("slovakia", "slovensko"),
    "TR": ("turkey", "türkiye", "turkiye"),
    "UA": ("ukraine", "україна"),
    "US": ("united states", "united states of america", "usa", "u.s.a.", "u.s.", "america"),
    "ZA": ("south africa",),
}
COUNTRY_CODES = {name: code for code, names in _COUNTRIES.items() for name in names}


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


def _country(value, known):
    v = value.strip()
    if not v:
        return "", None
    low = v.lower()
    if low in known:
        return known[low], None
    if low in COUNTRY_CODES:
        return COUNTRY_CODES[low], None
    if len(v) <= 3 and v.isalpha():
        return v.upper(), None
    return v, f"country {v!r} is not a country name segtui knows: give its ISO code (e.g. SE, DE, GB)"


LIMITS = {name: Contact._meta.fields[name].max_length for name in IMPORT_FIELDS
          if getattr(Contact._meta.fields[name], "max_length", None)}
UPPER_FIELDS = CODE_FIELDS + ("no", "company_no")


def validate(row, known_countries):
    """Normalise a row's fields in place and add a reason for each problem."""
    if not row.fields and row.errors:
        return
    f = {}
    for k, v in row.fields.items():
        if isinstance(v, str):
            v = v.strip()
        if v != "" and v is not None:
            f[k] = v
    errors = row.errors
    org = (row.organisation or "").strip()
    kind = f.get("type", "").lower()
    if kind and kind not in CONTACT_TYPES:
        errors.append(f"type {f['type']!r} must be company or person")
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
            email = f["email"] = email[7:]
        if not EMAIL_RE.match(email):
            errors.append(f"e-mail {email!r} is not an e-mail address")
    if "country_code" in f:
        f["country_code"], problem = _country(f["country_code"], known_countries)
        if problem:
            errors.append(problem)
    for name in UPPER_FIELDS:
        if name in f:
            f[name] = f[name].upper()
    if "correspondence_type" in f:
        ct = f["correspondence_type"].lower().replace(" ", "_").replace("-", "_")
        if ct not in CORRESPONDENCE_TYPES:
            errors.append(f"correspondence type {f['correspondence_type']!r} must be hard_copy or email")
        f["correspondence_type"] = ct
    if "exclude_from_segment" in f:
        text = str(f["exclude_from_segment"]).lower()
        if text in ("1", "true", "yes", "y", "x"):
            f["exclude_from_segment"] = True
        elif text in ("0", "false", "no", "n"):
            f["exclude_from_segment"] = False
        else:
            errors.append(f"exclude_from_segment {f['exclude_from_segment']!r} must be yes or no")
    for name, value in f.items():
        limit = LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.append(f"{name} is {len(value)} characters long, at most {limit} fit")
    if len(org) > LIMITS["company_name"]:
        errors.append(f"organisation is {len(org)} characters long, at most {LIMITS['company_name']} fit")
    row.fields, row.organisation = f, org
