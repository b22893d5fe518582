"""House rule (STYLE.md, "Layout"): a hand-written module past 400 lines becomes a package of
modules that each say what they do. Migrations are generated, and word lists are data, so neither
counts."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("accounts", "projects", "payments", "marketplace", "faults", "bench", "scripts")
MAX_LINES = 400
# Word lists: data the demo generator draws from, not code to read. Add only data files here.
ALLOWED = {
    "projects/sample_data/generate/words.py",  # names, skills and phrases for demo data
}


def _modules() -> list[Path]:
    return sorted(
        path
        for top in CHECKED
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_hand_written_module_is_over_400_lines():
    over = {
        str(path.relative_to(ROOT)): _lines(path)
        for path in _modules()
        if str(path.relative_to(ROOT)) not in ALLOWED and _lines(path) > MAX_LINES
    }
    assert over == {}


def test_the_check_reads_every_checked_tree_and_the_allow_list_is_real():
    modules = {str(path.relative_to(ROOT)) for path in _modules()}
    for top in CHECKED:
        assert any(m.startswith(f"{top}/") for m in modules), top
    assert not any("/migrations/" in m for m in modules)
    # An allowed file that is gone or has shrunk under the limit should leave the list.
    assert all(name in modules and _lines(ROOT / name) > MAX_LINES for name in ALLOWED)
