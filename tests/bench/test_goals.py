"""The benchmark's arithmetic: ratios of medians, bounds both ways, two runs of three, query
counts held equal and bounded. (The measurements themselves: tests/bench/test_probe.py, and
`make bench-smoke` in CI.)"""

from __future__ import annotations

import pytest

from bench.__main__ import render
from bench.goals import GOALS, Goal, query_rows
from bench.measure import p95

NAMES = {"small": "1k", "medium": "100k", "large": "1M"}


def test_a_ratio_is_the_median_of_one_side_over_the_median_of_the_other():
    goal = Goal("x", "top", "bottom", 1.5)
    # Medians 30 and 20, whatever the outliers.
    assert goal.ratio({"top": [30, 1000, 10], "bottom": [20, 21, 1]}) == pytest.approx(1.5)


def test_bounds_hold_both_ways():
    at_most = Goal("x", "a", "b", 1.5)
    at_least = Goal("y", "a", "b", 0.2, at_least=True)
    assert at_most.passes(1.5)
    assert not at_most.passes(1.51)
    assert at_least.passes(0.2)
    assert not at_least.passes(0.19)
    assert (at_most.threshold, at_least.threshold) == ("≤ 1.5×", "≥ 0.2×")


def test_p95_of_a_hundred_values_is_the_ninety_fifth():
    assert p95([float(n) for n in range(1, 101)]) == pytest.approx(95.05)


def test_query_counts_must_be_equal_and_within_their_bounds():
    rows = query_rows(
        {"gig list": 2, "freelancer list": 2, "gig detail, no bids, anonymous": 4},
        {"gig list": 2, "freelancer list": 3, "gig detail, no bids, anonymous": 4},
    )
    verdicts = {name: ok for name, _, _, _, ok in rows}
    assert verdicts == {
        "gig list": True,
        "freelancer list": False,  # grew with the data
        "gig detail, no bids, anonymous": False,  # equal, but over its bound of 3
    }


def _figures(overrides: dict[str, float]) -> dict[str, list[float]]:
    """Every figure 1.0 — which passes every goal but the sweep's, given 0.01 — then these."""
    names = {name for goal in GOALS for name in (goal.numerator, goal.denominator)}
    figures = {name: [1.0] for name in names}
    figures["sweep indexed large"] = [0.01]
    figures.update({name: [value] for name, value in overrides.items()})
    return figures


def test_a_goal_passes_in_two_runs_of_three_and_fails_in_one():
    queries = {"counts": {"gig list": 2}}
    runs = [
        _figures({"list p95 large": 1.2, "nightly large": 2.5}),
        _figures({"list p95 large": 1.9, "nightly large": 2.4}),
        _figures({"list p95 large": 1.4, "nightly large": 1.8}),
    ]
    report = render(
        smoke=False,
        setup="test",
        names=NAMES,
        queries={"small": queries, "large": queries},
        runs=runs,
    )
    lines = report.text.splitlines()
    list_row = next(line for line in lines if line.startswith("| gig list p95, 1M ÷ 1k"))
    nightly_row = next(line for line in lines if line.startswith("| nightly reputation"))
    assert list_row.endswith("| 1.20× | 1.90× | 1.40× | ≤ 1.5× | pass (2 of 3) |")
    assert nightly_row.endswith("| 2.50× | 2.40× | 1.80× | ≤ 2× | FAIL (1 of 3) |")
    assert report.goal_failures == 1
    assert report.query_failures == 0
    assert "| gig list | 2 | 2 | equal, ≤ 2 | pass |" in lines
