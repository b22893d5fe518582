"""``python -m tests.fakes.midtrans --port P --server-key K [--notification-url URL]``, with
``--iris-creator-key C --iris-merchant-key M [--iris-approver-key A] [--iris-notification-url U]``
for Iris."""

import argparse
import contextlib

from tests.fakes.midtrans import FakeMidtrans


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Midtrans (Snap, Core API and Iris).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server-key", required=True)
    parser.add_argument("--notification-url", default="", help="where notifications go")
    parser.add_argument("--iris-creator-key", default="", help="Iris: creates payouts")
    parser.add_argument("--iris-approver-key", default="", help="Iris: approves them")
    parser.add_argument("--iris-merchant-key", default="", help="Iris: signs notifications")
    parser.add_argument("--iris-notification-url", default="", help="where Iris notifies")
    args = parser.parse_args()
    fake = FakeMidtrans(
        args.server_key,
        port=args.port,
        notification_url=args.notification_url,
        iris_creator_key=args.iris_creator_key,
        iris_approver_key=args.iris_approver_key,
        iris_merchant_key=args.iris_merchant_key,
    )
    fake.iris.notification_url = args.iris_notification_url
    print(f"MIDTRANS_SNAP_BASE_URL={fake.snap_base_url}", flush=True)
    print(f"MIDTRANS_API_BASE_URL={fake.api_base_url}", flush=True)
    print(f"MIDTRANS_IRIS_BASE_URL={fake.iris_base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake.serve_forever()


main()
