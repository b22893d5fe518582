# The admin's labels: they change the migration state only, no database (marketplace/migration_labels.py).

import marketplace.migration_labels
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0020_phone_notices'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='portfolioimage',
            options={'ordering': ['item_id', 'position', 'id'], 'verbose_name': 'portfolio image', 'verbose_name_plural': 'portfolio images'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='authtoken',
            labels={'auth_hash': 'auth hash', 'created_at': 'created at', 'digest': 'digest', 'expires_at': 'expires at', 'prefix': 'prefix', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='category',
            labels={'created_at': 'created at', 'is_active': 'is active', 'position': 'position', 'slug': 'slug'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='clientprofile',
            labels={'approvals': 'approvals', 'avg_approval_seconds': 'avg approval seconds', 'contracts': 'contracts', 'created_at': 'created at', 'disputed_contracts': 'disputed contracts', 'gigs_closed': 'gigs closed', 'gigs_posted': 'gigs posted', 'hires': 'hires', 'milestones_delivered': 'milestones delivered', 'rating_average': 'rating average', 'rating_count': 'rating count', 'rating_points': 'rating points', 'record_updated_at': 'record updated at', 'revisions_per_milestone': 'revisions per milestone', 'revisions_requested': 'revisions requested', 'updated_at': 'updated at', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='freelancerprofile',
            labels={'bio_masked': 'bio masked', 'completed_count': 'completed count', 'completion_total': 'completion total', 'created_at': 'created at', 'distinct_clients': 'distinct clients', 'headline_masked': 'headline masked', 'max_active_contracts': 'max active contracts', 'median_response_seconds': 'median response seconds', 'on_time_count': 'on time count', 'on_time_total': 'on time total', 'rank': 'rank', 'rating': 'rating', 'rating_count': 'rating count', 'rating_points': 'rating points', 'rating_prior': 'rating prior', 'removed_at': 'removed at', 'repeat_clients': 'repeat clients', 'reputation_updated_at': 'reputation updated at', 'response_samples': 'response samples', 'skills': 'skills', 'updated_at': 'updated at', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='moderatoraction',
            labels={'moderator': 'moderator'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='notification',
            labels={'body': 'body', 'created_at': 'created at', 'email_attempts': 'email attempts', 'email_status': 'email status', 'emailed_at': 'emailed at', 'key': 'key', 'kind': 'kind', 'link': 'link', 'read_at': 'read at', 'recipient': 'recipient', 'title': 'title'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='portfolioimage',
            labels={'content_type': 'content type', 'created_at': 'created at', 'error_code': 'error code', 'height': 'height', 'image': 'image', 'item': 'item', 'position': 'position', 'size': 'size', 'status': 'status', 'upload': 'upload', 'width': 'width'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='portfolioitem',
            labels={'category': 'category', 'contract_id': 'contract id', 'created_at': 'created at', 'description_masked': 'description masked', 'owner': 'owner', 'position': 'position', 'removed_at': 'removed at', 'skills': 'skills', 'title_masked': 'title masked', 'updated_at': 'updated at'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='reputationchange',
            labels={'cause': 'cause', 'created_at': 'created at', 'figure': 'figure', 'new_value': 'new value', 'old_value': 'old value', 'reference': 'reference', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='reputationpass',
            labels={'changes': 'changes', 'clients_written': 'clients written', 'computed_at': 'computed at', 'freelancers_written': 'freelancers written'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='signin',
            labels={'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='skill',
            labels={'category': 'category', 'created_at': 'created at', 'name': 'name', 'slug': 'slug'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='suspension',
            labels={'created_at': 'created at', 'created_by': 'created by', 'ends_at': 'ends at', 'lift_reason': 'lift reason', 'lifted_at': 'lifted at', 'lifted_by': 'lifted by', 'reason': 'reason', 'restored_at': 'restored at', 'starts_at': 'starts at', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='user',
            labels={'email_muted_kinds': 'email muted kinds', 'push_muted_kinds': 'push muted kinds', 'session_epoch': 'session epoch'},
        ),
    ]
