"""The checks run on each commit (.pre-commit-config.yaml) are real: pre-commit accepts the
configuration, each hook's tool is installed, and the one hook that no CI step runs —
django-upgrade — finds nothing to rewrite in the code, and would if an old idiom came back."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = ROOT / ".pre-commit-config.yaml"


def _hooks() -> list[dict]:
    return [hook for repo in yaml.safe_load(CONFIG.read_text())["repos"] for hook in repo["hooks"]]


def _django_upgrade(files: list[Path]) -> subprocess.CompletedProcess:
    hook = next(h for h in _hooks() if h["id"] == "django-upgrade")
    args = shlex.split(hook["entry"])[1:]
    return subprocess.run(
        [str(BIN / "django-upgrade"), *args, *map(str, files)], capture_output=True, text=True
    )


def test_pre_commit_accepts_the_configuration_and_every_tool_is_installed():
    checked = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", str(CONFIG)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ids = {hook["id"] for hook in _hooks()}
    assert {"ruff", "ruff-format", "django-upgrade", "lint-imports", "migrations"} <= ids
    for hook in _hooks():
        words = [w for w in shlex.split(hook["entry"]) if w != "env" and "=" not in w]
        tool = words[0]
        assert tool.startswith(".venv/bin/"), hook["id"]
        assert (BIN / Path(tool).name).exists(), f"{hook['id']}: {tool} is not installed"


def test_django_upgrade_finds_nothing_to_rewrite(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    copies = []
    for name in tracked:
        if "/migrations/" in name:
            continue
        copy = tmp_path / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, copy)
        copies.append(copy)
    assert len(copies) > 100

    result = _django_upgrade(copies)

    rewritten = [line for line in result.stderr.splitlines() if line.startswith("Rewriting")]
    assert not rewritten
    assert result.returncode == 0, result.stderr


def test_django_upgrade_rewrites_an_old_idiom(tmp_path):
    old = tmp_path / "old.py"
    old.write_text('def language(request):\n    return request.META["HTTP_ACCEPT_LANGUAGE"]\n')

    result = _django_upgrade([old])

    assert result.returncode != 0
    assert 'request.headers["accept-language"]' in old.read_text()
