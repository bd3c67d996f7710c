"""The app floors hold: no import from a lower floor to a higher one or sideways, no cycle,
no app above 30% of the lines (scripts/layers.py, the check docs/architecture.md describes)."""

import contextlib
import importlib.util
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_layering_check_finds_no_violation():
    spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
    layers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layers)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = layers.main(ROOT)
    assert status == 0, output.getvalue()


def test_only_the_timeline_module_writes_case_events():
    writers = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {"tests", "bench", ".venv", "node_modules"} or "migrations" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "CaseEvent.objects.create" in text or "CaseEvent(" in text.replace("class CaseEvent(", ""):
            writers.append(str(rel))
    assert writers == ["cases/timeline.py"]
