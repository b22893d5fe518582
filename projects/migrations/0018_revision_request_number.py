"""Number each revision request within its milestone ("revision 1 of 2").

Rows exist for every request made since 0012; requests made before it left only their notice to
the freelancer, and those are not back-filled: the notice holds the note cut to 200 characters
inside a sentence rendered in the freelancer's language, so the full text cannot be recovered,
and a row must not show a guess as what the client wrote. The rows there are are the
milestone's latest requests, one after another, so the newest is ``revisions_used`` and each
older one is one less.
"""

from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

BATCH = 500


def number_requests(apps, schema_editor):
    RevisionRequest = apps.get_model("projects", "RevisionRequest")
    later = (
        RevisionRequest.objects.filter(
            delivery__milestone_id=OuterRef("delivery__milestone_id"), pk__gt=OuterRef("pk")
        )
        .order_by()
        .values("delivery__milestone_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = RevisionRequest.objects.annotate(
        later=Coalesce(Subquery(later), 0), used=F("delivery__milestone__revisions_used")
    ).order_by("pk")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        row.number = max(row.used - row.later, 1)
        changed.append(row)
        if len(changed) >= BATCH:
            RevisionRequest.objects.bulk_update(changed, ["number"])
            changed = []
    if changed:
        RevisionRequest.objects.bulk_update(changed, ["number"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_gig_search_trigger_by_pgtrigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="revisionrequest",
            name="number",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(number_requests, migrations.RunPython.noop, elidable=True),
    ]
