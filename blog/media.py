"""Uploads into the media library: checked, normalised and resized with Pillow.

Images: the file must really be the image it claims to be (fully decoded, not truncated, not a
decompression bomb); EXIF orientation is applied and all metadata (location included) dropped;
originals wider or taller than 2560 px are scaled down, as WordPress does; WordPress's sizes are
generated. Other files: PDF and audio only, within the size limit. SVG is refused: it can
carry scripts. Everything goes through Django's storage API.
"""

import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageOps

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
FILE_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".mp3": ("audio/mpeg", None),
    ".m4a": ("audio/mp4", None),
    ".ogg": ("audio/ogg", b"OggS"),
    ".wav": ("audio/wav", b"RIFF"),
}
# Decompression bombs: refuse anything above this many pixels before decoding it.
Image.MAX_IMAGE_PIXELS = 50_000_000


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
        _, magic = FILE_TYPES[extension]
        if magic:
            upload.seek(0)
            if not upload.read(len(magic)) == magic:
                raise ValidationError(
                    gettext("This is not a real %(kind)s file.") % {"kind": extension[1:].upper()}
                )
            upload.seek(0)
        return "file"
    allowed = "JPEG, PNG, GIF, WebP, PDF, MP3, M4A, OGG, WAV"
    raise ValidationError(
        gettext("Files of this type are not accepted. Allowed: %(allowed)s.") % {"allowed": allowed}
    )


def open_image(upload):
    """Decode the whole image; a fake, truncated or oversized one raises ValidationError."""
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
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
    if crop:
        return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    copy = image.copy()
    copy.thumbnail((width or 100_000, height or 100_000), Image.Resampling.LANCZOS)
    return copy


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
    animated = getattr(image, "is_animated", False)
    if animated:  # keep animations as uploaded; only metadata-free re-encoding is skipped
        upload.seek(0)
        data = upload.read()
    else:
        image = ImageOps.exif_transpose(image)
        if max(image.size) > BIG_IMAGE_THRESHOLD:
            image = _resized(image, BIG_IMAGE_THRESHOLD, BIG_IMAGE_THRESHOLD, False)
            stem, extension = os.path.splitext(name)
            name = f"{stem}-scaled{extension}"
        data = _encode(image, image_format)
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
    """A MIME type from a file name, for attachments kept at their old address."""
    extension = _extension(name.split("?", 1)[0])
    images = {
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".gif": "image/gif",
        ".webp": "image/webp",
    }
    if extension in images:
        return images[extension]
    if extension in FILE_TYPES:
        return FILE_TYPES[extension][0]
    return "application/octet-stream"
