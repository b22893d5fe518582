"""Formatting at the edges: money is an integer everywhere else, time is UTC elsewhere."""

from datetime import datetime

from django.utils import timezone


def rupiah(amount: int) -> str:
    """Rupiah the Indonesian way: 150000 → "Rp 150.000"."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def local_datetime(moment: datetime) -> str:
    """A moment as people in Indonesia read it: "2026-11-24 14:30" in Asia/Jakarta (TIME_ZONE)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
