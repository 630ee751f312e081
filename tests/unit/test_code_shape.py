"""The shape of the code (README, "What is where"): imports point down the layers and never in a
circle, no module outgrows 500 lines, no block of six or more lines is written twice.

Layers, top to bottom: app.py; pages/ and web/ (peers: neither imports the other); shell/ (the
app-wide callbacks and the path-variable helper pages use); components/; ids.py and dash_compat.py
(shared Dash glue); techmap/ (the domain: no Dash, no plotly, nothing above).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pages", "shell", "components", "techmap", "web")
TOP_MODULES = ("app", "ids", "dash_compat")
LAYER = {"app": 6, "pages": 5, "web": 5, "shell": 4, "components": 3, "ids": 2, "dash_compat": 2, "techmap": 1}
# Third-party packages a layer must not import: the domain knows nothing of the web framework.
FORBIDDEN_LIBRARIES = {"techmap": ("dash", "dash_bootstrap_components", "dash_ag_grid", "plotly", "flask")}

# Circles allowed for now, by their modules, each with why it is there; each must still exist, so
# that the list shrinks as they go. Both are a function's late import that registers something.
KNOWN_CYCLES: list[frozenset[str]] = [
    # db.migrate imports the models so that their tables are on Base.metadata (issue 16's store)
    frozenset({"techmap.store.db", "techmap.store.models"}),
    # web.auth.install imports the sign-in routes, which use web.auth's helpers (issue 15's auth)
    frozenset({"web.auth", "web.auth_oidc", "web.auth_pages", "web.member_calendar",
               "web.member_changes_feed"}),
]

MAX_LINES = 500
# Importers (a published format's whole reading in one place), by name.
LONG_MODULES = {
    "techmap/importers/ocds.py": "importer: the OCDS release and record formats",
    "techmap/importers/register.py": "importer: transparency-code registers as councils publish them",
}


def _module_files() -> dict[str, Path]:
    files = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


FILES = _module_files()


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in a file, at any depth (a function's own imports
    count: they run too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in FILES.items():
        targets = set()
        for _, module, names in _imports(path):
            submodules = [f"{module}.{n}" for n in names if f"{module}.{n}" in FILES]
            # `from web import auth` imports the module web.auth; its package runs first whatever
            # imports it, so only names that are not modules make an edge to the package itself
            candidates = submodules if submodules and len(submodules) == len(names) else [module, *submodules]
            targets.update(c for c in candidates if c in FILES and c != name)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(frozenset(members))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_whole_project() -> None:
    graph = _graph()
    assert {"app", "ids", "dash_compat", "techmap.appstate", "pages.map", "web.api"} <= set(graph)
    assert "techmap.analysis.filters" in graph["techmap.appstate"]


def test_no_import_circles_in_the_domain() -> None:
    cycles = [c for c in _cycles(_graph()) if all(m.startswith("techmap") for m in c)]
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert new == [], "import circles in techmap/"


def test_no_import_circles_anywhere() -> None:
    cycles = _cycles(_graph())
    assert [sorted(c) for c in cycles if c not in KNOWN_CYCLES] == []
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert gone == [], "these circles are gone: remove them from KNOWN_CYCLES"


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for name, path in FILES.items():
        layer = name.split(".")[0]
        for line, module, names in _imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {module}"
            if top in LAYER and top != layer and LAYER[top] >= LAYER[layer]:
                wrong.append(where)  # up the layers, or sideways between pages/ and web/
            if top in FORBIDDEN_LIBRARIES.get(layer, ()):
                wrong.append(where)
    assert wrong == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = []
    for name, path in FILES.items():
        for line, module, names in _imports(path):
            if module.split(".")[0] in LAYER and module != name:
                private.extend(f"{path.relative_to(ROOT)}:{line}: {module}.{n}" for n in names
                               if n.startswith("_") and not n.startswith("__"))
    assert private == []


def _code_files() -> list[Path]:
    """Every Python file of the project outside tests/ (tests are held to readability by review)."""
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    return [ROOT / f for f in tracked if not f.startswith("tests/")]


def test_no_module_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _code_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert {k: v for k, v in long.items() if k not in LONG_MODULES} == {}
    assert [k for k in LONG_MODULES if k not in long] == [], "under 500 lines now: remove from LONG_MODULES"


def test_no_block_of_six_lines_is_repeated() -> None:
    """pylint's duplicate-code check at six lines (comments, docstrings and imports aside) over every
    Python file outside tests/."""
    files = [str(p.relative_to(ROOT)) for p in _code_files()]
    done = subprocess.run(
        [sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code",
         "--min-similarity-lines=6", "--ignore-comments=yes", "--ignore-docstrings=yes",
         "--ignore-imports=yes", "--score=no", "--persistent=no", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 8), done.stderr[-2000:]  # 8: a refactoring message (R0801)
    assert "duplicate-code" not in done.stdout, done.stdout[-6000:]


def test_the_cycle_finder_finds_a_planted_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]
