"""The floors of DESIGN.md, checked on the source (the standard library's ``ast``, no
dependency): who may import whom, only ``expertnet.search`` imports whoosh,
``flask.request`` only in web/ and in a module's routes/controllers, no module imports
another module's controllers, no import circles. Imports inside functions count like the
others, so that none can dodge a floor or a circle.

What does not keep a rule yet is listed below, each with why, as debt to pay: a new
breach fails, and so does a listed one that is gone (the lists only shrink)."""
import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "expertnet"

FLOORS = ("core", "search", "web", "taxonomy", "directory", "accounts", "notifications", "curation",
          "organisations", "outreach", "cooperation", "technology", "councils", "programme", "api", "demo",
          "ops", "cli")

# (importing module, imported module) that point up the floors. None left: a lower module
# reaches a higher one by a signal of core/signals.py, or the code moves to its floor.
KNOWN_UPWARD = set()

# (importing module, imported controllers module) across modules.
KNOWN_CONTROLLER_IMPORTS = set()

# None left; a circle that cannot be broken at once is listed here with why.
KNOWN_CIRCLES = set()

# Modules outside web/ and controllers that read flask.request: the ground's per-request
# hooks (the connection, the language, the request log, the rate limits, absolute links).
KNOWN_REQUEST_READERS = {
    "expertnet.core.db", "expertnet.core.i18n", "expertnet.core.links", "expertnet.core.observability",
    "expertnet.core.ratelimit",
}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    return {_module_name(path): ast.parse(path.read_text(), str(path))
            for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _resolve(name):
    """The module an imported dotted name lives in (``a.b.c`` → ``a.b`` if ``c`` is a name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(tree):
    """(imported module, node, inside a function) for every ``expertnet`` import."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("expertnet"):
                targets = {_resolve(f"{child.module}.{alias.name}") for alias in child.names}
                found.extend((target, child, in_function) for target in targets)
            elif isinstance(child, ast.Import):
                found.extend((_resolve(alias.name), child, in_function) for alias in child.names
                             if alias.name.startswith("expertnet"))
            visit(child, nested)

    visit(tree, False)
    return found


def _floor(module):
    parts = module.split(".")
    if len(parts) == 1:
        return len(FLOORS)  # create_app
    if parts[1] == "config":
        return -1
    return FLOORS.index(parts[1])


def _is_controller(module):
    return ".controllers." in f"{module}." or module.startswith("expertnet.web.") \
        or module.split(".")[-1] == "routes"


def test_every_module_stands_on_a_floor():
    # Floors may be named before their module lands (technology, councils); never the reverse.
    assert {name.split(".")[1] for name in MODULES if name.count(".")} <= {*FLOORS, "config"}


def test_no_import_points_up_the_floors():
    upward = {(module, target) for module, tree in MODULES.items()
              for target, _node, _ in _imports(tree) if _floor(target) > _floor(module)}
    assert upward - KNOWN_UPWARD == set(), "new imports up the floors"
    assert KNOWN_UPWARD - upward == set(), "fixed: remove them from KNOWN_UPWARD"


def test_only_search_imports_whoosh():
    importers = {module for module, tree in MODULES.items() for node in ast.walk(tree)
                 if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh")
                 or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "whoosh"
                                                          for a in node.names))}
    assert importers and all(module.startswith("expertnet.search") for module in importers)


def _reads_request(node):
    if isinstance(node, ast.ImportFrom) and node.module == "flask":
        return any(alias.name == "request" for alias in node.names)
    return (isinstance(node, ast.Attribute) and node.attr == "request"
            and isinstance(node.value, ast.Name) and node.value.id == "flask")


def test_flask_request_only_in_web_and_controllers():
    readers = {module for module, tree in MODULES.items()
               if any(_reads_request(node) for node in ast.walk(tree))}
    # The API's routes are its controllers.
    outside = {module for module in readers
               if not _is_controller(module) and module != "expertnet.api.routes"}
    assert outside - KNOWN_REQUEST_READERS == set(), "flask.request outside web/ and controllers"
    assert KNOWN_REQUEST_READERS - outside == set(), "fixed: remove them from KNOWN_REQUEST_READERS"


def test_no_module_imports_another_modules_controllers():
    crossing = set()
    for module, tree in MODULES.items():
        for target, _node, _ in _imports(tree):
            if module == "expertnet" or ".controllers" not in target:
                continue
            if _floor(target) != _floor(module) or module.split(".")[1] != target.split(".")[1]:
                crossing.add((module, target))
    assert crossing - KNOWN_CONTROLLER_IMPORTS == set()
    assert KNOWN_CONTROLLER_IMPORTS - crossing == set(), "fixed: remove them from the list"


def test_no_import_circles():
    # Imports inside functions count: an import moved into a function to dodge a circle
    # (or a floor: see above) is still a dependency.
    graph = defaultdict(set)
    for module, tree in MODULES.items():
        for target, _node, _in_function in _imports(tree):
            # A package's __init__ importing its own submodules (a blueprint registering its
            # views) is how packages work, not a circle between modules.
            if target != module and not target.startswith(module + "."):
                graph[module].add(target)
    circles = {tuple(component) for component in _strongly_connected(graph) if len(component) > 1}
    assert circles - KNOWN_CIRCLES == set()
    assert KNOWN_CIRCLES - circles == set(), "fixed: remove it from KNOWN_CIRCLES"


def _strongly_connected(graph):
    """Tarjan's algorithm, iteratively."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in list(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result
