"""Names a reader can follow (issue 16, findability): no module is imported under a
one-letter name (`import payload as P` made every `P.build` a search for "P."); gettext's
`_` is the one convention kept."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assets_project", "inventory", "maps", "tests", "bench", "scripts")


def _python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_import_takes_a_one_letter_name():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {alias.name} as {alias.asname}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if alias.asname and len(alias.asname) == 1 and alias.asname != "_"
    ]
    assert len(list(_python_files())) > 100  # the scan reads the project, not an empty tree
    assert found == []
