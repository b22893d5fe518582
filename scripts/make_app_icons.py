"""Draw the installable web app's icons (marketplace/static/garap/icons/): a white "G" on the
brand teal, 192 and 512 px, and a maskable 512 px one whose letter stays inside the safe zone
(the inner 80 % circle that every launcher's mask keeps). Run once when the brand changes and
commit the PNGs: `python scripts/make_app_icons.py`."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = (15, 118, 110)  # --brand in garap.css (#0f766e)
OUT = Path(__file__).resolve().parent.parent / "marketplace" / "static" / "garap" / "icons"
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def draw(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BRAND)
    pen = ImageDraw.Draw(image)
    if not maskable:
        # A plain icon is shown as drawn: round its corners on a transparent ground.
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BRAND)
    # The maskable letter is smaller: it must fit the safe zone's circle.
    font = _font(int(size * (0.42 if maskable else 0.62)))
    pen.text((size / 2, size / 2), "G", fill="white", font=font, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
