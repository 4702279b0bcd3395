"""Which CSV column holds which contact field: read column by column from the table of real
export column names (columns.py), with --map overriding any column."""
from dataclasses import dataclass, field

from ...errors import SegtuiError
from .columns import (
    GOOGLE,
    GOOGLE_PARTS,
    GROUP_ORDER,
    LOOKS_LIKE,
    NOT_DATA,
    PROGRAMS,
    SECOND_OCCURRENCE,
    SEGTUI_OWN,
    SLOTS,
    key,
)
from .rows import GOOGLE_MULTI, IMPORT_FIELDS, MAP_FIELDS, join_names, set_street

# --map targets that name an address part rather than a field of its own.
MAP_ADDRESS = {"address": "street", "address_2": "street2", "city": "city", "county": "county",
               "post_code": "post_code", "country_code": "country"}


def first_value(value):
    """The first of several values in one cell (Google's ' ::: ')."""
    if GOOGLE_MULTI in value:
        for part in value.split(GOOGLE_MULTI):
            if part.strip():
                return part.strip()
        return ""
    return value


class UnknownColumns(SegtuiError):
    """A CSV with no column segtui recognises and no mapping; `columns` lists the first line's
    cells so a screen can offer a mapping."""

    def __init__(self, path, columns):
        self.columns = list(columns)
        super().__init__(
            f"{path}: no line near the top names columns segtui knows (such as First Name, E-mail "
            f"Address, Company), so there is no header row to read; say which column holds which field "
            f"with --map COLUMN=FIELD (e.g. --map \"Full name=name\"). Columns: {', '.join(columns)}")


def slot_of(column):
    """(slot, rank) a column name fills, or None. Slots: a field, 'group.part' of an address,
    'phone?N' (a Google phone whose type column says which), 'describing'."""
    k = key(column)
    if column in SEGTUI_OWN:
        return SEGTUI_OWN[column], -1
    found = SLOTS.get(k)
    if found:
        return found
    g = GOOGLE.match(k)
    if g:
        kind, n, rest = g.group(1), int(g.group(2)), g.group(3)
        if kind == "email":
            return ("email", 1000 + n) if rest == "value" else ("describing", 0) if rest in ("type", "label") else None
        if kind == "phone":
            return (f"phone?{n}", n) if rest == "value" else ("describing", 0) if rest in ("type", "label") else None
        if kind == "address":
            if rest in GOOGLE_PARTS:
                return f"g{n:03d}.{GOOGLE_PARTS[rest]}", 0
            return ("describing", 0) if rest in ("type", "label") else None
        if rest == "name":
            return "organisation", 1000 + n
        if rest == "title":
            return "job_title", 1000 + n
        return ("describing", 0) if rest in ("type", "label") else None
    return None


def recognised(cells):
    """How many of a line's cells are known column names (to find the header row)."""
    slots = (slot_of(c.strip()) for c in cells if c.strip())
    return sum(1 for found in slots if found and found[0] != "describing")


@dataclass
class Recipe:
    """How to turn a row's cells (a list, in column order) into (fields, organisation):
    each field from the first filled of its columns, the address from the first group the
    row fills, then Google's several values per cell, --map, and the name from its parts."""

    source: str
    simple: dict = field(default_factory=dict)  # field -> [column index], best first
    groups: list = field(default_factory=list)  # [(group, {part: [index]})] in order of preference
    typed_phones: list = field(default_factory=list)  # [(value index, [type column indexes])]
    mapped: list = field(default_factory=list)  # [(index, target)] from --map, applied last
    used: set = field(default_factory=set)
    multi: bool = False  # Google columns, whose cells may hold several values (' ::: ')

    def ready(self):
        """Compile the reading of the cells into one small function: straight-line code with
        the column indexes as constants is several times faster, per row, than loops over
        these lists, and this is the inner loop of an import."""
        code = ["def read(cells, address):", "    f = {}"]
        for name, indexes in self.simple.items():
            code.append("    v = " + " or ".join(f"cells[{i}].strip()" for i in indexes))
            code.append(f"    if v: f[{name!r}] = v")
        # The address: the group the row fills most (a German "Ort" column beside a full
        # business address is not the address), the earlier group on a tie.
        if self.groups:
            code.append("    best = ()")
        for _, parts in self.groups:
            pairs = ", ".join(f"({part!r}, " + " or ".join(f"cells[{i}].strip()" for i in ix) + ")"
                              for part, ix in parts.items())
            code.append(f"    got = {{p: v for p, v in ({pairs},) if v}}")
            code.append("    if len(got) > len(best): best = got")
        if self.groups:
            code.append("    if best: address(f, best)")
        simple_file = not self.multi and not self.mapped
        if simple_file:  # the rest of __call__, for the usual file: no Google cells, no --map
            code += self._name_code()
        else:
            code.append("    return f")
        namespace = {"join_names": join_names}
        exec("\n".join(code), namespace)  # noqa: S102 - built above from column indexes only
        self._read = namespace["read"]
        if simple_file:
            read = self._read
            self.extract = lambda cells: read(cells, _address)
        else:
            self.extract = self.__call__
        return self

    def _name_code(self):
        """Lines that pop the organisation, middle name and nickname and make the name."""
        code = ["    organisation = f.pop('organisation', '')" if "organisation" in self.simple
                else "    organisation = ''"]
        code.append("    middle = f.pop('middle_name', '')" if "middle_name" in self.simple else "    middle = ''")
        code.append("    nickname = f.pop('nickname', '')" if "nickname" in self.simple else "    nickname = ''")
        code.append("    if 'name' not in f:")
        code.append("        f['name'] = join_names(f.get('first_name', ''), middle, f.get('surname', '')) "
                    "or nickname")
        code.append("    return f, organisation")
        return code

    def __call__(self, cells):
        """(fields, organisation) of a row's cells, as the csv module gives them (unstripped,
        at least as many as the header has columns). `extract` is the same, faster when the
        whole reading could be compiled."""
        f = self._read(cells, _address)
        if self.multi:
            for name, value in f.items():
                if GOOGLE_MULTI in value:
                    f[name] = first_value(value)
            if self.typed_phones:
                _typed_phones(f, [(cells[v].strip(), " ".join(cells[i] for i in t).lower())
                                  for v, t in self.typed_phones])
        organisation = f.pop("organisation", "")
        if self.mapped:
            organisation = _apply_map(f, cells, self.mapped, organisation)
        middle = f.pop("middle_name", "")
        nickname = f.pop("nickname", "")
        if "name" not in f:
            f["name"] = join_names(f.get("first_name", ""), middle, f.get("surname", "")) or nickname
        return f, organisation


def _apply_map(f, cells, mapped, organisation):
    for i, target in mapped:
        value = first_value(cells[i].strip())
        if target == "organisation":
            organisation = value
        elif target in MAP_ADDRESS:
            _address(f, {MAP_ADDRESS[target]: value}, replace=True)
        else:
            f[target] = value
    return organisation


def _typed_phones(f, phones):
    """Google's numbered phones by their type: the first mobile, and the work, then main, then
    any other number as the phone; fax and pager numbers are no phone to call."""
    best = None
    for value, kind in phones:
        if not value or "fax" in kind or "pager" in kind:
            continue
        value = first_value(value)
        if "mobile" in kind or "cell" in kind:
            f.setdefault("mobile", value)
            continue
        rank = 0 if "work" in kind or "business" in kind else 1 if "main" in kind else 2
        if best is None or rank < best[0]:
            best = (rank, value)
    if best is not None:
        f.setdefault("phone", best[1])


def _address(f, got, replace=False):
    """One address group's parts into the contact's fields; with --map (replace) a part may
    be empty and then clears the field."""
    street = got.get("street", "")
    if not replace and not street and "city" not in got and "post_code" not in got:
        street = got.get("formatted", "")
    street2, street3 = got.get("street2"), got.get("street3")
    if replace:
        if "street" in got:
            f.pop("address", None)
        if "street2" in got:
            f.pop("address_2", None)
    if street2 or street3 or "\n" in street:
        set_street(f, street, "\n".join(x for x in (street2, street3) if x))
    elif street:
        f["address"] = street
    for part, name in (("city", "city"), ("post_code", "post_code"), ("county", "county"),
                       ("country", "country_code")):
        if part in got:
            f[name] = got[part]


def recipe(columns, mapping, path):
    """The Recipe for a header, with its source, after checking --map against the columns."""
    slots = {}
    seen = set()
    for i, column in enumerate(columns):
        found = slot_of(column) if column else None
        k = key(column)
        if k in seen and k in SECOND_OCCURRENCE:
            found = SECOND_OCCURRENCE[k]
        seen.add(k)
        if found:
            slots[i] = found
    resolved = _resolve_map(columns, mapping)
    for i in resolved:
        slots.pop(i, None)
    if not any(s != "describing" for s, _ in slots.values()) and not resolved:
        raise UnknownColumns(path, columns)
    rec = Recipe(_source(columns, slots, resolved))
    ranked = sorted(slots.items(), key=lambda item: item[1][1])
    groups: dict = {}
    for i, (slot, _rank) in ranked:
        if slot == "describing":
            continue
        rec.used.add(i)
        if slot.startswith("phone?"):
            n = slot[6:]
            types = [j for j, c in enumerate(columns) if key(c) in (f"phone{n}type", f"phone{n}label")]
            rec.typed_phones.append((i, types))
        elif "." in slot:
            group, part = slot.split(".")
            groups.setdefault(group, {}).setdefault(part, []).append(i)
        else:
            rec.simple.setdefault(slot, []).append(i)
    order = {g: n for n, g in enumerate(GROUP_ORDER)}
    rec.groups = sorted(groups.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    rec.mapped = sorted(resolved.items())
    rec.used |= set(resolved)
    rec.multi = bool(rec.typed_phones) or any(GOOGLE.match(key(c)) for c in columns if c)
    return rec.ready()


def _source(columns, slots, resolved):
    if not slots:
        return "mapped"
    names = set(columns)
    own = {c for c in names if c}
    if "name" in own and own <= set(IMPORT_FIELDS) | {"search_name", "created_at", "modified_at"}:
        label = "segtui"
    else:
        label = next((program for program, marks in PROGRAMS if names & set(marks)), "columns")
    return label + ("+map" if resolved else "")


def _resolve_map(columns, mapping):
    lookup = {c: i for i, c in enumerate(columns)}
    for index, c in enumerate(columns):
        lookup.setdefault(c.lower(), index)
    resolved = {}
    for column, target in (mapping or {}).items():
        i = lookup.get(column)
        if i is None:
            i = lookup.get(column.strip().lower())
        if i is None:
            raise SegtuiError(f"--map {column}={target}: the file has no column {column!r}; "
                              f"columns: {', '.join(columns)}")
        target = target.strip().lower()
        if target == "company_name":
            target = "organisation"
        if target not in MAP_FIELDS:
            raise SegtuiError(f"--map {column}={target}: unknown field {target!r}; fields: "
                              f"{', '.join(MAP_FIELDS)}")
        resolved[i] = target
    return resolved


def unused_columns(columns, rec):
    """The columns nothing reads, in file order (blank header cells left out)."""
    return [c for i, c in enumerate(columns) if c and i not in rec.used]


def looks_like(column):
    """'an e-mail', 'a phone', 'an address' or 'a company' when an unused column's name says it
    holds such data, else None (fax and pager numbers, types and labels are not)."""
    if NOT_DATA.search(column):
        return None
    for what, pattern in LOOKS_LIKE:
        if pattern.search(column):
            return what
    return None
