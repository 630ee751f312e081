"""One cache: results are cached only through techmap/service/ (techmap.service.cache), so that
context.reset() clears everything and every key names the dataset version and role.

Fails on functools.lru_cache / cache / cached_property, weakref.WeakKeyDictionary /
WeakValueDictionary, cachetools caches and hand-written cache classes, and module-level dicts that
functions write into, anywhere outside techmap/service/, except the small pure helpers below.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE = ["app.py", "ids.py", "pages", "components", "techmap", "web", "shell"]
SERVICE = REPO / "techmap" / "service"

# Small pure helpers of fixed inputs (bundled reference files, pure functions of their arguments),
# by "path:name". Each holds at most a handful of entries and never depends on the dataset.
ALLOWED = {
    "techmap/dataformat/authorities.py:authorities",  # the 33 boroughs, from a bundled file
    "techmap/dataformat/authorities.py:by_code",
    "techmap/dataformat/authorities.py:by_slug",
    "techmap/dataformat/authorities.py:_name_index",
    "techmap/analysis/renewals.py:add_months",  # pure date arithmetic
    "techmap/analysis/suppliers.py:load_aliases",  # the bundled supplier alias table
    "techmap/dataformat/dataset_model.py:supplier_names",  # derived once per immutable Dataset object
    "techmap/dataformat/dataset_model.py:system_names",
    "techmap/dataformat/dataset_model.py:manufacturer_names",
    "components/map_figure.py:boundaries",  # the bundled boundaries file and its digest
    "components/map_figure.py:boundaries_url",
    "components/timeline.py:_fmt_iso",  # pure date formatting
    "web/templates_download.py:survey_template",  # a fixed workbook, built once
    "web/compression.py:STATIC",  # compressed static files (code, CSS), not computed views
    "components/fast_html.py:_PROTOTYPES",  # per component class, its constant metadata
    "web/plotly_bundle.py:bundle_digest",  # the digest of a file shipped with the app
    "techmap/store/db.py:_opened",  # open database engines per URL, not computed results
    # The public twin of the loaded dataset (context.dataset() hands it to anonymous requests):
    # one entry, dropped with its dataset.
    "techmap/service/public_twin.py:_twin",
}
CACHE_DECORATORS = {"lru_cache", "cache", "cached_property", "cached", "memoize", "memoised"}
CACHE_CALLS = {"WeakKeyDictionary", "WeakValueDictionary", "LRUCache", "TTLCache", "LFUCache", "Cache",
               "ByteLRU", "BoundedCache"}
DICT_CALLS = {"dict", "OrderedDict", "defaultdict"}
WRITES = {"setdefault", "pop", "popitem", "update", "clear", "move_to_end", "__setitem__"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _files() -> list[Path]:
    out: list[Path] = []
    for entry in CODE:
        path = REPO / entry
        out += [path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []
    return [p for p in out if SERVICE not in p.parents]


def _module_dicts(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to an empty dict (or a cache object): name -> how."""
    found: dict[str, str] = {}
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if not isinstance(target, ast.Name) or value is None:
                continue
            if isinstance(value, ast.Dict) and not value.keys:
                found[target.id] = "an empty dict"
            elif isinstance(value, ast.Call) and _name(value) in DICT_CALLS and not value.args:
                found[target.id] = f"{_name(value)}()"
            elif isinstance(value, ast.Call) and _name(value) in CACHE_CALLS:
                found[target.id] = f"a {_name(value)}"
    return found


def _written_in_functions(tree: ast.Module, names: set[str]) -> set[str]:
    written: set[str] = set()
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Subscript) and _name(target.value) in names:
                        written.add(_name(target.value))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in WRITES and _name(node.func.value) in names):
                written.add(_name(node.func.value))
    return written


def problems_in(path: Path) -> list[str]:
    rel = path.relative_to(REPO).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if _name(deco) in CACHE_DECORATORS and f"{rel}:{node.name}" not in ALLOWED:
                    out.append(f"{rel}:{node.lineno}: {node.name} is cached with @{_name(deco)}")
        elif isinstance(node, ast.Call) and _name(node) in {"lru_cache", "cache"} and isinstance(
                node.func, ast.Attribute) and _name(node.func.value) == "functools":
            out.append(f"{rel}:{node.lineno}: functools.{_name(node)}(...) used as a cache")
    dicts = _module_dicts(tree)
    caches = {n for n, how in dicts.items() if not how.endswith(("dict", "dict()"))}
    for name in sorted((_written_in_functions(tree, set(dicts)) | caches) - {
            n.split(":")[1] for n in ALLOWED if n.startswith(rel + ":")}):
        out.append(f"{rel}: module-level {name} ({dicts[name]}) keeps values between calls")
    return out


def test_results_are_cached_only_in_the_service_layer():
    problems = [p for path in _files() for p in problems_in(path)]
    assert problems == [], ("Cache through techmap.service (views.view / views.cached / "
                            "cache.per_dataset), not here:\n" + "\n".join(problems))


def test_the_check_finds_each_kind_of_cache(tmp_path):
    sample = REPO / "web" / "_cache_check_sample.py"
    sample.write_text(
        "import functools, weakref\nfrom collections import OrderedDict\n"
        "_seen = {}\n_order = OrderedDict()\n_weak = weakref.WeakKeyDictionary()\n"
        "@functools.lru_cache(maxsize=8)\ndef a(x):\n    return x\n"
        "def b(x):\n    _seen[x] = 1\n    _order.setdefault(x, 2)\n    return functools.cache(lambda: x)()\n"
        "class C:\n    @functools.cached_property\n    def d(self):\n        return 1\n",
        encoding="utf-8")
    try:
        found = "\n".join(problems_in(sample))
    finally:
        sample.unlink()
    for expected in ("a is cached with @lru_cache", "functools.cache(...)", "d is cached with @cached_property",
                     "module-level _seen (an empty dict)", "module-level _order (OrderedDict())",
                     "module-level _weak (a WeakKeyDictionary)"):
        assert expected in found
