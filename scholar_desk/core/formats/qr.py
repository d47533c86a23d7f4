"""QR codes for posters: a link to the DOI, the PubMed page or any URL, as PNG bytes."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(url: str, *, box_size: int = 20, border: int = 2) -> bytes:
    """Encode ``url`` as a black-on-white QR code.

    Args:
        url: The text to encode.
        box_size: Pixels per module; 20 keeps edges sharp when printed large.
        border: Quiet zone in modules (2 is enough on a white poster panel).

    Returns:
        PNG bytes.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def link_for(*, url: str = "", doi: str = "", pmid: str = "") -> str:
    """The best link for a QR code: an explicit URL, else the DOI, else PubMed.

    Returns:
        A URL, or ``""`` when there is nothing to link to.
    """
    if url.strip():
        return url.strip()
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    if doi:
        return f"https://doi.org/{doi}"
    if pmid.strip():
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/"
    return ""


def qr_caption(url: str) -> str:
    """What a reader gets by scanning: the article for a DOI or PubMed link, else the abstract."""
    lowered = url.lower()
    if "doi.org/" in lowered or "pubmed" in lowered or "ncbi.nlm.nih.gov" in lowered:
        return "Scan for the article"
    return "Scan for the abstract"
