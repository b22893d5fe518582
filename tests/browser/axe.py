"""axe-core, the accessibility engine, run on a page a browser test has open.

``assert_accessible(page, "wallet")`` runs axe's WCAG 2.1 A/AA rules on the page as it is now
and fails with the rule, its impact and the offending elements for every serious or critical
violation. Minor and moderate findings are reported by ``axe_violations`` but not judged: the
goal the product set is no serious or critical violation on any page state.

axe is the npm package pinned in package.json (``npm ci`` installs it; `make test` does). It is
evaluated through Playwright's CDP channel, not a <script> tag, so the page's
Content-Security-Policy stays as strict as it is for users (a script tag would be blocked, and
the csp_violations fixture would rightly fail the test).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
JUDGED = {"serious", "critical"}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@cache
def axe_source() -> str:
    if not AXE.exists():
        problem = "axe-core is not installed (npm ci)"
        if os.environ.get("CI") == "true" or os.environ.get("GARAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CI=true or GARAP_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(f"{problem}: the accessibility checks need it (CI fails instead)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it stands (all impacts)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate("options => window.axe.run(document, options)", RULES)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {found['impact']}: {found['id']} ({found['help']}) on "
        + ", ".join(" ".join(node["target"]) for node in found["nodes"][:5])
        for found in violations
    )


def assert_accessible(page: Any, name: str) -> None:
    judged = [found for found in axe_violations(page) if found["impact"] in JUDGED]
    assert judged == [], f"{name}: axe found serious or critical problems:\n{describe(judged)}"
