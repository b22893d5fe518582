"""Factories of the payments app's rows that tests set up directly."""

import factory
from django.utils import timezone

from payments.models import IdentityCheck
from tests.accounts.factories import UserFactory

# A well-formed NIK: Jakarta Selatan (31 74 04), a woman born 12 August 1990 (52 = 12 + 40).
NIK = "3174045208900003"


class IdentityCheckFactory(factory.django.DjangoModelFactory):
    """An identity check as a freelancer submits it (pending, images already cleaned)."""

    class Meta:
        model = IdentityCheck

    user = factory.SubFactory(UserFactory)
    legal_name = "Siti Aminah"
    nik = NIK
    ktp_image = factory.django.FileField(filename="ktp.jpg", data=b"cleaned ktp")
    selfie_image = factory.django.FileField(filename="selfie.jpg", data=b"cleaned selfie")


def verified(user):
    """Give ``user`` an approved identity: every withdrawal needs one
    (``payments.services.identity``). Returns the user, so it wraps a factory call."""
    IdentityCheckFactory(user=user, status=IdentityCheck.Status.APPROVED, decided_at=timezone.now())
    return user
