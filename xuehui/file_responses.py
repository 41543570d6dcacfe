"""The one way an uploaded file goes back to the browser (DESIGN.md "The file store").

The record's service decides who may open the file and audits the opening of a personal
document; this helper only builds the response. PDFs and images open inline, served as the type
their content was sniffed as on upload, never sniffed again by the browser (`nosniff`) and under
a sandboxing CSP, so that even a file that passed the checks runs no script with the site's
origin. Every other kind (Word, Excel) is an attachment download. The name in
`Content-Disposition` is the user's original one, sanitised by `xuehui.downloads`.
"""

from __future__ import annotations

from litestar import Response

from xuehui import files
from xuehui.downloads import content_disposition

INLINE_KINDS = frozenset({files.PDF, files.JPEG, files.PNG})
# Nothing may load or run; the browser's own PDF viewer and image view need only inline styles,
# their own images and the embedded document itself.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'"
EXTENSIONS = {files.PDF: ".pdf", files.JPEG: ".jpg", files.PNG: ".png", files.DOCX: ".docx", files.XLSX: ".xlsx"}
OCTET_STREAM = "application/octet-stream"


def display_name(filename: str, media_type: str, fallback: str = "file") -> str:
    """The original name with the extension its content has (a `.pdf` that is a JPEG ends `.jpg`)."""
    extension = EXTENSIONS.get(media_type, "")
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return (stem.strip() or fallback) + extension


def file_response(content: bytes, media_type: str, filename: str, fallback: str = "file") -> Response[bytes]:
    """`content` for the browser: inline when a PDF or an image, otherwise a download."""
    inline = media_type in INLINE_KINDS
    known = media_type in EXTENSIONS
    return Response(
        content,
        media_type=media_type if known else OCTET_STREAM,
        headers={
            "content-disposition": content_disposition(
                display_name(filename, media_type, fallback), "inline" if inline else "attachment", fallback
            ),
            "x-content-type-options": "nosniff",
            "content-security-policy": SANDBOX_CSP,
            "cache-control": "private, no-store",
            "cross-origin-resource-policy": "same-origin",
        },
    )
