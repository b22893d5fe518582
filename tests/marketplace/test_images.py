"""Portfolio images: decoded rather than trusted, bombs refused unread, metadata never kept."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from marketplace.errors import DomainError
from marketplace.images import clean_image, inspect_image

GPS_INFO = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112
# Where Pillow puts the metadata it finds in a file.
METADATA_KEYS = {
    "exif",
    "xmp",
    "XML:com.adobe.xmp",
    "comment",
    "icc_profile",
    "Raw profile type exif",
}
SVG = (
    b'<?xml version="1.0"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- building images in memory ----------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def photo(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    """Noise, so a JPEG of it is not trivially small and a cut really loses data."""
    image = Image.effect_noise(size, 64).convert(mode)
    return image


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the upload was read")


def blank_png(width: int, height: int) -> bytes:
    """A valid, all-black 1-bit PNG of any size, built row by row: 20 000 × 20 000 is ~50 KB
    on disk and never exists in memory as pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte "none", then the packed pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grayscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "GarapPhone"
    exif[GPS_INFO] = {
        1: "S",
        2: (6.0, 12.0, 30.5),  # a freelancer's kitchen table in Jakarta
        3: "E",
        4: (106.0, 49.0, 7.25),
    }
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def refused(file: SimpleUploadedFile, code: str, *, field: str = "image") -> str:
    """Cleaning ``file`` raises a 400 with ``code``, reported under ``field``; its message."""
    with pytest.raises(DomainError) as caught:
        clean_image(file, field=field)
    error = caught.value
    assert error.status_code == 400
    assert error.code == code
    assert error.fields == {field: [error.message]}
    assert len(error.message) > 20
    return error.message


def near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 40) -> bool:
    """Lossy formats move colours a little."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_no_metadata(content: bytes) -> None:
    image = reopen(content)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(GPS_INFO) == {}
    assert set(image.info).isdisjoint(METADATA_KEYS)
    assert b"Exif\x00\x00" not in content
    assert b"GarapPhone" not in content


# --- refused: not what the name says, not an image at all --------------------------------------


def test_png_renamed_to_jpg_is_refused_as_a_type_mismatch():
    message = refused(upload("portfolio.jpg", encode(photo(), "PNG")), "image_type_mismatch")

    assert message == (
        "This file is a PNG image but its name ends in .jpg. Rename it to .png or export it again."
    )


@pytest.mark.parametrize(
    ("name", "fmt", "named"),
    [("logo.gif", "JPEG", ".gif"), ("logo.png", "WEBP", ".png"), ("logo.webp", "JPEG", ".webp")],
)
def test_a_real_image_under_another_types_name_is_refused(name, fmt, named):
    message = refused(upload(name, encode(photo(), fmt)), "image_type_mismatch")

    assert f"ends in {named}" in message


def test_an_image_without_an_extension_is_refused_as_a_type_mismatch():
    message = refused(upload("portfolio", encode(photo(), "JPEG")), "image_type_mismatch")

    assert "does not end in .jpg" in message


def test_a_text_file_named_png_is_unsupported():
    message = refused(
        upload("portfolio.png", b"hello, this is not a picture\n", "image/png"),
        "unsupported_image",
    )

    assert message == (
        "This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats."
    )


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.png"])
def test_an_svg_is_refused_whatever_its_name(name):
    message = refused(upload(name, SVG, "image/svg+xml"), "unsupported_image")

    assert "JPEG, PNG or WebP" in message


@pytest.mark.parametrize("name", ["animation.gif", "animation.png"])
def test_a_gif_is_unsupported(name):
    frames = [Image.new("P", (10, 10), color) for color in (1, 2)]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])

    message = refused(upload(name, gif, "image/gif"), "unsupported_image")

    assert "JPEG, PNG or WebP" in message


def test_a_pdf_named_jpg_is_unsupported():
    pdf = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"

    refused(upload("scan.jpg", pdf, "application/pdf"), "unsupported_image")


def test_a_truncated_jpeg_is_an_invalid_image():
    data = encode(photo((200, 200)), "JPEG", quality=95)

    message = refused(upload("cut.jpg", data[: len(data) // 2]), "invalid_image")

    assert message.startswith("The file is not a readable image.")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # a PNG signature, then garbage
        ("broken.jpg", b"\xff\xd8\xff" + b"\x00" * 40),
    ],
)
def test_an_image_with_a_damaged_header_is_invalid_not_unsupported(name, data):
    message = refused(upload(name, data), "invalid_image")

    assert message.startswith("The file is not a readable image.")


def test_an_empty_file_is_an_invalid_image():
    message = refused(upload("empty.jpg", b""), "invalid_image")

    assert "empty" in message


def test_errors_are_reported_under_the_callers_field():
    refused(upload("a.png", b"text"), "unsupported_image", field="cover")


# --- refused: too large, in bytes or in pixels -------------------------------------------------


def test_a_file_over_the_byte_cap_is_refused_before_it_is_read(settings):
    settings.IMAGE_MAX_BYTES = 1024
    data = encode(photo((100, 100)), "PNG")
    assert len(data) > 1024
    file = upload("big.png", data)
    file.file = Unreadable(data)

    message = refused(file, "image_too_large")

    assert message == ("The image is larger than 1 KB. Upload a smaller or more compressed image.")


def test_the_default_byte_cap_is_named_in_megabytes():
    data = b"\x00" * (5 * 1024 * 1024 + 1)

    message = refused(upload("huge.jpg", data), "image_too_large")

    assert "larger than 5 MB" in message


def test_a_file_exactly_at_the_byte_cap_is_accepted(settings):
    data = encode(photo(), "PNG")
    settings.IMAGE_MAX_BYTES = len(data)

    assert clean_image(upload("fits.png", data)).content_type == "image/png"


def test_a_file_whose_size_understates_its_bytes_is_still_capped(settings):
    settings.IMAGE_MAX_BYTES = 1024
    file = upload("liar.png", encode(photo((100, 100)), "PNG"))
    file.size = 10

    refused(file, "image_too_large")


def test_the_blank_png_helper_makes_real_pngs():
    image = reopen(blank_png(70, 9))

    assert (image.format, image.size, image.getextrema()) == ("PNG", (70, 9), (0, 0))


def test_a_20000_pixel_square_is_refused_without_decoding_its_pixels(monkeypatch):
    bomb = blank_png(20_000, 20_000)  # 400 megapixels in about 50 KB
    assert len(bomb) < 100 * 1024

    def no_decoding(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()

    message = refused(upload("bomb.png", bomb, "image/png"), "image_too_big_dimensions")

    assert time.perf_counter() - started < 1
    assert message == (
        "The image is too large: it may be at most 4096 × 4096 pixels and 16 megapixels "
        "in all. Resize it and upload it again."
    )


@pytest.mark.parametrize(("width", "height"), [(4097, 8), (8, 4097)])
def test_a_side_over_the_limit_is_refused_before_decoding(monkeypatch, width, height):
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))

    message = refused(upload("strip.png", blank_png(width, height)), "image_too_big_dimensions")

    assert "4096 × 4096 pixels" in message


def test_too_many_pixels_in_all_is_refused(settings):
    settings.IMAGE_MAX_SIDE = 100
    settings.IMAGE_MAX_PIXELS = 5_000

    message = refused(upload("square.png", blank_png(80, 80)), "image_too_big_dimensions")

    assert "at most 100 × 100 pixels and 0.005 megapixels" in message
    assert clean_image(upload("fits.png", blank_png(100, 50))).width == 100


@pytest.mark.parametrize("limit", [5_000, 3_000])  # a warning past it, an error past twice it
def test_pillows_own_bomb_guard_is_a_refusal_too(settings, monkeypatch, limit):
    settings.IMAGE_MAX_PIXELS = 10**9  # our own check out of the way
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)

    refused(upload("square.png", blank_png(80, 80)), "image_too_big_dimensions")


# --- accepted: re-encoded, metadata gone -------------------------------------------------------


def test_a_jpeg_with_gps_exif_is_accepted_and_comes_back_without_any_metadata():
    source = photo((64, 48))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(source, "JPEG", exif=gps_exif(), comment=b"GarapPhone at home", icc_profile=icc)
    original = reopen(data)
    assert original.getexif()[MAKE] == "GarapPhone"
    assert original.getexif().get_ifd(GPS_INFO)[1] == "S"  # the GPS really was there

    clean = clean_image(upload("kitchen.jpg", data, "application/octet-stream"))

    assert (clean.content_type, clean.width, clean.height) == ("image/jpeg", 64, 48)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", clean.storage_name)
    assert reopen(clean.content).format == "JPEG"
    assert_no_metadata(clean.content)


def test_exif_orientation_is_applied_to_the_pixels_before_the_tag_is_dropped():
    # Stored 40 wide × 20 high, left half red; orientation 6 means "turn 90° clockwise to show".
    source = Image.new("RGB", (40, 20), "blue")
    source.paste("red", (0, 0, 20, 20))
    data = encode(source, "JPEG", exif=gps_exif(orientation=6), quality=95)

    clean = clean_image(upload("sideways.jpg", data))

    assert (clean.width, clean.height) == (20, 40)
    upright = reopen(clean.content).convert("RGB")
    assert upright.size == (20, 40)
    assert near(upright.getpixel((10, 5)), (255, 0, 0))  # the red half is now on top
    assert near(upright.getpixel((10, 35)), (0, 0, 255))
    assert_no_metadata(clean.content)


def test_a_png_with_transparency_keeps_it_and_loses_its_metadata():
    source = Image.new("RGBA", (30, 20), (0, 128, 255, 255))
    source.putpixel((0, 0), (0, 0, 0, 0))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "GarapPhone at home")
    data = encode(source, "PNG", exif=gps_exif(), pnginfo=text)
    assert reopen(data).getexif().get_ifd(GPS_INFO)

    clean = clean_image(upload("logo.png", data, "image/jpeg"))  # the browser's type is ignored

    assert (clean.content_type, clean.width, clean.height) == ("image/png", 30, 20)
    assert clean.storage_name.endswith(".png")
    image = reopen(clean.content)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((5, 5)) == (0, 128, 255, 255)
    assert "Comment" not in image.info
    assert_no_metadata(clean.content)


def test_a_palette_png_keeps_its_transparent_colour():
    source = Image.new("P", (10, 10), 1)
    source.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    source.putpixel((0, 0), 0)

    clean = clean_image(upload("icon.png", encode(source, "PNG", transparency=0)))

    image = reopen(clean.content)
    assert image.mode == "P"
    assert image.info["transparency"] == 0
    assert image.convert("RGBA").getpixel((0, 0))[3] == 0
    assert image.convert("RGBA").getpixel((5, 5)) == (255, 0, 0, 255)


def test_a_webp_is_accepted_without_its_exif():
    data = encode(photo((50, 40), "RGBA"), "WEBP", exif=gps_exif())
    assert reopen(data).getexif().get_ifd(GPS_INFO)

    clean = clean_image(upload("work.webp", data, "image/webp"))

    assert (clean.content_type, clean.width, clean.height) == ("image/webp", 50, 40)
    assert clean.storage_name.endswith(".webp")
    assert reopen(clean.content).format == "WEBP"
    assert_no_metadata(clean.content)


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "moving.png"), ("WEBP", "moving.webp")])
def test_only_the_first_frame_of_an_animation_is_kept(fmt, name):
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "lime", "blue")]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    assert reopen(data).n_frames == 3

    clean = clean_image(upload(name, data))

    image = reopen(clean.content)
    assert getattr(image, "n_frames", 1) == 1
    assert near(image.convert("RGB").getpixel((8, 8)), (255, 0, 0))


def test_a_phones_multi_picture_jpeg_is_a_jpeg():
    first, second = photo((32, 24)), photo((16, 12))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    clean = clean_image(upload("camera.jpg", data))

    assert (clean.content_type, clean.width, clean.height) == ("image/jpeg", 32, 24)
    assert clean.storage_name.endswith(".jpg")
    image = reopen(clean.content)
    assert image.format == "JPEG"
    assert getattr(image, "n_frames", 1) == 1


def test_a_cmyk_jpeg_is_stored_as_rgb():
    data = encode(photo((20, 20)).convert("CMYK"), "JPEG")

    clean = clean_image(upload("print.jpg", data))

    assert reopen(clean.content).mode == "RGB"


@pytest.mark.parametrize(
    ("name", "fmt", "extension"),
    [
        ("PHOTO.JPG", "JPEG", "jpg"),
        ("photo.JPEG", "JPEG", "jpg"),
        ("photo.jpeg", "JPEG", "jpg"),
        ("Logo.Png", "PNG", "png"),
        ("art.WebP", "WEBP", "webp"),
        ("../../etc/evil name.jpg", "JPEG", "jpg"),
    ],
)
def test_the_name_is_matched_case_insensitively_and_never_stored(name, fmt, extension):
    clean = clean_image(upload(name, encode(photo(), fmt)))

    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", clean.storage_name)


def test_storage_names_are_random():
    data = encode(photo(), "JPEG")

    names = {clean_image(upload("same.jpg", data)).storage_name for _ in range(5)}

    assert len(names) == 5


def test_the_upload_may_have_been_read_already():
    file = upload("read.png", encode(photo(), "PNG"))
    file.read()

    assert clean_image(file).content_type == "image/png"


# --- the request's part: the header only -------------------------------------------------------


def test_inspecting_reads_the_header_and_never_decodes_pixels(settings, monkeypatch):
    # The largest picture accepted (4096 × 3906 = 16 MP), a few KB on disk.
    data = encode(Image.new("RGB", (4096, 3906), "white"), "WEBP", quality=10)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    started = time.process_time()

    header = inspect_image(upload("poster.webp", data, "image/webp"))

    assert time.process_time() - started < 0.1
    assert (header.extension, header.content_type) == ("webp", "image/webp")
    assert (header.width, header.height) == (2048, 1953)  # as the worker will store it


def test_inspecting_turns_the_size_by_the_exif_orientation():
    data = encode(photo((40, 20)), "JPEG", exif=gps_exif(orientation=6))

    header = inspect_image(upload("sideways.jpg", data))

    assert (header.width, header.height) == (20, 40)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("logo.jpg", encode(photo(), "PNG"), "image_type_mismatch"),
        ("logo.png", SVG, "unsupported_image"),
        ("poster.png", blank_png(20_000, 20_000), "image_too_big_dimensions"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "invalid_image"),
        ("empty.jpg", b"", "invalid_image"),
    ],
)
def test_inspecting_refuses_what_the_header_shows_is_wrong(name, data, code):
    with pytest.raises(DomainError) as caught:
        inspect_image(upload(name, data))

    assert caught.value.code == code


def test_damage_past_the_header_is_found_by_cleaning_not_by_inspecting():
    data = encode(photo((200, 200)), "JPEG", quality=95)
    cut = upload("cut.jpg", data[: len(data) // 2])

    assert inspect_image(cut).width == 200

    refused(cut, "invalid_image")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_cleaning_scales_a_large_picture_down_to_the_stored_size(settings, fmt):
    settings.IMAGE_STORED_MAX_SIDE = 32
    source = Image.new("RGB", (80, 40), "blue")
    source.paste("red", (0, 0, 40, 40))
    name = {"JPEG": "big.jpg", "PNG": "big.png", "WEBP": "big.webp"}[fmt]

    clean = clean_image(upload(name, encode(source, fmt)))

    assert (clean.width, clean.height) == (32, 16)
    image = reopen(clean.content).convert("RGB")
    assert image.size == (32, 16)
    assert near(image.getpixel((4, 8)), (255, 0, 0))
    assert near(image.getpixel((28, 8)), (0, 0, 255))
    assert inspect_image(upload(name, encode(source, fmt))).width == 32
