"""The API of a gig's invitations: its client invites freelancers to bid on it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.strict import StrictSerializer
from projects.api.shared import PersonSerializer
from projects.selectors import gigs as gig_selectors
from projects.services import gigs as gig_services


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    freelancer = PersonSerializer()
    created_at = serializers.DateTimeField()


class InvitationCreateSerializer(StrictSerializer):
    freelancer = serializers.CharField(max_length=30, help_text="The freelancer's username.")


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["gigs"])
class GigInvitationsApi(APIView):
    def _own_gig(self, request: Request, gig_id: int) -> Any:
        gig = gig_selectors.gig_get(gig_id=gig_id, user=request.user)
        if gig.client_id != request.user.pk:
            gig_selectors.raise_not_found()
        return gig

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(InvitationSerializer))
    def get(self, request: Request, gig_id: int) -> Response:
        gig = self._own_gig(request, gig_id)
        return paginate(self, request, gig_selectors.invitation_list(gig=gig), InvitationSerializer)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = gig_services.gig_invite(
            gig_id=gig_id,
            actor=request.user,
            freelancer_username=serializer.validated_data["freelancer"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
