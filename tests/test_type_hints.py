"""Every service and selector signature carries type hints (parameters and return)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules that write (services) and read for pages (selectors), by name and by role.
MODULES = ["*/services.py", "*/selectors.py", "cases/privacy.py", "cases/timeline.py", "referrals/milestones.py"]


def _unannotated(path: Path) -> list[str]:
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        args += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
        bare = [a.arg for a in args if a.annotation is None and a.arg not in ("self", "cls")]
        if bare or node.returns is None:
            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({', '.join(bare)})")
    return missing


def test_every_service_and_selector_signature_is_typed():
    paths = sorted({path for pattern in MODULES for path in ROOT.glob(pattern)})
    assert paths
    missing = [item for path in paths for item in _unannotated(path)]
    assert missing == []
