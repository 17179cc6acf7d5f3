"""The event contracts hold in the source: every declared kind is used, no kind is spelt out.

A kind declared but never emitted, subscribed to or read is a contract nobody keeps (a renamed
emitter leaves its old declaration behind, and indicators reading it show zero); a kind written as
a literal or an f-string where events are recorded escapes the registry's checks until it runs.
Both are found by reading the source, so they fail here rather than in production.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

from pingji.core import events

PACKAGE = Path(__file__).resolve().parents[2]
#: Calls whose first argument is an event kind, and ``record_on``'s second.
KIND_FIRST = {"record_event", "subscribe", "declare", "term"}
KIND_SECOND = {"record_on"}


def _sources(*, contracts: bool) -> Iterator[tuple[str, Path, ast.Module]]:
    """(dotted module name, path, tree) of every non-test module of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or (path.name == "contracts.py") != contracts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text(encoding="utf-8"))


def _declarations() -> dict[tuple[str, str], str]:
    """(contracts module, constant) → kind, for every ``NAME = declare("app.kind", ...)``."""
    found = {}
    for module, _path, tree in _sources(contracts=True):
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "declare"
            ):
                kind = node.value.args[0]
                assert isinstance(kind, ast.Constant) and isinstance(kind.value, str), (
                    f"{module}: declare a kind as a literal"
                )
                for target in node.targets:
                    assert isinstance(target, ast.Name)
                    found[(module, target.id)] = kind.value
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def _references() -> tuple[set[tuple[str, str]], set[str]]:
    """Constants of contracts modules that non-test code imports or reads, and string literals."""
    names: set[tuple[str, str]] = set()
    strings: set[str] = set()
    for module, path, tree in _sources(contracts=False):
        aliases: dict[str, str] = {}  # local name → contracts module imported as a whole
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _resolve(module, path, node)
                for alias in node.names:
                    if source.endswith(".contracts"):
                        names.add((source, alias.name))
                    elif alias.name == "contracts":
                        aliases[alias.asname or alias.name] = f"{source}.contracts"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in aliases:
                    names.add((aliases[node.value.id], node.attr))
    return names, strings


def test_the_scan_finds_every_kind_the_apps_declare():
    scanned = set(_declarations().values())
    registered = {
        kind
        for kind, spec in events.declared_kinds().items()
        if spec.module.endswith(".contracts") and spec.module.startswith("pingji.")
    }
    assert scanned == registered
    assert len(scanned) > 100


def test_every_declared_kind_is_used_outside_its_contracts_module():
    names, strings = _references()
    unused = sorted(
        f"{module}.{name} ({kind})"
        for (module, name), kind in _declarations().items()
        if (module, name) not in names and kind not in strings
    )
    assert not unused, "declared but never emitted, subscribed to or read: " + ", ".join(unused)


def _kind_argument(node: ast.Call) -> ast.expr | None:
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    if name in KIND_FIRST and node.args:
        return node.args[0]
    if name in KIND_SECOND and len(node.args) > 1:
        return node.args[1]
    if name == "DomainEvent":
        return next((k.value for k in node.keywords if k.arg == "kind"), None)
    return None


def test_no_kind_is_spelt_out_where_events_are_recorded_or_subscribed():
    """Kinds are passed as the declared constants, never as literals or f-strings."""
    spelt = []
    for module, _path, tree in _sources(contracts=False):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                kind = _kind_argument(node)
                if isinstance(kind, ast.Constant | ast.JoinedStr):
                    spelt.append(f"{module}:{node.lineno}: {ast.unparse(kind)}")
    assert not spelt, "use the constant from the app's contracts: " + "; ".join(spelt)
