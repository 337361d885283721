"""Checking uploaded files by what is inside them, never by their names.

A file called logo.png can hold a web page or a script; only its first bytes say
what it really is. python-magic (libmagic) reads them. It is imported only when a
file is checked, so Thegither still starts on a machine without libmagic; there,
uploads are refused with a clear message instead.
"""

# What each accepted image type is stored as. SVG is never accepted: it can carry scripts.
IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
}
CONTENT_TYPES = {extension: content_type for content_type, extension in IMAGE_TYPES.items()}


class CannotCheckFiles(Exception):
    """libmagic, which tells what a file really is, is not installed here."""


def content_type_of(data: bytes) -> str:
    """Return the type of a file's content (like "image/png"), read from its bytes.

    Raise `CannotCheckFiles` if libmagic is missing.
    """
    try:
        import magic
    except (ImportError, OSError) as error:
        raise CannotCheckFiles(str(error)) from error
    try:
        return magic.from_buffer(data, mime=True)
    except magic.MagicException as error:
        raise CannotCheckFiles(str(error)) from error


def image_extension(data: bytes) -> str | None:
    """Return the extension to store an image under (png, jpg, webp, gif), or None.

    None means the content is not one of the accepted image types, whatever its name.
    """
    return IMAGE_TYPES.get(content_type_of(data))
