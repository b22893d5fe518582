"""API views of the marketplace loop: gigs, bids, invitations, contracts, messages.

Each view validates input, makes one service or selector call and serializes the answer.
Reads are scoped by the selectors (a non-party gets 404); rules live in the services.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from accounts.selectors import category_list, skill_list
from marketplace.api.files import download, with_file_list
from marketplace.api.pagination import (
    CursorPagination,
    PageQuerySerializer,
    page_of,
    paginate,
    paginate_with,
)
from marketplace.api.query import validated_query
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from marketplace.request_guard import JSONParser, MultiPartParser
from marketplace.upload_limits import DOCUMENT, DOCUMENTS, UploadRateThrottle
from projects.policies.gigs import content_flags_shown, rejection_reason_shown
from projects.selectors import bids as bid_selectors
from projects.selectors import contracts as contract_selectors
from projects.selectors import gigs as gig_selectors
from projects.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BidSerializer,
    BidUpdateSerializer,
    BidWriteSerializer,
    CategorySerializer,
    ContractListQuerySerializer,
    ContractSerializer,
    DeliverySerializer,
    GigBrowseQuerySerializer,
    GigCreateSerializer,
    GigListSerializer,
    GigSerializer,
    GigWriteSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    MilestoneSerializer,
    MilestoneSplitSerializer,
    SkillQuerySerializer,
    SkillSerializer,
    gig_cards,
)
from projects.services import bids as bid_services
from projects.services import contracts as contract_services
from projects.services import gigs as gig_services

DOWNLOAD = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


# --- taxonomy -------------------------------------------------------------------------------


class TaxonomyPagination(CursorPagination):
    ordering = ("position", "id")


@extend_schema(tags=["taxonomy"])
class CategoryListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(CategorySerializer))
    def get(self, request: Request) -> Response:
        return paginate(
            self,
            request,
            category_list(),
            CategorySerializer,
            ordering=("position", "id"),
        )


@extend_schema(tags=["taxonomy"])
class SkillListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SkillQuerySerializer], responses=page_of(SkillSerializer))
    def get(self, request: Request) -> Response:
        query = validated_query(SkillQuerySerializer, request)
        skills = skill_list(category_id=query.get("category"))
        return paginate(self, request, skills, SkillSerializer, ordering=("name", "id"))


# --- gigs -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _browse_query(params: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Any]:
    # Remembered per query string: the first pages of browse are most requests, and DRF builds
    # the query serializer's eleven fields anew for each (a tenth of the list's time, issue #9).
    # The answer depends on the parameters alone (no user, no clock); a refusal is not
    # remembered, so it is worded in each request's language.
    query_params = QueryDict(mutable=True)
    for name, values in params:
        query_params.setlist(name, list(values))
    return validated_query(GigBrowseQuerySerializer, SimpleNamespace(query_params=query_params))


def _gig_response(gig: Any, request: Request, status_code: int = 200) -> Response:
    data = GigSerializer(gig, context={"request": request}).data
    data["rejection_reason"] = rejection_reason_shown(gig, request.user)
    data["content_flags"] = content_flags_shown(gig, request.user)
    return Response(data, status=status_code)


@extend_schema(tags=["gigs"])
class GigListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(parameters=[GigBrowseQuerySerializer], responses=page_of(GigListSerializer))
    def get(self, request: Request) -> Response:
        """Open public gigs with search, filters and sorting; ``mine=true``: your own gigs."""
        # A copy: the remembered answer is shared (its values are not changed below).
        params = tuple((name, tuple(values)) for name, values in request.query_params.lists())
        query = dict(_browse_query(params))
        if query.pop("mine"):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            rows = gig_selectors.gig_list_owned_rows(user=request.user, status=query.get("status"))
            return paginate_with(self, request, rows, self._cards)
        for key in ("status", "cursor", "page_size"):
            query.pop(key, None)
        rows = gig_selectors.gig_browse_rows(**query)
        return paginate_with(
            self, request, rows, self._cards, ordering=gig_selectors.SORTS[query["sort"]]
        )

    def _cards(self, rows: list[Any]) -> list[dict[str, Any]]:
        # GigListSerializer's output (the schema above), built from rows: see gig_cards.
        skills = gig_selectors.gig_card_skills([row.id for row in rows])
        return gig_cards(rows, skills, self.request.user)

    @extend_schema(request=GigCreateSerializer, responses={201: GigSerializer})
    def post(self, request: SignedInRequest) -> Response:
        serializer = GigCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gig = gig_services.gig_create(client=request.user, **serializer.validated_data)
        gig = gig_selectors.gig_get(gig_id=gig.pk, user=request.user)
        return _gig_response(gig, request, status.HTTP_201_CREATED)


@extend_schema(tags=["gigs"])
class GigDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=GigSerializer)
    def get(self, request: Request, gig_id: int) -> Response:
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)

    @extend_schema(request=GigWriteSerializer(partial=True), responses=GigSerializer)
    def patch(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = GigWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        gig_services.gig_update(gig_id=gig_id, actor=request.user, **serializer.validated_data)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_delete(gig_id=gig_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["gigs"], request=None, responses=GigSerializer)
class GigSubmitApi(APIView):
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_submit(gig_id=gig_id, actor=request.user)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)


@extend_schema(tags=["gigs"], request=None, responses=GigSerializer)
class GigCancelApi(APIView):
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        gig_services.gig_cancel(gig_id=gig_id, actor=request.user)
        return _gig_response(gig_selectors.gig_get(gig_id=gig_id, user=request.user), request)


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


@extend_schema(tags=["gigs"])
class GigAttachmentsApi(APIView):
    parser_classes = [MultiPartParser]
    upload_limit = DOCUMENT
    throttle_classes = [UploadRateThrottle]

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    def post(self, request: SignedInRequest, gig_id: int) -> Response:
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = gig_services.gig_attachment_add(
            gig_id=gig_id, actor=request.user, upload=serializer.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["gigs"])
class GigAttachmentDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD)
    def get(self, request: Request, gig_id: int, attachment_id: int) -> Any:
        attachment = gig_selectors.gig_attachment_get(
            gig_id=gig_id, attachment_id=attachment_id, user=request.user
        )
        return download(attachment.file, attachment.original_name)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInRequest, gig_id: int, attachment_id: int) -> Response:
        gig_services.gig_attachment_remove(
            gig_id=gig_id, attachment_id=attachment_id, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- bids -----------------------------------------------------------------------------------


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


# --- contracts ------------------------------------------------------------------------------


@extend_schema(tags=["contracts"])
class ContractListApi(APIView):
    @extend_schema(parameters=[ContractListQuerySerializer], responses=page_of(ContractSerializer))
    def get(self, request: SignedInRequest) -> Response:
        query = validated_query(ContractListQuerySerializer, request)
        contracts = contract_selectors.contract_list(user=request.user, status=query.get("status"))
        return paginate(self, request, contracts, ContractSerializer)


@extend_schema(tags=["contracts"])
class ContractDetailApi(APIView):
    @extend_schema(responses=ContractSerializer)
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return Response(ContractSerializer(contract, context={"request": request}).data)


@extend_schema(tags=["contracts"])
class ContractMilestonesApi(APIView):
    @extend_schema(
        request=MilestoneSplitSerializer, responses={201: MilestoneSerializer(many=True)}
    )
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        """Replace the milestones (before any is funded) with parts adding up to the amount."""
        serializer = MilestoneSplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestones = contract_services.milestones_split(
            contract_id=contract_id,
            actor=request.user,
            parts=serializer.validated_data["milestones"],
        )
        return Response(
            MilestoneSerializer(milestones, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["contracts"])
class ContractMessagesApi(APIView):
    parser_classes = [JSONParser, MultiPartParser]
    upload_limit = DOCUMENTS
    throttle_classes = [UploadRateThrottle]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(MessageSerializer))
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return paginate(
            self, request, contract_selectors.message_list(contract=contract), MessageSerializer
        )

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: SignedInRequest, contract_id: int) -> Response:
        data = with_file_list(request.data)
        serializer = MessageCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        message = contract_services.message_post(
            contract_id=contract_id, actor=request.user, **serializer.validated_data
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["contracts"])
class MessageAttachmentApi(APIView):
    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD)
    def get(self, request: SignedInRequest, contract_id: int, attachment_id: int) -> Any:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        attachment = contract_selectors.message_attachment_get(
            contract=contract, attachment_id=attachment_id
        )
        return download(attachment.file, attachment.original_name)


@extend_schema(tags=["milestones"])
class ContractDeliveriesApi(APIView):
    """What the freelancer delivered on the contract's milestones, newest first: each delivery's
    note, its files with their download links, and the revision the client asked of it. The
    contract's parties and moderators."""

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(DeliverySerializer))
    def get(self, request: SignedInRequest, contract_id: int) -> Response:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        return paginate(
            self,
            request,
            contract_selectors.delivery_list(contract=contract),
            DeliverySerializer,
            contract_id=contract.pk,
        )


@extend_schema(tags=["milestones"])
class DeliveryFileApi(APIView):
    """A file the freelancer delivered: the contract's parties and moderators download it."""

    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(responses=DOWNLOAD)
    def get(self, request: SignedInRequest, contract_id: int, file_id: int) -> Any:
        contract = contract_selectors.contract_get(contract_id=contract_id, user=request.user)
        delivered = contract_selectors.delivery_file_get(contract=contract, file_id=file_id)
        return download(delivered.file, delivered.original_name)
