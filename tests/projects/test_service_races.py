"""Races on services, with real threads and real row locks (PostgreSQL only)."""

from __future__ import annotations

import pytest

from projects.models import Service
from projects.services.catalogue import writing
from tests.conftest import client_for
from tests.projects.factories import CategoryFactory, ServiceFactory, with_packages
from tests.projects.test_concurrency import widen_after
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_edit_racing_the_archive_never_brings_the_service_back(monkeypatch):
    # The edit reads the service, checks it may be edited, then writes the whole row. Without
    # the service's row lock, an archive committing in between is overwritten: the archived
    # service would be live again. With it, one waits for the other: the archive stands.
    widen_after(monkeypatch, writing, "_mask", 0.5)
    service = with_packages(ServiceFactory(category=CategoryFactory(min_price=50_000)))
    api = client_for(service.freelancer)

    responses = race(
        [
            lambda: api.patch(
                f"/api/v1/services/{service.pk}/",
                {"title": "Desain logo UMKM, revisi cepat"},
                format="json",
            ),
            lambda: api.post(f"/api/v1/services/{service.pk}/archive/"),
        ]
    )

    codes = [getattr(response, "status_code", response) for response in responses]
    assert codes in ([200, 200], [409, 200])
    assert Service.objects.get(pk=service.pk).status == Service.Status.ARCHIVED
