from django.core.management.base import BaseCommand

from marketplace.celery import ensure_local_folders
from projects.sample_data import demo
from projects.sample_data.demo.users import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load Garap's demo data (categories, skills, one user of each kind). Safe to rerun."

    def handle(self, *args, **options) -> None:
        ensure_local_folders()  # the demo's events enqueue reputation recalculations
        users = demo.load_all()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Demo logins (password: {DEMO_PASSWORD}):")
        )
        for user in users:
            self.stdout.write(f"  {user.role:<11} {user.username}")
