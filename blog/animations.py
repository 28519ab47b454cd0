"""Animated GIF, PNG and WebP uploads are kept frame for frame, without decoding every frame, but
rewritten block by block so that nothing but the picture survives: comments, text, metadata
(EXIF, XMP), unknown application blocks and anything appended after the image's end are dropped.
GIF keeps its NETSCAPE looping block."""

import struct

from django.core.exceptions import ValidationError

GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
PNG_KEPT_CHUNKS = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
WEBP_KEPT_CHUNKS = {b"VP8X", b"ANIM", b"ANMF", b"ICCP", b"ALPH", b"VP8 ", b"VP8L"}
WEBP_EXIF_AND_XMP_FLAGS = 0x08 | 0x04

BROKEN = "The animation is damaged and cannot be stored."


def clean(data, image_format):
    """`data` with only the blocks a viewer needs to show the animation."""
    try:
        return {"GIF": _gif, "PNG": _png, "WEBP": _webp}[image_format](data)
    except (IndexError, struct.error) as error:
        raise ValidationError(BROKEN) from error


def _sub_blocks(data, at):
    """The end of the data sub-blocks starting at `at` (after their zero terminator)."""
    while data[at]:
        at += data[at] + 1
    return at + 1


def _gif(data):
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValidationError(BROKEN)
    at = 13
    if data[10] & 0x80:  # global colour table
        at += 3 << ((data[10] & 7) + 1)
    out = [data[:at]]
    while True:
        marker = data[at]
        if marker == 0x3B:  # trailer: whatever follows is not part of the image
            out.append(b"\x3b")
            return b"".join(out)
        if marker == 0x2C:  # image descriptor, local colour table, LZW size, image data
            start, packed = at, data[at + 9]
            at += 10
            if packed & 0x80:
                at += 3 << ((packed & 7) + 1)
            at = _sub_blocks(data, at + 1)
            out.append(data[start:at])
        elif marker == 0x21:
            start, label = at, data[at + 1]
            at = _sub_blocks(data, at + 2)
            application = data[start + 3 : start + 14] if label == 0xFF else None
            if label == 0xF9 or application in GIF_KEPT_APPLICATIONS:
                out.append(data[start:at])
        else:
            raise ValidationError(BROKEN)


def _png(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValidationError(BROKEN)
    out, at = [data[:8]], 8
    while True:
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            raise ValidationError(BROKEN)
        if kind in PNG_KEPT_CHUNKS:
            out.append(data[at:end])
        if kind == b"IEND":
            return b"".join(out)
        at = end


def _webp(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValidationError(BROKEN)
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_riff = min(len(data), 8 + riff_size)
    chunks, at = [], 12
    while at + 8 <= end_of_riff:
        kind = data[at : at + 4]
        (length,) = struct.unpack("<I", data[at + 4 : at + 8])
        end = at + 8 + length + (length & 1)
        if end > end_of_riff:
            raise ValidationError(BROKEN)
        chunk = data[at:end]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & ~WEBP_EXIF_AND_XMP_FLAGS & 0xFF]) + chunk[9:]
        if kind in WEBP_KEPT_CHUNKS:
            chunks.append(chunk)
        at = end
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
