"""The server-rendered pages of money: the wallet (``wallet``, its forms in ``forms``) and the
sandbox gateway's checkout page (``sandbox_checkout``), the stand-in for a real gateway's."""
