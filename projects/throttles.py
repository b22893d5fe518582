"""Throttles that the API and the pages share, so one account's requests count once whichever
way they come."""

from __future__ import annotations

from marketplace.throttles import UserRateThrottle


class ReportRateThrottle(UserRateThrottle):
    """A flood of reports from one account is abuse of its own; moderators read each one.
    ``POST reports/`` and the report page draw on the same allowance."""

    scope = "reports"
    rate_setting = "REPORT_THROTTLE_RATE"
