"""The import rules (pyproject.toml [tool.importlinter]) fail `make lint` when broken.

Each test copies the apps into a folder of its own, adds one wrong import, and runs the check
there: the real tree is never touched. The unchanged copy passes, so a failure is the import's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "payments", "projects", "marketplace"]
TOOLS = Path(sys.prefix) / "bin"
INSTALLED = f"{sys.prefix}/.installed-dev"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of what `make lint` reads."""
    for name in APPS:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"),
        )
    for name in ["pyproject.toml", "Makefile", "requirements.txt", "requirements-dev.txt"]:
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def make_lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        # -o: never reinstall the tools from here, whatever the files' times say.
        ["make", "--no-print-directory", "-o", INSTALLED, "lint", f"VENV={sys.prefix}"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=180,
    )


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TOOLS / "lint-imports"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=180,
    )


def add_module(tree: Path, module: str, source: str) -> None:
    path = tree.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(source)


def test_an_upward_import_fails_make_lint(tree: Path) -> None:
    clean = make_lint(tree)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # accounts is the lowest app: one import of projects, however tidy, breaks the rule.
    add_module(
        tree,
        "accounts.upward",
        '"""Reads a gig."""\n\nfrom projects.models import Gig\n\n__all__ = ["Gig"]\n',
    )
    broken = make_lint(tree)

    assert broken.returncode != 0
    assert "Apps depend one way: projects → payments → accounts BROKEN" in broken.stdout
    assert "accounts.upward -> projects.models (l.3)" in broken.stdout


@pytest.mark.parametrize(
    ("module", "imported", "contract"),
    [
        (
            "payments.upward",
            "projects.models",
            "Apps depend one way: projects → payments → accounts BROKEN",
        ),
        (
            "projects.services.serialized",
            "projects.api.gigs.serializers",
            "Models, services, selectors and tasks never import the API, serializers, pages",
        ),
        ("projects.pages.api_backed", "projects.api.gigs.views", "Pages never import API modules"),
        (
            "projects.services.seeded",
            "projects.sample_data.demo",
            "Nothing that serves people imports the demo data",
        ),
    ],
)
def test_each_rule_names_the_wrong_import(
    tree: Path, module: str, imported: str, contract: str
) -> None:
    assert lint_imports(tree).returncode == 0

    add_module(tree, module, f'"""A module."""\n\nimport {imported}  # noqa: F401\n')
    result = lint_imports(tree)

    assert result.returncode != 0
    # Long contract names wrap in the report.
    assert contract in result.stdout.replace("\n", " ")
    assert f"{module} -> {imported} (l.3)" in result.stdout
