import pytest
from django.core.exceptions import ImproperlyConfigured

from payments.fees import fee_basis_points, platform_fee
from projects.services import milestones
from tests.projects.factories import ContractFactory, top_up


@pytest.mark.parametrize("percent", ["7.555", "-1", "100.01", "abc"])
def test_a_fee_setting_we_cannot_apply_exactly_is_refused(settings, percent):
    settings.PLATFORM_FEE_PERCENT = percent

    with pytest.raises((ImproperlyConfigured, ArithmeticError)):
        fee_basis_points()


@pytest.mark.django_db
def test_a_100_percent_fee_releases_everything_to_the_platform(settings):
    settings.PLATFORM_FEE_PERCENT = "100"
    contract = ContractFactory(bid__amount=100_000)
    top_up(contract.client, 100_000)
    milestone = contract.milestones.get()
    milestones.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestones.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Done")

    released = milestones.milestone_approve(milestone_id=milestone.pk, actor=contract.client)

    assert released.status == "released"
    assert platform_fee(100_000) == 100_000
