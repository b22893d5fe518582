"""Rupiah as people type them: the one parser, the page forms' field and the API's field.

The pages' and the API's own tests (tests/pages, tests/*/test_bad_input.py) check each form and
endpoint with an amount; here, the shapes an amount may and may not take.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from drf_spectacular.generators import SchemaGenerator

from marketplace.api.rupiah import TYPED_PATTERN, RupiahAmountField
from marketplace.api.strict import StrictSerializer
from marketplace.rupiah import RupiahField, RupiahInputError, parse_rupiah, rupiah_digits

ACCEPTED = [
    ("150000", 150_000),
    ("150.000", 150_000),
    ("150 000", 150_000),
    ("150\u00a0000", 150_000),  # a no-break space, as copied prices and some keyboards have
    ("150\u202f000", 150_000),  # a narrow no-break space
    ("Rp 150.000", 150_000),
    ("Rp150.000", 150_000),
    ("rp. 150.000", 150_000),
    ("RP 150.000", 150_000),
    ("IDR 150.000", 150_000),
    ("Rp 150.000,-", 150_000),  # ",-": no cents, as price tags write it
    ("  150.000  ", 150_000),
    ("1.500.000", 1_500_000),
    ("1 500 000", 1_500_000),
    ("150,000", 150_000),  # the wallet forms always took a comma between groups of three
    ("10.000", 10_000),
    ("1", 1),
    ("0", 0),
    ("999.999.999.999.999", 999_999_999_999_999),
]

REFUSED = [
    ("150.000,50", "decimal"),
    ("150.000,00", "decimal"),
    ("1,5", "decimal"),
    ("12,5", "decimal"),
    ("150.00", "decimal"),
    ("-150.000", "negative"),
    ("−150.000", "negative"),  # the minus sign, not a hyphen
    ("Rp -150.000", "negative"),
    ("", "invalid"),
    ("   ", "invalid"),
    ("Rp", "invalid"),
    ("seratus ribu", "invalid"),
    ("150rb", "invalid"),
    ("1.50.000", "invalid"),  # groups of three only
    ("15.0000", "invalid"),
    ("1.500 000", "invalid"),  # one separator throughout
    ("150.000.", "invalid"),
    (".150", "invalid"),
    ("1e6", "invalid"),
    ("0x10", "invalid"),
    ("١٥٠", "invalid"),  # digits of another script
    ("1.000.000.000.000.000", "too_long"),
    ("9" * 16, "too_long"),
    ("9" * 41, "too_long"),
    ("Rp " + "1" * 100, "too_long"),
]


@pytest.mark.parametrize(("typed", "amount"), ACCEPTED)
def test_accepted_amounts(typed, amount):
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize(("typed", "code"), REFUSED)
def test_refused_amounts(typed, code):
    with pytest.raises(RupiahInputError) as refused:
        parse_rupiah(typed)

    assert refused.value.code == code
    assert str(refused.value.message)


@pytest.mark.parametrize("amount", [0, 1, 999, 1_000, 150_000, 1_500_000, 10**15 - 1])
def test_an_amount_shown_as_typed_reads_back_the_same(amount):
    assert parse_rupiah(rupiah_digits(amount)) == amount


# --- the page forms' field ------------------------------------------------------------------------


class PriceForm(forms.Form):
    price = RupiahField(max_value=1_000_000)
    floor = RupiahField(min_value=0, required=False)


def test_the_field_reads_what_people_type():
    form = PriceForm({"price": "Rp 150.000", "floor": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"price": 150_000, "floor": None}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Enter an amount above Rp 0."),
        ("1.000.001", "Enter at most Rp 1.000.000."),
        ("150.000,50", "Enter whole rupiah, for example 150.000. Amounts have no cents."),
        ("-5", "Enter an amount without a minus sign."),
        ("lima", "Enter whole rupiah, for example 150.000."),
        ("", "This field is required."),
    ],
)
def test_the_field_refuses_with_a_message(typed, message):
    form = PriceForm({"price": typed})

    assert not form.is_valid()
    assert form.errors["price"] == [message]


def test_the_field_is_a_text_input_showing_the_amount_as_typed():
    html = str(PriceForm(initial={"price": 150_000})["price"])

    assert 'type="text"' in html
    assert 'value="150.000"' in html
    assert 'inputmode="numeric"' in html
    assert "data-rupiah" in html
    assert "max=" not in html


def test_what_was_typed_is_shown_back_as_typed():
    html = str(PriceForm({"price": "150.000,50"})["price"])

    assert 'value="150.000,50"' in html


# --- the API's field ------------------------------------------------------------------------------


class PriceSerializer(StrictSerializer):
    price = RupiahAmountField(min_value=1, max_value=1_000_000)


@pytest.mark.parametrize(("sent", "amount"), [(150_000, 150_000), ("150.000", 150_000)])
def test_the_api_takes_an_integer_or_the_amount_as_typed(sent, amount):
    serializer = PriceSerializer(data={"price": sent})

    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"price": amount}


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("seratus", "Enter whole rupiah, for example 150.000."),
        ("1,5", "Enter whole rupiah, for example 150.000. Amounts have no cents."),
        (1.5, "Must be a whole number."),
        (150_000.0, "Must be a whole number."),
        (True, "Must be a whole number."),
        ([150_000], "Must be a whole number."),
        (0, "Enter an amount above Rp 0."),
        ("0", "Enter an amount above Rp 0."),
        ("1.000.001", "Enter at most Rp 1.000.000."),
    ],
)
def test_the_api_refuses_naming_the_field(sent, message):
    serializer = PriceSerializer(data={"price": sent})

    assert not serializer.is_valid()
    assert serializer.errors == {"price": [message]}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("BidWriteRequest", "amount"),
        ("GigCreateRequest", "budget"),
        ("DepositCreateRequest", "amount"),
        ("WithdrawalCreateRequest", "amount"),
        ("DisputeResolveRequest", "freelancer_amount"),
    ],
)
def test_the_schema_documents_both_shapes(schema, component, field):
    shapes = schema["components"]["schemas"][component]["properties"][field]["oneOf"]

    assert [shape["type"] for shape in shapes] == ["integer", "string"]
    assert shapes[0]["minimum"] >= 0
    assert shapes[1]["pattern"] == TYPED_PATTERN


def test_every_string_the_schema_allows_is_read():
    # The schema's pattern is narrower (no exotic spaces), never wider, than the parser.
    pattern = re.compile(TYPED_PATTERN, re.ASCII)
    for typed, _amount in ACCEPTED:
        if "\u00a0" not in typed and "\u202f" not in typed:
            assert pattern.match(typed), typed
    for typed, _code in REFUSED:
        assert not pattern.match(typed), typed
