from django import template

from marketplace.formatting import rupiah as format_rupiah

register = template.Library()


@register.filter
def rupiah(amount: int) -> str:
    """``{{ 150000|rupiah }}`` → "Rp 150.000"."""
    return format_rupiah(int(amount))
