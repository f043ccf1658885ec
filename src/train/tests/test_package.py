"""The package's imports point one way: no module and no subpackage imports, even inside a function,
anything that imports it back. Read from the source with ast, so nothing is imported."""
import ast
import os

import siamtrack_train

PACKAGE_DIR = os.path.dirname(os.path.abspath(siamtrack_train.__file__))
PACKAGE = "siamtrack_train"


def package_modules():
    """{dotted module name: source path} of every module of the package."""
    modules = {}
    for folder, _, files in os.walk(PACKAGE_DIR):
        for name in files:
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, name), PACKAGE_DIR)[:-3].split(os.sep)
                if rel[-1] == "__init__":
                    rel = rel[:-1]
                modules[".".join([PACKAGE] + rel)] = os.path.join(folder, name)
    return modules


def imported_modules(name, path, modules):
    """The package modules that the module `name` imports anywhere in its source (module level or not)."""
    is_package = path.endswith("__init__.py")
    found = set()
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")[:len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(parts + ([base] if base else []))
            # `from package import module` names a module; `from module import function` names the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def find_cycle(graph):
    """One cycle of `graph` ({node: set of nodes}) as a list of nodes, first repeated last; None if it has none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def module_graph():
    modules = package_modules()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def subpackage(module):
    """The part of the package a module belongs to: its subpackage, or itself for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_cycle_finder_finds_a_cycle_and_accepts_a_chain():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_are_resolved_at_module_and_function_level_and_relative(tmp_path):
    source = tmp_path / "train.py"
    source.write_text("import os\nfrom siamtrack_train.models import trunk\n"
                      "def main():\n    from ..data.cache import FeatureBank\n    from . import distill\n")
    modules = {"siamtrack_train.models.trunk": "", "siamtrack_train.data.cache": "", "siamtrack_train.training": "",
               "siamtrack_train.training.distill": "", "siamtrack_train.training.train": str(source)}
    assert imported_modules("siamtrack_train.training.train", str(source), modules) == {
        "siamtrack_train.models.trunk", "siamtrack_train.data.cache", "siamtrack_train.training.distill"}


def test_modules_import_each_other_without_a_cycle():
    graph = module_graph()
    assert "siamtrack_train.settings" in graph and len(graph) > 20
    assert graph["siamtrack_train.training.train"] >= {"siamtrack_train.settings", "siamtrack_train.data.cache"}
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_subpackages_import_each_other_without_a_cycle():
    graph = {}
    for module, imports in module_graph().items():
        graph.setdefault(subpackage(module), set()).update(
            subpackage(m) for m in imports if subpackage(m) != subpackage(module))
    assert find_cycle(graph) is None, f"subpackage import cycle: {' -> '.join(find_cycle(graph))}"
    assert graph["settings"] == set(), "settings is the bottom layer: it imports nothing from the package"
