"""The API of bids: sealed bids on a gig, their edits, and the client's and freelancer's
actions on them (accepting one makes the contract).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.shared import ShownTextField
from accounts.requests import SignedInRequest
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.rupiah import RupiahAmountField
from marketplace.api.strict import StrictSerializer
from projects.api.shared import (
    CONTACT_DETAILS_HIDDEN_HELP,
    ContactMaskingMixin,
    ContractSerializer,
    FeeFieldsMixin,
    PersonSerializer,
)
from projects.models import Bid
from projects.selectors import bids as bid_selectors
from projects.selectors import contracts as contract_selectors
from projects.selectors import gigs as gig_selectors
from projects.services import bids as bid_services


class BidSerializer(ContactMaskingMixin, FeeFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    gig = serializers.IntegerField(source="gig_id")
    freelancer = PersonSerializer()
    amount = serializers.IntegerField(help_text="Whole rupiah the client pays.")
    delivery_days = serializers.IntegerField()
    cover_letter = ShownTextField()
    revisions_included = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Bid.Status.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    contact_details_hidden = serializers.SerializerMethodField(
        help_text=CONTACT_DETAILS_HIDDEN_HELP
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_contact_details_hidden(self, bid: Bid) -> list[str]:
        return self._hidden_for_author(bid.contact_flags, bid.freelancer_id)


class BidWriteSerializer(StrictSerializer):
    amount = RupiahAmountField(
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text="Whole rupiah, at least the category's minimum price.",
    )
    delivery_days = serializers.IntegerField(
        min_value=Bid.DELIVERY_DAYS_MIN, max_value=Bid.DELIVERY_DAYS_MAX
    )
    cover_letter = serializers.CharField(
        min_length=Bid.COVER_LETTER_MIN_LENGTH, max_length=Bid.COVER_LETTER_MAX_LENGTH
    )
    revisions_included = serializers.IntegerField(
        min_value=0, max_value=Bid.REVISIONS_MAX, default=Bid.REVISIONS_DEFAULT
    )


class BidUpdateSerializer(BidWriteSerializer):
    revisions_included = serializers.IntegerField(min_value=0, max_value=Bid.REVISIONS_MAX)


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["bids"])
class GigBidsApi(APIView):
    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(BidSerializer))
    def get(self, request: SignedInRequest, gig_id: int) -> Response:
        """The gig's client sees every bid; a freelancer sees only their own (bids are sealed)."""
        gig = gig_selectors.gig_get(gig_id=gig_id, user=request.user)
        bids = bid_selectors.bid_list_for_gig(gig=gig, user=request.user)
        return paginate(self, request, bids, BidSerializer)

    @extend_schema(request=BidWriteSerializer, responses={201: BidSerializer})
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = BidWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bid = bid_services.bid_place(
            gig_id=gig_id, freelancer=request.user, **serializer.validated_data
        )
        return Response(
            BidSerializer(bid, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["bids"])
class BidDetailApi(APIView):
    @extend_schema(responses=BidSerializer)
    def get(self, request: SignedInRequest, bid_id: int) -> Response:
        bid = bid_selectors.bid_get(bid_id=bid_id, user=request.user)
        return Response(BidSerializer(bid, context={"request": request}).data)

    @extend_schema(request=BidUpdateSerializer(partial=True), responses=BidSerializer)
    def patch(self, request: SignedInRequest, bid_id: int) -> Response:
        serializer = BidUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        bid = bid_services.bid_update(
            bid_id=bid_id, actor=request.user, **serializer.validated_data
        )
        return Response(BidSerializer(bid, context={"request": request}).data)


def _bid_action(service: Any) -> type[APIView]:
    @extend_schema(tags=["bids"], request=None, responses=BidSerializer)
    class BidActionApi(APIView):
        def post(self, request: Request, bid_id: int) -> Response:
            bid = service(bid_id=bid_id, actor=request.user)
            return Response(BidSerializer(bid, context={"request": request}).data)

    BidActionApi.__name__ = f"Bid{service.__name__.split('_')[-1].title()}Api"
    return BidActionApi


BidWithdrawApi = _bid_action(bid_services.bid_withdraw)
BidShortlistApi = _bid_action(bid_services.bid_shortlist)
BidRejectApi = _bid_action(bid_services.bid_reject)


@extend_schema(tags=["bids"], request=None, responses=ContractSerializer)
class BidAcceptApi(APIView):
    def post(self, request: SignedInRequest, bid_id: int) -> Response:
        """Accept the bid: the contract and its first milestone are created."""
        contract = bid_services.bid_accept(bid_id=bid_id, actor=request.user)
        contract = contract_selectors.contract_get(contract_id=contract.pk, user=request.user)
        return Response(ContractSerializer(contract, context={"request": request}).data)
