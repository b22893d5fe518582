# The admin's labels: they change the migration state only, no database (marketplace/migration_labels.py).

import marketplace.migration_labels
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0012_ledger_kinds_of_refunds_and_returns'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='idempotencyrecord',
            options={'verbose_name': 'idempotency record', 'verbose_name_plural': 'idempotency records'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='account',
            labels={'balance': 'balance', 'created_at': 'created at', 'kind': 'kind', 'owner': 'owner', 'reference': 'reference'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='deposit',
            labels={'amount': 'amount', 'checkout_url': 'checkout url', 'completed_at': 'completed at', 'created_at': 'created at', 'gateway_outcome': 'gateway outcome', 'gateway_outcome_at': 'gateway outcome at', 'provider': 'provider', 'provider_reference': 'provider reference', 'purpose': 'purpose', 'reference': 'reference', 'status': 'status', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='depositrefund',
            labels={'amount': 'amount', 'completed_at': 'completed at', 'created_at': 'created at', 'deposit': 'deposit', 'failure': 'failure', 'gateway_reference': 'gateway reference', 'idempotency_key': 'idempotency key', 'origin': 'origin', 'reason': 'reason', 'requested_by': 'requested by', 'shortfall': 'shortfall', 'status': 'status', 'taken_from_wallet': 'taken from wallet'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='entry',
            labels={'account': 'account', 'amount': 'amount', 'created_at': 'created at', 'transaction': 'transaction'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='idempotencyrecord',
            labels={'created_at': 'created at', 'endpoint': 'endpoint', 'key': 'key', 'request_hash': 'request hash', 'response_body': 'response body', 'response_status': 'response status', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='identitycheck',
            labels={'created_at': 'created at', 'decided_at': 'decided at', 'decided_by': 'decided by', 'images_deleted_at': 'images deleted at', 'ktp_image': 'ktp image', 'legal_name': 'legal name', 'nik': 'nik', 'rejection_reason': 'rejection reason', 'selfie_image': 'selfie image', 'status': 'status', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='ledgertransaction',
            labels={'created_at': 'created at', 'description': 'description', 'idempotency_key': 'idempotency key', 'kind': 'kind', 'reference': 'reference'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='payoutdestination',
            labels={'account_number': 'account number', 'channel_code': 'channel code', 'created_at': 'created at', 'holder_name': 'holder name', 'kind': 'kind', 'label': 'label', 'user': 'user'},
        ),
        marketplace.migration_labels.RelabelFields(
            model_name='withdrawal',
            labels={'account_number': 'account number', 'amount': 'amount', 'bank_code': 'bank code', 'channel_code': 'channel code', 'created_at': 'created at', 'destination': 'destination', 'failure_reason': 'failure reason', 'hold_reason': 'hold reason', 'holder_name': 'holder name', 'method': 'method', 'payout_checked_at': 'payout checked at', 'payout_error': 'payout error', 'payout_idempotency_key': 'payout idempotency key', 'payout_key_since': 'payout key since', 'payout_provider': 'payout provider', 'payout_reference': 'payout reference', 'processed_at': 'processed at', 'processed_by': 'processed by', 'provider_reference': 'provider reference', 'rejection_reason': 'rejection reason', 'sending_since': 'sending since', 'status': 'status', 'user': 'user'},
        ),
    ]
