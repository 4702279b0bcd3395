"""Which CSV column holds which contact field: the exports segtui recognises and --map."""
import re

from ...errors import SegtuiError
from .rows import GOOGLE_MULTI, IMPORT_FIELDS, MAP_FIELDS, join_names, set_street


def first_value(value):
    """The first of several values in one cell (Google's ' ::: ')."""
    if GOOGLE_MULTI in value:
        for part in value.split(GOOGLE_MULTI):
            if part.strip():
                return part.strip()
        return ""
    return value


def _pick(get, *names):
    for name in names:
        value = first_value(get(name))
        if value:
            return value
    return ""


def _google(columns):
    emails = [c for c in columns if re.fullmatch(r"E-mail \d+ - Value", c)]
    phones = [(c.replace("Value", "Type"), c.replace("Value", "Label"), c)
              for c in columns if re.fullmatch(r"Phone \d+ - Value", c)]
    addresses = sorted({c.split(" - ")[0] for c in columns if re.fullmatch(r"Address \d+ - .*", c)})

    def extract(get):
        f = {}
        f["first_name"] = _pick(get, "Given Name", "First Name")
        f["surname"] = _pick(get, "Family Name", "Last Name")
        f["name"] = get("Name") or join_names(f["first_name"], _pick(get, "Additional Name", "Middle Name"),
                                         f["surname"])
        f["email"] = _pick(get, *emails)
        for type_col, label_col, value_col in phones:
            value = first_value(get(value_col))
            if not value:
                continue
            kind = (get(type_col) or get(label_col)).lower()
            target = "mobile" if "mobile" in kind or "cell" in kind else "phone"
            f.setdefault(target, value)
        for prefix in addresses:
            street = first_value(get(f"{prefix} - Street"))
            city, code = first_value(get(f"{prefix} - City")), first_value(get(f"{prefix} - Postal Code"))
            country, region = first_value(get(f"{prefix} - Country")), first_value(get(f"{prefix} - Region"))
            formatted = first_value(get(f"{prefix} - Formatted"))
            if not (street or city or code or country or formatted):
                continue
            if not street and not (city or code) and formatted:
                street = formatted
            set_street(f, street, first_value(get(f"{prefix} - Extended Address")))
            f.update(city=city, post_code=code, county=region, country_code=country)
            break
        f["job_title"] = _pick(get, "Organization 1 - Title", "Organization Title")
        organisation = _pick(get, "Organization 1 - Name", "Organization Name")
        return f, organisation

    return extract


def _outlook(columns):
    def extract(get):
        f = {}
        f["first_name"] = get("First Name")
        f["surname"] = get("Last Name")
        f["name"] = join_names(f["first_name"], get("Middle Name"), f["surname"])
        f["email"] = _pick(get, "E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
        f["phone"] = _pick(get, "Business Phone", "Company Main Phone", "Primary Phone", "Business Phone 2",
                           "Home Phone", "Other Phone")
        f["mobile"] = _pick(get, "Mobile Phone", "Car Phone")
        for prefix in ("Business", "Home", "Other"):
            street = get(f"{prefix} Street")
            city, code = get(f"{prefix} City"), get(f"{prefix} Postal Code")
            country, state = get(f"{prefix} Country"), get(f"{prefix} State")
            formatted = get(f"{prefix} Address")
            if not (street or city or code or country or formatted):
                continue
            if not street and not (city or code) and formatted:
                street = formatted
            extra = "\n".join(x for x in (get(f"{prefix} Street 2"), get(f"{prefix} Street 3")) if x)
            set_street(f, street, extra)
            f.update(city=city, post_code=code, county=state, country_code=country)
            break
        f["job_title"] = get("Job Title")
        return f, get("Company")

    return extract


def _identity(columns):
    """segtui's own export: the columns are the field names."""
    present = [c for c in columns if c in IMPORT_FIELDS]

    def extract(get):
        f = {name: get(name) for name in present}
        organisation = f.pop("company_name", "")
        if f.get("type", "").lower() == "company":
            organisation = ""
        return f, organisation

    return extract


class UnknownColumns(SegtuiError):
    """A CSV whose header is no known export and no mapping was given; `columns` lists them
    so a screen can offer a mapping."""

    def __init__(self, path, columns):
        self.columns = list(columns)
        super().__init__(
            f"{path}: the columns are not those of a Google, Outlook or segtui export; say which column "
            f"holds which field with --map COLUMN=FIELD (e.g. --map \"Full name=name\"). "
            f"Columns: {', '.join(columns)}")


OUTLOOK_MARKS = {"E-mail Address", "Business Street", "Business City", "Home Street", "Mobile Phone",
                 "Business Phone", "Job Title", "Company"}


def recipe(columns, mapping, path):
    """Which known export this is, and a function cells -> (fields, organisation)."""
    names = set(columns)
    if {"Given Name", "Family Name"} <= names or any(re.fullmatch(r"E-mail \d+ - Value", c) for c in columns) \
            or "Organization 1 - Name" in names:
        source, base = "google", _google(columns)
    elif names & OUTLOOK_MARKS or {"First Name", "Last Name"} <= names:
        source, base = "outlook", _outlook(columns)
    elif "name" in names and names <= set(IMPORT_FIELDS) | {"search_name", "created_at", "modified_at", ""}:
        source, base = "segtui", _identity(columns)
    elif mapping:
        source, base = "mapped", None
    else:
        raise UnknownColumns(path, columns)
    if not mapping:
        return source, base
    lookup = {c: c for c in columns} | {c.lower(): c for c in columns}
    resolved = {}
    for column, target in mapping.items():
        col = lookup.get(column) or lookup.get(column.strip().lower())
        if col is None:
            raise SegtuiError(f"--map {column}={target}: the file has no column {column!r}; "
                              f"columns: {', '.join(columns)}")
        target = target.strip().lower()
        if target == "company_name":
            target = "organisation"
        if target not in MAP_FIELDS:
            raise SegtuiError(f"--map {column}={target}: unknown field {target!r}; fields: "
                              f"{', '.join(MAP_FIELDS)}")
        resolved[col] = target
    if source != "mapped":
        source += "+map"

    def extract(get):
        if base is not None:
            f, organisation = base(get)
        else:
            f, organisation = {}, ""
        for col, target in resolved.items():
            value = get(col)
            if target in ("email", "phone", "mobile"):
                value = first_value(value)
            if target == "organisation":
                organisation = value
            else:
                f[target] = value
        if base is None and not f.get("name"):
            f["name"] = join_names(f.get("first_name", ""), f.get("surname", ""))
        return f, organisation

    return source, extract
