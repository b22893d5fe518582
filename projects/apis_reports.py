"""API views for reports: anyone signed in flags what they can see; they follow the outcome."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from accounts.selectors import user_get_active
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.throttles import UserRateThrottle
from projects.models import Report
from projects.selectors.reports import report_list_mine
from projects.serializers_reports import ReportCreateSerializer, ReportSerializer
from projects.services import reports


class ReportRateThrottle(UserRateThrottle):
    """A flood of reports from one account is abuse of its own; moderators read each one."""

    scope = "reports"
    rate_setting = "REPORT_THROTTLE_RATE"


@extend_schema(tags=["reports"])
class ReportsApi(APIView):
    def get_throttles(self) -> list:
        return [ReportRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(ReportSerializer))
    def get(self, request: SignedInRequest) -> Response:
        """The reports you made, newest first, with their outcome once resolved."""
        mine = report_list_mine(reporter=request.user)
        return paginate(self, request, mine, ReportSerializer, ("-created_at", "-id"))

    @extend_schema(
        request=ReportCreateSerializer, responses={201: ReportSerializer, 200: ReportSerializer}
    )
    def post(self, request: SignedInRequest) -> Response:
        """Report a gig, bid, profile, portfolio item, review or message you can see. Reporting
        the same thing again while your report is open returns that report (200)."""
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target_id = data.get("target_id")
        if data["target_type"] == Report.TargetType.PROFILE:
            target_id = user_get_active(username=data["username"]).pk
        report, created = reports.report_create(
            reporter=request.user,
            target_type=data["target_type"],
            target_id=target_id,
            reason=data["reason"],
            note=data["note"],
        )
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
