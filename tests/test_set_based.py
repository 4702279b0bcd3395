"""Set-based: each segment action issues the same number of SQL statements on 10 and on
10,000 contacts. A Python loop over contacts or a query per row would make the counts differ.
"""
from segtui import db as dbmod
from segtui.models import Contact, ContactMailingGroup, database
from segtui.services import criteria, logged, segment_log, segments
from test_segments import build_small


def add_contacts(n):
    """n more contacts: a company every fifth, persons in it; half in Berlin; every third in NEWS."""
    rows, links = [], []
    company = None
    for i in range(n):
        no = f"X{i:06d}"
        if i % 5 == 0:
            company = (no, f"Company {i:06d}")
            kind, name = "company", company[1]
        else:
            kind, name = "person", f"Person {i:06d}"
        rows.append(dict(no=no, type=kind, name=name, company_no=company[0], company_name=company[1],
                         city="Berlin" if i % 2 else "Munich", salesperson_code="AL", correspondence_type="email",
                         email=f"{no}@example.com", language_code="DEU"))
        if i % 3 == 0:
            links.append({"contact_no": no, "mailing_group_code": "NEWS"})
    with database.atomic():
        for start in range(0, len(rows), 500):
            Contact.insert_many(rows[start:start + 500]).execute()
        for start in range(0, len(links), 500):
            ContactMailingGroup.insert_many(links[start:start + 500]).execute()


class StatementCounter:
    """The statements a database runs while active (savepoints too): `count`, and their text."""

    def __init__(self, db):
        self.db = db
        self.original = db.execute_sql
        self.wrapped = "execute_sql" in vars(db)  # a test's own wrapper is already in place
        self.statements = []

    @property
    def count(self):
        return len(self.statements)

    def __enter__(self):
        self.statements = []

        def counting(sql, params=None, *args, **kwargs):
            self.statements.append(sql)
            return self.original(sql, params, *args, **kwargs)

        self.db.execute_sql = counting
        return self

    def __exit__(self, *exc):
        if self.wrapped:
            self.db.execute_sql = self.original
        else:
            del self.db.execute_sql  # back to the class's method


def run_actions(path, n, monkeypatch):
    """Every set action once on a fresh database with n extra contacts; statements per action."""
    monkeypatch.setenv("SEGTUI_DB", str(path))
    db = dbmod.open_database(str(path))
    dbmod.init_database()
    build_small()
    add_contacts(n)
    counts, results = {}, {}

    def measure(name, function, *args, **kwargs):
        with StatementCounter(db) as counter:
            results[name] = function(*args, **kwargs)
        counts[name] = counter.count

    no = segments.new_segment("Set", template_code="LTR", salesperson_code="AL")["no"]
    measure("add", criteria.add_contacts, no, [("city", "Berlin")], expand_contact=True,
            allow_company_with_persons=True)
    measure("add_dry_run", criteria.add_contacts, no, [("city", "Munich")], dry_run=True)
    measure("reduce", criteria.reduce_contacts, no, [("mailing_group", "NEWS")], entire_companies=False)
    measure("refine", criteria.refine_contacts, no, [("type", "person")], entire_companies=True)
    measure("go_back", criteria.go_back, no, steps=2)
    measure("save_criteria", criteria.save_criteria, no, "SET")
    other = segments.new_segment("Other", template_code="LTR", salesperson_code="AL")["no"]
    measure("reuse_criteria", criteria.reuse_criteria, other, "SET")
    measure("apply_mailing_group", criteria.apply_mailing_group, no, "VIP", delete_old=True)
    measure("update_lines", segments.set_header, no, {"salesperson_code": "BO", "description": "D"}, update_lines=True)
    measure("log_with_follow_up", segment_log.log_segment, no, follow_up=True)
    measure("follow_up", logged.follow_up, results["log_with_follow_up"]["logged_segment_entry_no"])
    lines_after_add = results["add"]["added"]
    db.close()
    return counts, results, lines_after_add


def test_statement_counts_do_not_grow_with_the_number_of_contacts(tmp_path, monkeypatch):
    few, few_results, few_added = run_actions(tmp_path / "few.db", 10, monkeypatch)
    many, many_results, many_added = run_actions(tmp_path / "many.db", 10_000, monkeypatch)
    # The big run did real work on thousands of lines ...
    assert many_added > 5_000 > few_added
    assert many_results["log_with_follow_up"]["interactions"] > 1_000
    assert many_results["reuse_criteria"]["added"] == many_added
    # ... with exactly as many statements as the small one.
    assert many == few, {k: (few[k], many[k]) for k in few if few[k] != many[k]}
    # A handful each: the core actions stay small in absolute terms too.
    assert all(count <= 40 for count in many.values()), many
    assert max(many[k] for k in ("add", "reduce", "refine", "go_back", "apply_mailing_group")) <= 15, many


def test_schema_6_upgrade_runs_twice_and_leaves_one_line_index_for_contacts_and_totals(db):
    """The speed migration is idempotent (it may run after others, or again)."""
    dbmod._upgrade_to_6()
    dbmod._upgrade_to_6()
    line_indexes = {tuple(i.columns) for i in db.get_indexes("segment_line")}
    # (schema 8 makes the two live-line indexes partial and adds one for parked lines)
    assert line_indexes == {("segment_no", "line_no"),
                            ("segment_no", "contact_no", "cost", "duration_min", "removed_by"),
                            ("segment_no", "removed_by")}
    plan = " ".join(str(r) for r in db.execute_sql(
        "EXPLAIN QUERY PLAN SELECT COUNT(*), SUM(cost), SUM(duration_min) FROM segment_line WHERE segment_no = 'X'"
        " AND removed_by IS NULL"))
    assert "COVERING INDEX" in plan  # the header's totals still come from the index alone
