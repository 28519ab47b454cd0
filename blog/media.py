"""Uploads into the media library: checked, normalised and resized with Pillow.

Images: the file must really be the image it claims to be (fully decoded, not truncated, not a
decompression bomb); its size is read from the header first and anything that would need more
than MAX_DECODED_BYTES to decode is refused (large JPEG photos are decoded at a reduced scale
instead); EXIF orientation is applied and all metadata (location included) dropped; originals
wider or taller than 2560 px are scaled down, as WordPress does; WordPress's sizes are
generated; animations keep their frames but lose every other block (blog/animations.py).
Other files: PDF and audio only, each checked by its content, within the size limit. SVG is
refused: it can carry scripts. Everything goes through Django's storage API.
"""

import io
import mimetypes
import os
import warnings
from math import inf

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageOps

from . import animations

# WordPress's sizes: (name, width, height, crop).
SIZES = [
    ("thumbnail", 150, 150, True),
    ("medium", 300, 300, False),
    ("medium_large", 768, 0, False),
    ("large", 1024, 1024, False),
    ("1536x1536", 1536, 1536, False),
    ("2048x2048", 2048, 2048, False),
]
BIG_IMAGE_THRESHOLD = 2560
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
IMAGE_EXTENSIONS = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "GIF": (".gif",),
    "WEBP": (".webp",),
}


def _is_mp3(head):
    if head[:3] == b"ID3":
        return True
    # an MPEG audio frame header: sync bits, a real version, layer, bitrate and sample rate
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and rate != 3


FILE_TYPES = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".mp3": ("audio/mpeg", _is_mp3),
    ".m4a": ("audio/mp4", lambda head: head[4:8] == b"ftyp"),
    ".ogg": ("audio/ogg", lambda head: head.startswith(b"OggS")),
    ".wav": ("audio/wav", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE"),
}
# Decompression bombs: refuse anything above this many pixels before decoding it.
Image.MAX_IMAGE_PIXELS = 50_000_000
# What one decoded image may take in memory: 16 megapixels in colour (Pillow keeps 4 bytes a
# pixel), 64 in greyscale or with a palette. JPEG photos are decoded at 1/2, 1/4 or 1/8 scale
# when they are larger than they will be stored, so bigger photos still fit.
MAX_DECODED_BYTES = 64 * 1024 * 1024


def _extension(name):
    return os.path.splitext(name)[1].lower()


def check_upload(upload):
    """Raise ValidationError with a reader-friendly message unless `upload` may be stored."""
    limit = settings.INKWELL_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            gettext("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": upload.size / 1_048_576, "limit": limit / 1_048_576}
        )
    extension = _extension(upload.name)
    if extension in (".svg", ".svgz"):
        raise ValidationError(gettext("SVG files are not accepted: they can contain scripts."))
    if extension in (".jpg", ".jpeg", ".png", ".gif", ".webp"):
        return "image"
    if extension in FILE_TYPES:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not FILE_TYPES[extension][1](head):
            raise ValidationError(
                gettext("This is not a real %(kind)s file: its content is something else.")
                % {"kind": extension[1:].upper()}
            )
        return "file"
    allowed = "JPEG, PNG, GIF, WebP, PDF, MP3, M4A, OGG, WAV"
    raise ValidationError(
        gettext("Files of this type are not accepted. Allowed: %(allowed)s.") % {"allowed": allowed}
    )


def _bytes_per_pixel(mode):
    return 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4


def _fitted(width, height, box_width, box_height):
    """(width, height) scaled down to fit the box (0: no limit), never up."""
    ratio = min(box_width / width if box_width else inf, box_height / height if box_height else inf)
    if ratio >= 1:
        return width, height
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def open_image(upload):
    """Decode the image, within the memory budget; a fake, truncated, oversized or too large
    one raises ValidationError."""
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if image.format == "JPEG":
                image.draft(
                    image.mode, _fitted(width, height, BIG_IMAGE_THRESHOLD, BIG_IMAGE_THRESHOLD)
                )
            if image.size[0] * image.size[1] * _bytes_per_pixel(image.mode) > MAX_DECODED_BYTES:
                raise ValidationError(
                    f"The image is too large to be processed: {width} × {height} pixels. "
                    "Images of up to 16 megapixels (4000 × 4000) are accepted; "
                    "JPEG photos may be larger."
                )
            image.load()
            image.header_size = (width, height)  # before a reduced-scale JPEG decode
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            gettext("The image has too many pixels to be processed safely.")
        ) from error
    except Exception as error:  # Pillow raises many kinds for broken files
        raise ValidationError(
            gettext("The file is not a valid image (it may be damaged or not an image at all).")
        ) from error
    if image.format not in IMAGE_FORMATS:
        raise ValidationError(gettext("Only JPEG, PNG, GIF and WebP images are accepted."))
    return image


def _encode(image, image_format):
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if image_format in ("JPEG", "WEBP") else {}
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, image_format, **options)  # no exif=…: metadata is dropped
    return buffer.getvalue()


def _resized(image, width, height, crop):
    """A new, smaller image; the original is never copied whole."""
    if crop:
        return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    size = _fitted(image.width, image.height, width, height)
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def store(media, upload):
    """Fill `media` from `upload` (already checked) and write the files; returns `media`."""
    kind = check_upload(upload)
    name = os.path.basename(upload.name)
    if kind == "file":
        media.mime_type = FILE_TYPES[_extension(name)][0]
        media.file_size = upload.size
        media.file.save(name, upload, save=False)
        return media

    image = open_image(upload)
    image_format = image.format
    stem, extension = os.path.splitext(name)
    if extension.lower() not in IMAGE_EXTENSIONS[image_format]:
        extension = IMAGE_EXTENSIONS[image_format][0]  # named for what it is
    animated = getattr(image, "is_animated", False)
    if animated:  # frames kept as uploaded, every other block dropped
        upload.seek(0)
        data = animations.clean(upload.read(), image_format)
    else:
        if max(image.header_size) > BIG_IMAGE_THRESHOLD:
            # scaled first, turned upright after: the full-size image is never copied
            image = _resized(image, BIG_IMAGE_THRESHOLD, BIG_IMAGE_THRESHOLD, False)
            stem = f"{stem}-scaled"
        image = ImageOps.exif_transpose(image)
        data = _encode(image, image_format)
    name = stem + extension
    media.mime_type = IMAGE_FORMATS[image_format]
    media.width, media.height = image.size
    media.file_size = len(data)
    media.file.save(name, ContentFile(data), save=False)
    media.sizes = {} if animated else _generate_sizes(media, image, image_format)
    return media


def _generate_sizes(media, image, image_format):
    sizes = {}
    stem, extension = os.path.splitext(media.file.name)
    for size_name, width, height, crop in SIZES:
        too_small = image.width <= width and (not height or image.height <= height)
        if crop:
            too_small = image.width < width or image.height < height
        if too_small:
            continue
        resized = _resized(image, width, height, crop)
        path = f"{stem}-{resized.width}x{resized.height}{extension}"
        saved = media.file.storage.save(path, ContentFile(_encode(resized, image_format)))
        sizes[size_name] = {"file": saved, "width": resized.width, "height": resized.height}
    return sizes


def mime_type_for(name):
    """A MIME type from a file name, for attachments kept at their old address: the library's
    own types first (Python 3.11's table lacks WebP and M4A), then the standard table."""
    extension = _extension(name.split("?", 1)[0])
    if extension in FILE_TYPES:
        return FILE_TYPES[extension][0]
    if extension == ".webp":
        return IMAGE_FORMATS["WEBP"]
    return mimetypes.guess_type(f"file{extension}")[0] or "application/octet-stream"
