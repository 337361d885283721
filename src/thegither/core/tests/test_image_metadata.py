"""Hidden details come out of photos; the picture and which way up it goes stay."""

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from thegither.core.image_metadata import DamagedImage, strip_image_metadata
from thegither.core.uploads import content_type_of

GPS = {1: "N", 2: (55.0, 51.0, 30.0), 3: "W", 4: (4.0, 15.0, 10.0)}


def picture(kind: str, *, orientation: int | None = 6, **extra) -> bytes:
    image = Image.new("RGB", (40, 20), (29, 92, 99))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = GPS
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=exif.tobytes(), **extra)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("kind", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_place_and_phone_go_and_the_way_up_stays(kind, extension):
    data = picture(kind)
    assert b"PhoneMaker" in data
    stripped = strip_image_metadata(data, extension)
    assert b"PhoneMaker" not in stripped
    image = opened(stripped)
    assert image.size == (40, 20)
    assert dict(image.getexif()) == {0x0112: 6}
    assert image.getexif().get_ifd(0x8825) == {}
    assert content_type_of(stripped) == f"image/{'jpeg' if extension == 'jpg' else extension}"
    # Cleaning twice changes nothing more.
    assert strip_image_metadata(stripped, extension) == stripped


@pytest.mark.parametrize(("kind", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_an_upright_photo_keeps_no_exif_at_all(kind, extension):
    stripped = strip_image_metadata(picture(kind, orientation=1), extension)
    assert b"Exif" not in stripped
    assert b"eXIf" not in stripped
    assert dict(opened(stripped).getexif()) == {}


def test_the_jpeg_picture_data_is_copied_byte_for_byte():
    data = picture("JPEG", comment=b"taken at 12 Canal Street")
    stripped = strip_image_metadata(data, "jpg")
    assert b"Canal Street" not in stripped
    scan = data[data.index(b"\xff\xda") :]
    assert stripped.endswith(scan)
    assert opened(stripped).tobytes() == opened(data).tobytes()


def test_anything_after_the_end_of_a_jpeg_goes():
    # Phones add more pictures after the first (depth maps, the uncropped one); some files
    # carry other files after the end of the picture.
    extra = picture("JPEG", orientation=None)
    data = picture("JPEG") + extra + b"PK\x03\x04 a zip"
    stripped = strip_image_metadata(data, "jpg")
    assert stripped.endswith(b"\xff\xd9")
    assert stripped.count(b"\xff\xd8") == 1
    assert b"PK\x03\x04" not in stripped


def test_png_text_goes_and_the_picture_stays():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "our secret den")
    info.add_itxt("Location", "55.85, -4.25")
    data = picture("PNG", pnginfo=info)
    stripped = strip_image_metadata(data, "png")
    assert b"secret" not in stripped
    assert b"55.85" not in stripped
    assert opened(stripped).tobytes() == opened(data).tobytes()


def plain(kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(buffer, kind, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (plain("JPEG"), "jpg"),
        (plain("PNG"), "png"),
        (plain("WEBP", lossless=True), "webp"),
        (plain("WEBP"), "webp"),
    ],
)
def test_a_picture_without_hidden_details_is_taken_as_it_is(data, extension):
    assert strip_image_metadata(data, extension) == data


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (b"\xff\xd8\xff\xe1\xff\xff", "jpg"),  # a segment longer than the file
        (b"\xff\xd8\xff\xda\x00\x02abc", "jpg"),  # picture data with no end
        (b"\xff\xd8\x00\x00", "jpg"),  # no marker where one must be
        (b"not a jpeg", "jpg"),
        (plain("PNG")[:-6], "png"),  # cut off before its end
        (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"I\x00DR", b""), "png"),
        (b"RIFF\xff\xff\xff\xffWEBPVP8L", "webp"),
        (b"RIFF\x04\x00\x00\x00WEBP", "webp"),  # no picture in it
        (b"RIFF\x10\x00\x00\x00WEBPEXIF\x04\x00\x00\x00abcd", "webp"),
    ],
)
def test_a_file_we_cannot_follow_is_refused_not_half_cleaned(data, extension):
    with pytest.raises(DamagedImage):
        strip_image_metadata(data, extension)


def test_only_pictures_are_stripped():
    with pytest.raises(ValueError, match="pdf"):
        strip_image_metadata(b"%PDF-1.4", "pdf")
