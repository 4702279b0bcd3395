"""The project's own documents: nothing points at reference material outside the repository,
and docs/cli.md names every command the program has."""
import argparse
import re
from pathlib import Path

import pytest

from segtui.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./shared|shared/spec|(?<![\w/.-])spec/")
# Files another change is rewriting; their references are listed for it. Remove an entry once
# that file no longer points outside.
PENDING = {"segtui/tui/screens/worksheet.py"}


def project_files():
    yield ROOT / "README.md"
    for folder in ("segtui", "bench", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".md", ".tcss", ".toml") and path.is_file():
                yield path


def test_nothing_points_at_reference_material_outside_the_project():
    found = []
    for path in project_files():
        name = path.relative_to(ROOT).as_posix()
        if name in PENDING:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_check_would_catch_a_reference():
    for line in ('"""The records of spec/domain.md."""', "see ../shared/spec/cli.md", "shared/spec/filters.md"):
        assert OUTSIDE.search(line), line
    for line in ("docs/domain.md, section 4", "from docx.shared import Pt", "inspect/x"):
        assert not OUTSIDE.search(line), line


def commands():
    def subparsers(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices
        return {}

    out = []
    for name, parser in subparsers(build_parser()).items():
        inner = subparsers(parser)
        out.extend(f"{name} {sub}" for sub in inner) if inner else out.append(name)
    return out


@pytest.mark.parametrize("command", commands())
def test_docs_cli_names_every_command(command):
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group, _, sub = command.partition(" ")
    # A row may name several subcommands of one group: "`segtui criteria list` / `criteria show CODE`".
    assert f"segtui {command}" in text or (sub and re.search(rf"`{group} {re.escape(sub)}[ `]", text)), command


@pytest.mark.parametrize("name", ["domain.md", "filters.md", "cli.md"])
def test_documents_exist_and_their_references_resolve(name):
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert text.startswith("# ")
    for ref in re.findall(r"docs/[\w.-]+\.md", text):
        assert (ROOT / ref).is_file(), ref


def test_readme_points_at_the_documents():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("docs/domain.md", "docs/filters.md", "docs/cli.md"):
        assert name in text


def named_commands(text):
    """(group, sub) pairs a document names as `segtui GROUP SUB` or, in a row, `GROUP SUB`."""
    groups = {c.partition(" ")[0] for c in commands()}
    found = set()
    for group, sub in re.findall(r"segtui ([a-z-]+)(?: ([a-z-]+))?", text):
        if group in groups:
            found.add((group, sub))
    return found


@pytest.mark.parametrize("name", ["docs/cli.md", "README.md"])
def test_documents_name_only_commands_that_exist(name):
    known = set(commands())
    groups_with_subs = {c.partition(" ")[0] for c in known if " " in c}
    text = (ROOT / name).read_text(encoding="utf-8")
    wrong = []
    for group, sub in named_commands(text):
        if group in groups_with_subs:
            # `segtui contacts list|show` names several: each must exist.
            if sub and f"{group} {sub}" not in known:
                wrong.append(f"{group} {sub}")
        elif group not in known:
            wrong.append(group)
    assert named_commands(text), name
    assert wrong == [], wrong
