"""Fill the masked copies (0007) of profiles and portfolio items written before the contact
filter looked at them, and take contact details out of the identity fields that refuse them
from now on.

A display name, shop name or city holding contact details keeps the rest of its text with the
details masked in place (the owner can change it; the username is shown when a display name is
left empty); a portfolio link to a messaging app or a profile with direct messages is removed,
as a masked link would be a dead one. Nothing is notified. Usernames cannot be changed, so one
that reads as a phone number is left for moderators (new sign-ups are refused).
"""

from django.db import migrations
from django.db.models import Q

from marketplace.contact_filter import contact_kinds, mask_contacts, screen

BATCH = 500


def _save_in_batches(model, rows, fields):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_update(rows[start : start + BATCH], fields)


def _fill(queryset, fields):
    names = [f"{field}_masked" for field in fields]
    changed = []
    for row in queryset.order_by("pk").iterator(chunk_size=BATCH):
        for field in fields:
            text = getattr(row, field) or ""
            masked, _kinds = screen(text)
            setattr(row, f"{field}_masked", "" if masked == text else masked)
        if any(getattr(row, name) for name in names):
            changed.append(row)
        if len(changed) >= BATCH:
            queryset.model.objects.bulk_update(changed, names)
            changed = []
    if changed:
        queryset.model.objects.bulk_update(changed, names)


def _mask_in_place(queryset, field):
    rows = []
    limit = queryset.model._meta.get_field(field).max_length
    for row in queryset.exclude(**{field: ""}).only("pk", field).iterator(chunk_size=BATCH):
        masked = mask_contacts(getattr(row, field))[:limit]
        if masked != getattr(row, field):
            setattr(row, field, masked)
            rows.append(row)
    _save_in_batches(queryset.model, rows, [field])


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    FreelancerProfile = apps.get_model("accounts", "FreelancerProfile")
    ClientProfile = apps.get_model("accounts", "ClientProfile")
    PortfolioItem = apps.get_model("accounts", "PortfolioItem")

    _fill(FreelancerProfile.objects.filter(~Q(headline="") | ~Q(bio="")), ["headline", "bio"])
    _fill(PortfolioItem.objects.all(), ["title", "description"])
    _mask_in_place(User.objects.all(), "display_name")
    _mask_in_place(ClientProfile.objects.all(), "shop_name")
    _mask_in_place(FreelancerProfile.objects.all(), "city")
    links = [
        row
        for row in PortfolioItem.objects.exclude(link="").only("pk", "link").iterator()
        if contact_kinds(row.link)
    ]
    for row in links:
        row.link = ""
    _save_in_batches(PortfolioItem, links, ["link"])


class Migration(migrations.Migration):
    dependencies = [('accounts', '0012_masked_copies')]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
