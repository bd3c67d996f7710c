"""(A verbatim copy of the team's shared layering checker, so CI and pre-commit run it anywhere.)

Import layering of the project, read from the code's own imports (AST, every import, also inside functions).

Usage: python layers.py ROOT  -> prints violations, cycles and the size share of the biggest app; exit 1 if any rule fails.
Rules (the target of the re-layering issue):
  - a package may import only packages on a LOWER layer (never the same layer, never higher);
  - no import cycle between modules;
  - the biggest app holds at most 30% of the project's Python lines (tests, migrations, bench excluded).
"""
import ast
import pathlib
import sys

LAYERS = {
    "buurtbemiddeling": 0,
    "organisations": 1,
    "cases": 2,
    "referrals": 3, "partners": 3, "selfreport": 3,
    "reports": 4,
    "demo": 5,
}
SKIP_PARTS = {"migrations", "tests", "bench", ".venv", "node_modules", "staticfiles", "scripts"}


def modules(root):
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if SKIP_PARTS & set(rel.parts) or rel.parts[0] not in LAYERS:
            continue
        yield rel, path


def module_name(rel):
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path, modname, is_pkg):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = modname.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{alias.name}" for alias in node.names)
    return out


def main(root):
    root = pathlib.Path(root)
    mods, lines = {}, {}
    for rel, path in modules(root):
        name = module_name(rel)
        mods[name] = imports_of(path, name, rel.name == "__init__.py")
        lines[name] = sum(1 for _ in path.open(encoding="utf-8"))
    known = set(mods)
    bad, edges = [], {m: set() for m in mods}
    for mod, imps in mods.items():
        top = mod.split(".")[0]
        for imp in imps:
            itop = imp.split(".")[0]
            if itop in LAYERS and itop != top and LAYERS[itop] >= LAYERS[top]:
                bad.append(f"{mod} imports {imp} (layer {LAYERS[top]} -> {LAYERS[itop]})")
            # module-level edge for cycle detection: longest known prefix
            parts = imp.split(".")
            for i in range(len(parts), 0, -1):
                cand = ".".join(parts[:i])
                if cand in known and cand != mod:
                    edges[mod].add(cand)
                    break
    # cycles (Tarjan)
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in edges:
        if v not in index:
            strong(v)
    total = sum(lines.values())
    per_app = {}
    for m, n in lines.items():
        per_app[m.split(".")[0]] = per_app.get(m.split(".")[0], 0) + n
    big_app, big = max(per_app.items(), key=lambda kv: kv[1])
    share = big / total if total else 0
    for b in sorted(bad):
        print("UPWARD/SIDEWAYS:", b)
    for c in sccs:
        print("CYCLE:", " <-> ".join(c))
    print("apps:", ", ".join(f"{a} {n}" for a, n in sorted(per_app.items(), key=lambda kv: -kv[1])))
    ok = not bad and not sccs and share <= 0.30
    print(f"layers: {len(bad)} upward/sideways imports, {len(sccs)} cycles, biggest app {big_app} {share:.0%} of {total} lines"
          + ("" if ok else "  [short]"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
