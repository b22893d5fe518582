"""Each field's limits have one home, the model's constants: the model field, the API's
serializer and the page's form all take them from there, so they cannot drift apart."""

from __future__ import annotations

import pytest
from django.core.validators import MaxValueValidator, MinValueValidator

from projects.api.bids import BidUpdateSerializer, BidWriteSerializer
from projects.api.contracts import MilestonePartSerializer
from projects.api.gigs.serializers import GigWriteSerializer
from projects.models import Bid, Gig, Milestone
from projects.pages.gig_forms import BidForm, GigForm

# (model, field, the limits it owns: attribute on the field -> the model's constant)
TEXT = [
    (Gig, "title", GigWriteSerializer, GigForm, "TITLE_MIN_LENGTH", "TITLE_MAX_LENGTH"),
    (
        Gig,
        "description",
        GigWriteSerializer,
        GigForm,
        "DESCRIPTION_MIN_LENGTH",
        "DESCRIPTION_MAX_LENGTH",
    ),
    (
        Bid,
        "cover_letter",
        BidWriteSerializer,
        BidForm,
        "COVER_LETTER_MIN_LENGTH",
        "COVER_LETTER_MAX_LENGTH",
    ),
]


@pytest.mark.parametrize(("model", "name", "serializer", "form", "low", "high"), TEXT)
def test_text_lengths_come_from_the_model(model, name, serializer, form, low, high):
    minimum, maximum = getattr(model, low), getattr(model, high)
    assert model._meta.get_field(name).max_length == maximum
    api_field = serializer().fields[name]
    assert (api_field.min_length, api_field.max_length) == (minimum, maximum)
    page_field = form.base_fields[name]
    assert (page_field.min_length, page_field.max_length) == (minimum, maximum)


def _validator_limits(model, name) -> tuple[int, int]:
    """The narrowest bounds the model field's validators allow (the field adds its own 0)."""
    validators = model._meta.get_field(name).validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


def test_delivery_days_come_from_the_bid():
    assert _validator_limits(Bid, "delivery_days") == (Bid.DELIVERY_DAYS_MIN, Bid.DELIVERY_DAYS_MAX)
    api_field = BidWriteSerializer().fields["delivery_days"]
    page_field = BidForm.base_fields["delivery_days"]
    for field in (api_field, page_field):
        assert (field.min_value, field.max_value) == (Bid.DELIVERY_DAYS_MIN, Bid.DELIVERY_DAYS_MAX)


def test_revisions_come_from_the_bid():
    model_field = Bid._meta.get_field("revisions_included")
    assert model_field.default == Bid.REVISIONS_DEFAULT
    assert _validator_limits(Bid, "revisions_included") == (0, Bid.REVISIONS_MAX)
    api_field = BidWriteSerializer().fields["revisions_included"]
    assert (api_field.max_value, api_field.default) == (Bid.REVISIONS_MAX, Bid.REVISIONS_DEFAULT)
    assert BidUpdateSerializer().fields["revisions_included"].max_value == Bid.REVISIONS_MAX
    page_field = BidForm.base_fields["revisions_included"]
    assert (page_field.max_value, page_field.initial) == (Bid.REVISIONS_MAX, Bid.REVISIONS_DEFAULT)


def test_a_milestone_title_holds_its_gig_title():
    assert Milestone._meta.get_field("title").max_length == Milestone.TITLE_MAX_LENGTH
    assert Milestone.TITLE_MAX_LENGTH >= Gig.TITLE_MAX_LENGTH
    assert MilestonePartSerializer().fields["title"].max_length == Milestone.TITLE_MAX_LENGTH


def test_the_published_limits_are_the_ones_people_were_told():
    # The numbers themselves: the API's schema and the pages' help texts promise them.
    assert (Gig.TITLE_MIN_LENGTH, Gig.TITLE_MAX_LENGTH) == (5, 120)
    assert (Gig.DESCRIPTION_MIN_LENGTH, Gig.DESCRIPTION_MAX_LENGTH) == (20, 5000)
    assert (Bid.COVER_LETTER_MIN_LENGTH, Bid.COVER_LETTER_MAX_LENGTH) == (20, 3000)
    assert (Bid.DELIVERY_DAYS_MIN, Bid.DELIVERY_DAYS_MAX) == (1, 90)
    assert (Bid.REVISIONS_MAX, Bid.REVISIONS_DEFAULT) == (10, 2)
