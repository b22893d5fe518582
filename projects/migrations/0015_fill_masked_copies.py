"""Fill the masked copies (0009) of the texts written before masking moved to write time.

What each reader saw does not change: gigs, bids and messages the contact filter had flagged get
the masked copy their readers were shown (the filter used to mask them on every read); the
texts it never looked at — file names, milestone titles, reviews — are scanned now. A message
or a file in a thread counts only if a party wrote it before the contract was funded, as the
rule at write time says. Rows are read and written in batches, so a large table is never held
in memory; nothing is notified or recorded as a hit (these texts are old news).
"""

from django.db import migrations
from django.db.models import F, Q

from marketplace.contact_filter import screen

BATCH = 500


def _fill(queryset, fields, *, extra=None, extra_fields=()):
    """Write ``<field>_masked`` for each row of ``queryset`` that has something masked;
    ``extra(row, kinds)`` also sets ``extra_fields`` from the kinds found (then every row is
    written)."""
    names = [f"{field}_masked" for field in fields]
    changed = []
    for row in queryset.order_by("pk").iterator(chunk_size=BATCH):
        found = set()
        for field in fields:
            text = getattr(row, field) or ""
            masked, kinds = screen(text)
            setattr(row, f"{field}_masked", "" if masked == text else masked)
            found.update(kinds)
        if extra is not None:
            extra(row, sorted(found))
        if extra is not None or any(getattr(row, name) for name in names):
            changed.append(row)
        if len(changed) >= BATCH:
            queryset.model.objects.bulk_update(changed, [*names, *extra_fields])
            changed = []
    if changed:
        queryset.model.objects.bulk_update(changed, [*names, *extra_fields])


def _contact_flags(row, kinds):
    row.contact_flags = kinds


def _gig_flags(row, kinds):
    row.content_flags = [*kinds, *(f for f in row.content_flags if f == "prohibited")]


def forward(apps, schema_editor):
    Gig = apps.get_model("projects", "Gig")
    Bid = apps.get_model("projects", "Bid")
    ContractMessage = apps.get_model("projects", "ContractMessage")
    GigAttachment = apps.get_model("projects", "GigAttachment")
    MessageAttachment = apps.get_model("projects", "MessageAttachment")
    Milestone = apps.get_model("projects", "Milestone")
    Review = apps.get_model("projects", "Review")

    flagged = ~Q(content_flags=[]) & ~Q(content_flags=["prohibited"])
    _fill(
        Gig.objects.filter(flagged),
        ["title", "description"],
        extra=_gig_flags,
        extra_fields=["content_flags"],
    )
    _fill(
        Bid.objects.exclude(contact_flags=[]),
        ["cover_letter"],
        extra=_contact_flags,
        extra_fields=["contact_flags"],
    )
    _fill(ContractMessage.objects.exclude(contact_flags=[]), ["body"])
    _fill(GigAttachment.objects.all(), ["original_name"])
    before_funding = Q(message__contract__first_funded_at__isnull=True) | Q(
        message__created_at__lt=F("message__contract__first_funded_at")
    )
    by_a_party = Q(message__sender_id=F("message__contract__client_id")) | Q(
        message__sender_id=F("message__contract__freelancer_id")
    )
    _fill(MessageAttachment.objects.filter(before_funding & by_a_party), ["original_name"])
    _fill(Milestone.objects.all(), ["title"])
    _fill(Review.objects.all(), ["comment", "reply"])


class Migration(migrations.Migration):
    dependencies = [('projects', '0014_masked_copies')]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
