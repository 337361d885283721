"""Offline PDFs: tagged PDF/UA, nothing fetched from anywhere, a clear message without Pango."""

import re
import socket
import sys
import urllib.request
import zlib

import pytest

from thegither.core.pdf import PANGO_PACKAGES, CannotMakePdf, Resource, html_to_pdf, pdf_problem

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _inflated(pdf: bytes) -> bytes:
    """The file with its compressed streams inflated, to look inside."""
    out = [pdf]
    for match in re.finditer(rb"<<([^>]*?/FlateDecode[^>]*?)>>\s*stream\r?\n", pdf):
        length = re.search(rb"/Length (\d+)", match[1])
        if length:
            out.append(zlib.decompress(pdf[match.end() : match.end() + int(length[1])]))
    return b"\n".join(out)


@pytest.fixture
def no_network(monkeypatch):
    tried = []

    def refuse_connect(self, address):
        tried.append(address)
        raise AssertionError(f"A PDF tried to connect to {address!r}")

    def refuse_open(self, url, *args, **kwargs):
        tried.append(getattr(url, "full_url", url))
        raise AssertionError(f"A PDF tried to open {url!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    return tried


def test_a_pdf_fetches_nothing_but_the_files_it_was_given(no_network):
    html = (
        '<html lang="en"><head><title>T</title>'
        '<link rel="stylesheet" href="https://fonts.example.com/font.css"></head>'
        '<body><h1>Hi</h1><img src="thegither:logo" alt="logo">'
        '<img src="https://evil.example.com/x.png" alt="x">'
        '<img src="file:///etc/passwd" alt="y"><img src="x.png" alt="z"></body></html>'
    )
    pdf, refused = html_to_pdf(html, resources={"thegither:logo": Resource(PNG, "image/png")})
    assert pdf.startswith(b"%PDF-")
    assert "https://evil.example.com/x.png" in refused
    assert "https://fonts.example.com/font.css" in refused
    assert "file:///etc/passwd" in refused
    assert "thegither:logo" not in refused
    assert no_network == []
    # Tagged for screen readers (PDF/UA-1).
    assert b"/StructTreeRoot" in _inflated(pdf)
    assert b"pdfuaid:part" in _inflated(pdf)
    assert pdf_problem() == ""


def test_without_pango_the_message_names_the_packages(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(CannotMakePdf) as caught:
        html_to_pdf("<p>x</p>")
    assert PANGO_PACKAGES in str(caught.value)
    assert PANGO_PACKAGES in pdf_problem()
