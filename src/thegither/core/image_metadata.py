"""Taking the hidden details out of a photo, without changing the picture.

A photo from a phone carries more than the picture: where it was taken (GPS), when,
the phone's make and serial number, a small copy of the uncropped picture, and
sometimes more pictures after the first. For photos of young people, where is the
one that matters most. This module copies a JPEG, PNG or WebP file keeping only the
parts a browser needs to draw it, and the way up it was taken (the EXIF orientation,
rebuilt on its own), so the picture itself is never decoded or re-compressed.

It strips only what it can read. A file whose structure it cannot follow is not
passed on half-cleaned: `strip_image_metadata` raises `DamagedImage` instead.
"""

import struct


class DamagedImage(ValueError):
    """The file's structure can't be followed, so its hidden details can't be taken out."""


# --- EXIF orientation: read it from a TIFF block, and write a block holding only it.

ORIENTATION_TAG = 0x0112


def _orientation_in_tiff(tiff: bytes) -> int | None:
    """Return the orientation (2 to 8) in an EXIF TIFF block, or None if 1, absent or unreadable."""
    if len(tiff) < 8 or tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    (offset,) = struct.unpack_from(order + "I", tiff, 4)
    if offset + 2 > len(tiff):
        return None
    (count,) = struct.unpack_from(order + "H", tiff, offset)
    for index in range(count):
        at = offset + 2 + index * 12
        if at + 12 > len(tiff):
            return None
        tag, kind, _count = struct.unpack_from(order + "HHI", tiff, at)
        if tag == ORIENTATION_TAG and kind == 3:
            (value,) = struct.unpack_from(order + "H", tiff, at + 8)
            return value if 2 <= value <= 8 else None
    return None


def _tiff_with_orientation(orientation: int) -> bytes:
    """Return the smallest EXIF TIFF block: one directory holding the orientation only."""
    entry = struct.pack(">HHIH2x", ORIENTATION_TAG, 3, 1, orientation)
    return b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)


# --- JPEG


# APPn segments a browser needs: JFIF (APP0), the colour profile (APP2 "ICC_PROFILE"),
# and Adobe's colour transform (APP14). Every other APPn and comment is dropped.
def _keep_jpeg_segment(marker: int, body: bytes) -> bool:
    if marker == 0xE0:
        return body.startswith((b"JFIF\x00", b"JFXX\x00"))
    if marker == 0xE2:
        return body.startswith(b"ICC_PROFILE\x00")
    if marker == 0xEE:
        return body.startswith(b"Adobe")
    return not (0xE0 <= marker <= 0xEF or marker == 0xFE)


def _jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise DamagedImage("no start of image")
    out = [b"\xff\xd8"]
    orientation = None
    position = 2
    size = len(data)
    while True:
        if position >= size or data[position] != 0xFF:
            raise DamagedImage("expected a marker")
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            raise DamagedImage("cut off")
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image: anything after it (more pictures, junk) goes
            out.append(b"\xff\xd9")
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(bytes((0xFF, marker)))
            continue
        if position + 2 > size:
            raise DamagedImage("cut off")
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > size:
            raise DamagedImage("segment runs past the end")
        body = data[position + 2 : position + length]
        segment = data[position - 2 : position + length]
        position += length
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00") and orientation is None:
            orientation = _orientation_in_tiff(body[6:])
        if _keep_jpeg_segment(marker, body):
            out.append(segment)
        if marker == 0xDA:  # start of scan: copy the picture data up to the next marker
            start = position
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    raise DamagedImage("picture data has no end")
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    position += 2
                    continue
                break
            out.append(data[start:position])
    if orientation is not None:
        tiff = b"Exif\x00\x00" + _tiff_with_orientation(orientation)
        app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff
        # After JFIF's APP0 when there is one (it must come first), else straight after SOI.
        at = 2 if len(out) > 1 and out[1].startswith(b"\xff\xe0") else 1
        out.insert(at, app1)
    return b"".join(out)


# --- PNG

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary chunks that change how the picture looks (or animate it); every other
# ancillary chunk (text, time, EXIF, private data) is dropped. Critical chunks stay.
PNG_KEEP = frozenset(
    {
        b"tRNS",
        b"gAMA",
        b"cHRM",
        b"sRGB",
        b"iCCP",
        b"sBIT",
        b"bKGD",
        b"pHYs",
        b"cICP",
        b"mDCV",
        b"cLLI",
        b"acTL",
        b"fcTL",
        b"fdAT",
    }
)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def _png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise DamagedImage("no PNG signature")
    out = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    exif_at = None
    orientation = None
    while True:
        if position + 12 > len(data):
            raise DamagedImage("cut off")
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data) or not kind.isalpha():
            raise DamagedImage("chunk runs past the end")
        chunk = data[position:end]
        position = end
        critical = kind[:1].isupper()
        if kind == b"eXIf":
            exif_at = len(out)
            orientation = _orientation_in_tiff(chunk[8:-4])
        elif critical or kind in PNG_KEEP:
            out.append(chunk)
        if kind == b"IEND":  # anything after the end goes
            break
    if orientation is not None and exif_at is not None:
        out.insert(exif_at, _png_chunk(b"eXIf", _tiff_with_orientation(orientation)))
    return b"".join(out)


# --- WebP

WEBP_KEEP = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
VP8X_EXIF = 0x08
VP8X_XMP = 0x04


def _webp(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise DamagedImage("not a WebP container")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end_of_riff = 8 + riff_size
    if end_of_riff > len(data) or riff_size < 4:
        raise DamagedImage("container runs past the end")
    chunks: list[tuple[bytes, bytes]] = []
    orientation = None
    position = 12
    while position < end_of_riff:
        if position + 8 > end_of_riff:
            raise DamagedImage("cut off")
        kind = data[position : position + 4]
        (length,) = struct.unpack_from("<I", data, position + 4)
        body_end = position + 8 + length
        if body_end > end_of_riff:
            raise DamagedImage("chunk runs past the end")
        body = data[position + 8 : body_end]
        position = body_end + (length & 1)  # chunks are padded to an even length
        if kind == b"EXIF" and orientation is None:
            tiff = body[6:] if body.startswith(b"Exif\x00\x00") else body
            orientation = _orientation_in_tiff(tiff)
        elif kind in WEBP_KEEP:
            chunks.append((kind, body))
    if not chunks:
        raise DamagedImage("no picture in it")
    extended = chunks[0][0] == b"VP8X"
    if extended:
        flags = chunks[0][1][0] & ~(VP8X_EXIF | VP8X_XMP)
        if orientation is not None:
            flags |= VP8X_EXIF
        chunks[0] = (b"VP8X", bytes((flags,)) + chunks[0][1][1:])
        if orientation is not None:
            chunks.append((b"EXIF", _tiff_with_orientation(orientation)))
    # A simple WebP (no VP8X) has nowhere to say it carries EXIF, so its orientation goes.
    body = b"".join(
        kind + struct.pack("<I", len(chunk)) + chunk + (b"\x00" if len(chunk) & 1 else b"")
        for kind, chunk in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


STRIPPERS = {"jpg": _jpeg, "png": _png, "webp": _webp}


def strip_image_metadata(data: bytes, extension: str) -> bytes:
    """Return the picture with its hidden details (place, time, phone, thumbnails) taken out.

    `extension` is what its content was checked to be: "jpg", "png" or "webp". Raise
    `DamagedImage` if its structure can't be followed.
    """
    try:
        strip = STRIPPERS[extension]
    except KeyError as error:
        raise ValueError(f"can't strip {extension} files") from error
    try:
        return strip(data)
    except struct.error as error:  # pragma: no cover - every read is bounds-checked first
        raise DamagedImage(str(error)) from error
