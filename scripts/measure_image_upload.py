"""CPU time of a portfolio image upload request, and of the worker's cleaning, per picture.

    .venv/bin/python scripts/measure_image_upload.py [--rounds 5]

Builds a throw-away SQLite database in memory (the test settings), signs a freelancer in and
POSTs each picture to ``/api/v1/portfolio-items/{id}/images/`` through Django's test client,
timing the request with ``time.process_time`` (the process's CPU, so other load on the machine
barely moves it). Prints the median CPU per request and its ratio to a small 64 × 48 JPEG's,
then the CPU a worker spends cleaning each accepted picture. The task is not run inside the
request (Celery is not eager here): the request's figure is the request's alone.

The crafted picture is the one the security review used: 6000 × 4000 pixels of WebP in a few
KB. Run the same script on an older checkout to compare (it only uses the public API).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pictures() -> dict[str, tuple[str, bytes]]:
    from PIL import Image, ImageDraw

    def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
        out = io.BytesIO()
        image.save(out, fmt, **params)
        return out.getvalue()

    def drawing(size: tuple[int, int]) -> Image.Image:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        for x in range(0, size[0], 400):
            draw.ellipse([x, x // 2, x + 300, x // 2 + 300], fill=(200, 30, 30))
        return image

    return {
        "small JPEG 64×48": ("small.jpg", encode(Image.effect_noise((64, 48), 64), "JPEG")),
        "phone photo JPEG 4032×3024": (
            "photo.jpg",
            encode(Image.effect_noise((4032, 3024), 20).convert("RGB"), "JPEG", quality=60),
        ),
        "crafted WebP 6000×4000": ("crafted.webp", encode(drawing((6000, 4000)), "WEBP")),
        "largest accepted WebP 4096×3906": (
            "largest.webp",
            encode(drawing((4096, 3906)), "WEBP"),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # the worker's share is timed apart
    os.environ["GARAP_VAR_DIR"] = tempfile.mkdtemp(prefix="garap-measure-")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from accounts.models import PortfolioImage, PortfolioItem, User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.UPLOAD_THROTTLE_RATE = "100000/hour"
    for folder in ("queue", "processed", "control"):
        (settings.CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="ukur", email="ukur@example.com")
    item = PortfolioItem.objects.create(owner=user, title="Ukur")
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/portfolio-items/{item.pk}/images/"

    request_cpu: dict[str, float] = {}
    statuses: dict[str, int] = {}
    for label, (name, data) in pictures().items():
        times = []
        for _ in range(args.rounds):
            PortfolioImage.objects.all().delete()
            upload = io.BytesIO(data)
            upload.name = name
            started = time.process_time()
            response = client.post(url, {"image": upload}, format="multipart")
            times.append(time.process_time() - started)
            statuses[label] = response.status_code
        request_cpu[label] = statistics.median(times)

    baseline = request_cpu["small JPEG 64×48"]
    print(f"{'picture':34} {'bytes':>9} {'status':>6} {'request CPU':>12} {'× small':>8}")
    for label, (_name, data) in pictures().items():
        cpu = request_cpu[label]
        print(
            f"{label:34} {len(data):>9} {statuses[label]:>6} {cpu * 1000:>9.1f} ms "
            f"{cpu / baseline:>7.1f}×"
        )

    try:
        from accounts.services.portfolio import portfolio_image_process
    except ImportError:  # an older checkout cleaned images inside the request
        return
    print(f"\n{'worker: cleaning':34} {'CPU':>12}")
    for label, (name, data) in pictures().items():
        if statuses[label] != 201:
            continue
        times = []
        for _ in range(max(1, args.rounds // 2)):
            PortfolioImage.objects.all().delete()
            upload = io.BytesIO(data)
            upload.name = name
            image_id = client.post(url, {"image": upload}, format="multipart").json()["id"]
            started = time.process_time()
            portfolio_image_process(image_id=image_id)
            times.append(time.process_time() - started)
        print(f"{label:34} {statistics.median(times) * 1000:>9.1f} ms")


if __name__ == "__main__":
    main()
