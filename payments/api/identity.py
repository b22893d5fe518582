"""API of one's identity check (KYC): its state, and submitting it (multipart)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.strict import StrictSerializer
from marketplace.request_guard import MultiPartParser
from marketplace.text import validate_single_line
from marketplace.upload_limits import IDENTITY_IMAGES, UploadRateThrottle
from payments.models import IdentityCheck
from payments.services import identity as services


class IdentitySerializer(serializers.Serializer[Any]):
    """The owner's view: never the images (only Finance sees those), the NIK's last digits."""

    status = serializers.ChoiceField(
        choices=[("none", "none"), *IdentityCheck.Status.choices],
        help_text="none: never submitted. Withdrawals need approved.",
    )
    legal_name = serializers.CharField()
    nik_last_digits = serializers.CharField()
    rejection_reason = serializers.CharField(help_text="Why it was rejected; submit again.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    can_submit = serializers.BooleanField()


def identity_data(check: IdentityCheck | None) -> dict[str, Any]:
    if check is None:
        return {
            "status": "none",
            "legal_name": "",
            "nik_last_digits": "",
            "rejection_reason": "",
            "submitted_at": None,
            "decided_at": None,
            "can_submit": True,
        }
    return {
        "status": check.status,
        "legal_name": check.legal_name,
        "nik_last_digits": check.nik[-4:],
        "rejection_reason": check.rejection_reason,
        "submitted_at": check.created_at,
        "decided_at": check.decided_at,
        "can_submit": check.status == IdentityCheck.Status.REJECTED,
    }


class IdentitySubmitSerializer(StrictSerializer):
    legal_name = serializers.CharField(
        validators=[validate_single_line], min_length=2, max_length=100, help_text="As on the KTP."
    )
    nik = serializers.RegexField(r"^[0-9]{16}$", help_text="The 16-digit NIK on the KTP.")
    ktp_image = serializers.FileField(help_text="A photo of the KTP: JPEG, PNG or WebP, 5 MB.")
    selfie_image = serializers.FileField(help_text="A selfie holding the KTP, as above.")


@extend_schema(tags=["wallet"])
class MyIdentityApi(APIView):
    parser_classes = [MultiPartParser]
    upload_limit = IDENTITY_IMAGES
    throttle_classes = [UploadRateThrottle]
    extra_error_codes = ["409"]

    @extend_schema(responses=IdentitySerializer)
    def get(self, request: SignedInRequest) -> Response:
        check = services.identity_current(user=request.user)
        return Response(IdentitySerializer(identity_data(check)).data)

    @extend_schema(request=IdentitySubmitSerializer, responses={201: IdentitySerializer})
    def post(self, request: SignedInRequest) -> Response:
        """Submit one's legal name, NIK, KTP photo and selfie; Finance approves or rejects."""
        serializer = IdentitySubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.identity_submit(user=request.user, **serializer.validated_data)
        return Response(
            IdentitySerializer(identity_data(check)).data, status=status.HTTP_201_CREATED
        )
