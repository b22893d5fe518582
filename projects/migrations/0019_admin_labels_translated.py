# The admin's labels: they change the migration state only, no database (marketplace/migration_labels.py).

import marketplace.migration_labels
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0021_admin_labels_translated'),
        ('projects', '0018_revision_request_number'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='deliveryfile',
            options={'ordering': ['id'], 'verbose_name': 'delivered file', 'verbose_name_plural': 'delivered files'},
        ),
        migrations.AlterModelOptions(
            name='messageattachment',
            options={'ordering': ['id'], 'verbose_name': 'message attachment', 'verbose_name_plural': 'message attachments'},
        ),
        migrations.AlterModelOptions(
            name='reputationevent',
            options={'verbose_name': 'reputation event', 'verbose_name_plural': 'reputation events'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='bid',
            labels={'contact_flags': 'contact flags', 'cover_letter': 'cover letter', 'cover_letter_masked': 'cover letter masked', 'created_at': 'created at', 'delivery_days': 'delivery days', 'freelancer': 'freelancer', 'gig': 'gig', 'removed_at': 'removed at', 'revisions_included': 'revisions included', 'status': 'status', 'updated_at': 'updated at'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='contacthit',
            labels={'created_at': 'created at', 'kinds': 'kinds', 'source': 'source', 'source_id': 'source id', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='contract',
            labels={'bid': 'bid', 'client': 'client', 'completed_at': 'completed at', 'created_at': 'created at', 'first_funded_at': 'first funded at', 'first_response_seconds': 'first response seconds', 'freelancer': 'freelancer', 'funding_notice_stage': 'funding notice stage', 'gig': 'gig', 'outcome': 'outcome', 'portfolio_allowed': 'portfolio allowed', 'revisions_included': 'revisions included', 'status': 'status', 'updated_at': 'updated at'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='contractmessage',
            labels={'body': 'body', 'body_masked': 'body masked', 'contact_flags': 'contact flags', 'contract': 'contract', 'created_at': 'created at', 'removed_at': 'removed at', 'sender': 'sender'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='delivery',
            labels={'created_at': 'created at', 'milestone': 'milestone', 'note': 'note'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='deliveryfile',
            labels={'content_type': 'content type', 'created_at': 'created at', 'delivery': 'delivery', 'file': 'file', 'original_name': 'original name', 'size': 'size'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='dispute',
            labels={'created_at': 'created at', 'freelancer_amount': 'freelancer amount', 'milestone': 'milestone', 'opened_by': 'opened by', 'reason': 'reason', 'resolution_note': 'resolution note', 'resolved_at': 'resolved at', 'resolved_by': 'resolved by', 'status': 'status'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='gig',
            labels={'bid_count': 'bid count', 'bidding_notice_stage': 'bidding notice stage', 'category': 'category', 'client': 'client', 'content_flags': 'content flags', 'created_at': 'created at', 'description_masked': 'description masked', 'hidden_at': 'hidden at', 'hidden_reason': 'hidden reason', 'published_at': 'published at', 'rejection_reason': 'rejection reason', 'search_vector': 'search vector', 'skills': 'skills', 'status': 'status', 'title_masked': 'title masked', 'updated_at': 'updated at', 'visibility': 'visibility'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='gigattachment',
            labels={'content_type': 'content type', 'created_at': 'created at', 'file': 'file', 'gig': 'gig', 'original_name': 'original name', 'original_name_masked': 'original name masked', 'size': 'size'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='giginvitation',
            labels={'created_at': 'created at', 'freelancer': 'freelancer', 'gig': 'gig'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='messageattachment',
            labels={'content_type': 'content type', 'created_at': 'created at', 'file': 'file', 'message': 'message', 'original_name': 'original name', 'original_name_masked': 'original name masked', 'size': 'size'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='milestone',
            labels={'approval_seconds': 'approval seconds', 'auto_release_warned_at': 'auto release warned at', 'cancel_fault': 'cancel fault', 'closed_at': 'closed at', 'contract': 'contract', 'created_at': 'created at', 'due_at': 'due at', 'due_notice_stage': 'due notice stage', 'first_submitted_at': 'first submitted at', 'funded_at': 'funded at', 'position': 'position', 'revisions_used': 'revisions used', 'status': 'status', 'submitted_at': 'submitted at', 'title': 'title', 'title_masked': 'title masked', 'updated_at': 'updated at'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='report',
            labels={'reporter': 'reporter', 'resolved_by': 'resolved by', 'target_user': 'target user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='reputationevent',
            labels={'created_at': 'created at', 'kind': 'kind', 'processed_at': 'processed at', 'reference': 'reference', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='review',
            labels={'author': 'author', 'comment': 'comment', 'comment_masked': 'comment masked', 'communication': 'communication', 'contract': 'contract', 'created_at': 'created at', 'held_at': 'held at', 'quality': 'quality', 'removed_at': 'removed at', 'replied_at': 'replied at', 'reply': 'reply', 'reply_masked': 'reply masked', 'revealed_at': 'revealed at', 'subject': 'subject', 'subject_role': 'subject role', 'value': 'value'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='revisionrequest',
            labels={'created_at': 'created at', 'delivery': 'delivery', 'note': 'note', 'number': 'number'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='trustcheck',
            labels={'contract': 'contract'},
        ),
    ]
