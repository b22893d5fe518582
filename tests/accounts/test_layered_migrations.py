"""The migrations follow the apps' one-way rule, and a database made before it migrates forward
keeping every row.

The taxonomy (categories, skills) is accounts' since accounts 0003, in the tables it always had;
a portfolio item names its contract by id. A database made before that has the taxonomy's
content types under projects and a foreign key from portfolio items to contracts: accounts 0014
and projects 0016 carry both forward. On SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

BEFORE = [("accounts", "0013_fill_masked_copies"), ("projects", "0015_fill_masked_copies")]
AFTER = [
    ("accounts", "0014_taxonomy_content_types"),
    ("projects", "0016_portfolio_contract_reference"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def contract_foreign_keys() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accounts_portfolioitem")
    return [
        name
        for name, c in constraints.items()
        if c["foreign_key"] and c["columns"] == ["contract_id"]
    ]


def test_accounts_migrations_depend_on_no_app_above_it():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, above in (("accounts", {"payments", "projects"}), ("payments", {"projects"})):
        for leaf in graph.leaf_nodes(app):
            needed = {node[0] for node in graph.forwards_plan(leaf)}
            assert not needed & above, (leaf, needed & above)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_migrations_after")
def test_a_database_from_before_migrates_forward_keeping_every_row():
    apps = migrate(BEFORE)
    # What such a database has: the contract column a foreign key to projects' contracts.
    PortfolioItem = apps.get_model("accounts", "PortfolioItem")
    Contract = apps.get_model("projects", "Contract")
    as_key = models.OneToOneField(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    as_key.set_attributes_from_name("contract")
    as_key.model = PortfolioItem
    with connection.schema_editor() as editor:
        editor.alter_field(PortfolioItem, PortfolioItem._meta.get_field("contract_id"), as_key)
    assert len(contract_foreign_keys()) == 1

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    category_type, _ = ContentType.objects.update_or_create(
        app_label="projects", model="category", defaults={}
    )
    ContentType.objects.filter(app_label="accounts", model="category").delete()
    view_category, _ = Permission.objects.get_or_create(
        content_type=category_type, codename="view_category", defaults={"name": "Can view"}
    )
    moderators = Group.objects.create(name="Taxonomy readers")
    moderators.permissions.add(view_category)

    User = apps.get_model("accounts", "User")
    Category = apps.get_model("accounts", "Category")
    Skill = apps.get_model("accounts", "Skill")
    FreelancerProfile = apps.get_model("accounts", "FreelancerProfile")
    Gig = apps.get_model("projects", "Gig")
    Bid = apps.get_model("projects", "Bid")
    client = User.objects.create(username="sari", email="sari@example.com")
    freelancer = User.objects.create(username="budi", email="budi@example.com")
    design = Category.objects.create(slug="desain", name_id="Desain", name_en="Design", min_price=1)
    logo = Skill.objects.create(slug="logo", name="Logo", category=design)
    profile = FreelancerProfile.objects.create(user=freelancer, headline="Desainer")
    profile.skills.add(logo)
    now = timezone.now()
    gig = Gig.objects.create(
        client=client,
        title="Logo kue",
        description="Tiga konsep.",
        category=design,
        budget=100_000,
        bidding_deadline=now + timedelta(days=1),
        delivery_deadline=now + timedelta(days=9),
    )
    gig.skills.add(logo)
    bid = Bid.objects.create(gig=gig, freelancer=freelancer, amount=100_000, delivery_days=3)
    contract = Contract.objects.create(
        gig=gig,
        bid=bid,
        client=client,
        freelancer=freelancer,
        amount=100_000,
        revisions_included=2,
        agreed_delivery_at=now,
    )
    item = PortfolioItem.objects.create(
        owner=freelancer, title="Logo kue", category=design, contract_id=contract.pk
    )
    item.skills.add(logo)
    plain = PortfolioItem.objects.create(owner=freelancer, title="Poster")

    apps = migrate(AFTER)

    assert contract_foreign_keys() == []
    Category = apps.get_model("accounts", "Category")
    Skill = apps.get_model("accounts", "Skill")
    assert list(Category.objects.values_list("pk", "slug", "name_en")) == [
        (design.pk, "desain", "Design")
    ]
    assert list(Skill.objects.values_list("pk", "slug", "category_id")) == [
        (logo.pk, "logo", design.pk)
    ]
    profile = apps.get_model("accounts", "FreelancerProfile").objects.get(pk=profile.pk)
    assert list(profile.skills.values_list("pk", flat=True)) == [logo.pk]
    gig = apps.get_model("projects", "Gig").objects.get(pk=gig.pk)
    assert (gig.category_id, list(gig.skills.values_list("pk", flat=True))) == (
        design.pk,
        [logo.pk],
    )
    items = apps.get_model("accounts", "PortfolioItem").objects
    moved = items.get(pk=item.pk)
    assert (moved.contract_id, moved.category_id) == (contract.pk, design.pk)
    assert list(moved.skills.values_list("pk", flat=True)) == [logo.pk]
    assert items.get(pk=plain.pk).contract_id is None
    assert apps.get_model("projects", "Contract").objects.filter(pk=contract.pk).exists()
    # The same content type row, now accounts': the group's permission is the same row too.
    ContentType = apps.get_model("contenttypes", "ContentType")
    renamed = ContentType.objects.get(pk=category_type.pk)
    assert (renamed.app_label, renamed.model) == ("accounts", "category")
    assert not ContentType.objects.filter(app_label="projects", model="category").exists()
    Group = apps.get_model("auth", "Group")
    readers = Group.objects.get(name="Taxonomy readers")
    assert list(readers.permissions.values_list("pk", "content_type_id")) == [
        (view_category.pk, category_type.pk)
    ]
    # One portfolio item per contract, as when it was a one-to-one key.
    with pytest.raises(IntegrityError), transaction.atomic():
        items.create(owner_id=freelancer.pk, title="Lagi", contract_id=contract.pk)
    assert items.count() == 2
