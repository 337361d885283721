"""Read what is inside a PDF WeasyPrint wrote, without a PDF library (pypdf isn't installed).

WeasyPrint compresses streams and packs most objects into object streams, so this
inflates every stream, then reads the text the way a viewer does: each font's
ToUnicode map turns the glyph numbers in the page's text operators back into letters.
It is enough for our own letters, not a general PDF reader.
"""

import re
import zlib

_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)


def streams(pdf: bytes) -> dict[int, bytes]:
    """Return every stream's bytes by object number, inflated where compressed."""
    found = {}
    for match in _STREAM.finditer(pdf):
        number, header = int(match[1]), match[2]
        length = re.search(rb"/Length (\d+)", header)
        start = match.end()
        data = pdf[start : start + int(length[1])] if length else b""
        if b"/FlateDecode" in header:
            data = zlib.decompress(data)
        found[number] = data
    return found


def everything(pdf: bytes) -> bytes:
    """Return the file with every stream inflated in, to search for names and keys."""
    return pdf + b"\n".join(streams(pdf).values())


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(glyph, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, text in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int(text, 16)
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[glyph] = chr(first + offset)
    return mapping


def text(pdf: bytes) -> str:
    """Return the words on the PDF's pages, in the order they are drawn."""
    inflated = streams(pdf)
    packed = everything(pdf)
    fonts = {
        name.decode(): _cmap(inflated.get(int(cmap), b""))
        for name, cmap in re.findall(rb"/BaseFont /([A-Z]{6})\+[^/]*/ToUnicode (\d+) 0 R", packed)
    }
    words = []
    for data in inflated.values():
        if b" Tf" not in data or b"begincmap" in data:
            continue
        font: dict[int, str] = {}
        for token in re.finditer(rb"/([A-Z]{6}) [\d.]+ Tf|<([0-9a-fA-F]*)>|\(([^)]*)\)|(ET)", data):
            if token[1]:
                font = fonts.get(token[1].decode(), {})
            elif token[2] is not None:
                hexes = token[2].decode()
                words.append(
                    "".join(
                        font.get(int(hexes[i : i + 4], 16), "") for i in range(0, len(hexes), 4)
                    )
                )
            elif token[4]:
                words.append(" ")
    return re.sub(r"\s+", " ", "".join(words))
