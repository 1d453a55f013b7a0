"""What the archive publishes as an image: PNG, JPEG, GIF or WebP, told by its first bytes.

Not SVG: an SVG can hold a script, which runs when a reader opens the image itself.
The importer checks each image it copies, and the build each image an imported page
shows, with the same rule.
"""

from __future__ import annotations

#: The file name endings of the image types, and the type each must be.
IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP"}
#: How many first bytes :func:`image_type` needs.
SIGNATURE_BYTES = 12


def image_type(head: bytes) -> str | None:
    """The type a file's first bytes say it is (``PNG``...), or None for any other file."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None
