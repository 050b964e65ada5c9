"""Reading a printed notice back: its QR code decoded from the page's image or the PDF's, the PDF's pages and text."""

import base64
import io
import re

import zxingcpp
from PIL import Image
from pypdf import PdfReader

#: A4 in PostScript points, and the tolerance of a page box.
A4 = (595.28, 841.89)


def decode_qr(image: Image.Image) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in ``image``."""
    return [code.text for code in zxingcpp.read_barcodes(image.convert('L'), formats=zxingcpp.BarcodeFormat.QRCode)]


def qr_of_page(html: str) -> list[str]:
    """The QR codes in the page's images (``data:`` PNGs), decoded from the pixels the page holds."""
    found = []
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html):
        found += decode_qr(Image.open(io.BytesIO(base64.b64decode(data))))
    return found


def read_pdf(data: bytes) -> PdfReader:
    assert data.startswith(b'%PDF-')
    return PdfReader(io.BytesIO(data))


def pdf_text(reader: PdfReader) -> str:
    return '\n'.join(page.extract_text() or '' for page in reader.pages)


def qr_of_pdf(reader: PdfReader) -> list[str]:
    """The QR codes in the images the PDF's pages draw."""
    found = []
    for page in reader.pages:
        for image in page.images:
            found += decode_qr(image.image)
    return found


def is_a4(page) -> bool:
    box = page.mediabox
    return abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1
