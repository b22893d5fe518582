"""``python -m tests.fakes.midtrans --port P --server-key K [--notification-url URL]``."""

import argparse
import contextlib

from tests.fakes.midtrans import FakeMidtrans


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Midtrans (Snap + Core API).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server-key", required=True)
    parser.add_argument("--notification-url", default="", help="where notifications go")
    args = parser.parse_args()
    fake = FakeMidtrans(args.server_key, port=args.port, notification_url=args.notification_url)
    print(f"MIDTRANS_SNAP_BASE_URL={fake.snap_base_url}", flush=True)
    print(f"MIDTRANS_API_BASE_URL={fake.api_base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake.serve_forever()


main()
