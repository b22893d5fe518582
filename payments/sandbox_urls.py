"""The sandbox gateway's pages: mounted only while it is the gateway (``PAYMENT_GATEWAY``).

On a site that takes real payments the one-click checkout does not exist at all (a 404, like
any unknown path), and the sandbox's webhook is refused too (``payments.gateways.get``).
"""

from django.urls import path

from payments import gateways
from payments.pages.sandbox_checkout import sandbox_checkout

urlpatterns = (
    [path("payments/sandbox/checkout/<slug:reference>/", sandbox_checkout, name="sandbox-checkout")]
    if gateways.sandbox_enabled()
    else []
)
