"""What the contact import and export tests share: the sample files, the fields a file fills,
contacts read back as dicts, and small builders for expected contacts and input files."""
from pathlib import Path

from segtui.models import Contact

DATA = Path(__file__).parent / "data" / "contacts"
# Beside the repository (../shared); a worktree one level deeper finds it one level up.
SHARED_SAMPLES = next((p / "shared" / "samples" / "contacts" for p in Path(__file__).resolve().parents[1].parents
                       if (p / "shared" / "samples" / "contacts").is_dir()),
                      Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "contacts")
SAMPLES = sorted(p.name for p in DATA.iterdir())
FIELDS = ("type", "name", "first_name", "surname", "company_name", "address", "address_2", "post_code",
          "city", "county", "country_code", "phone", "mobile", "email", "job_title")


def contacts():
    """Every contact as a dict of the fields a file fills, keyed by name."""
    return {c["name"]: {k: c[k] for k in FIELDS} for c in Contact.select().dicts()}


def snapshot():
    return sorted(tuple(c.values()) for c in Contact.select().dicts())


def person(**fields):
    base = {k: "" for k in FIELDS}
    base["type"] = "person"
    base.update(fields)
    return base


def company(name, **fields):
    base = {k: "" for k in FIELDS}
    base.update(type="company", name=name, company_name=name, **fields)
    return base


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path
