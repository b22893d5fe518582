"""Formatting at the edges: money is an integer everywhere else."""


def rupiah(amount: int) -> str:
    """Rupiah the Indonesian way: 150000 → "Rp 150.000"."""
    return "Rp " + f"{amount:,}".replace(",", ".")
