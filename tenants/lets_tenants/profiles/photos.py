"""Checking and cleaning a profile photo: a JPEG, PNG or WebP image (by its content, not
its name), at most ``MAX_BYTES``, between ``MIN_SIDE`` and ``MAX_SIDE`` pixels a side; it
is turned upright, scaled to at most ``STORED_SIDE`` and re-encoded as JPEG, which leaves
its EXIF data (camera, place, time) behind."""

from __future__ import annotations

import io
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from lets_platform.errors import _error

MAX_BYTES = 5 * 1024 * 1024
MIN_SIDE = 64
MAX_SIDE = 8000
STORED_SIDE = 800
FORMATS = {"JPEG", "PNG", "WEBP"}

PhotoTooLarge = _error("photo_too_large", 413, "The photo is larger than allowed.")
PhotoTypeInvalid = _error("photo_type_invalid", 415, "The photo must be a JPEG, PNG or WebP image.")
PhotoDimensionsInvalid = _error(
    "photo_dimensions_invalid", 422, "The photo must be 64 to 8000 pixels on each side."
)


def max_bytes() -> int:
    """``LETS_PHOTO_MAX_BYTES``, by default ``MAX_BYTES``."""
    return int(current_app.config.get("LETS_PHOTO_MAX_BYTES") or MAX_BYTES)


def clean_photo(data: bytes) -> bytes:
    """The photo as stored: checked, upright, scaled, JPEG, without metadata."""
    largest = max_bytes()
    if len(data) > largest:
        message = f"At most {largest / 1024 / 1024:.1f} MB ({len(data) / 1024 / 1024:.1f} MB sent)."
        raise PhotoTooLarge(message, errors={"photo": [message]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            width, height = image.size
            if kind not in FORMATS:
                raise PhotoTypeInvalid(
                    f"This is a {kind or 'file of unknown type'}, not a JPEG, PNG or WebP image.",
                    errors={"photo": ["Choose a JPEG, PNG or WebP image."]},
                )
            if not (min(width, height) >= MIN_SIDE and max(width, height) <= MAX_SIDE):
                raise PhotoDimensionsInvalid(
                    f"The photo is {width}x{height} pixels.",
                    errors={"photo": [f"{MIN_SIDE} to {MAX_SIDE} pixels on each side."]},
                )
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
        OSError,
    ):
        raise PhotoTypeInvalid(
            "The file is not an image we can read.",
            errors={"photo": ["Choose a JPEG, PNG or WebP image."]},
        ) from None
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((STORED_SIDE, STORED_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=85)  # no exif= given: none is written
    return out.getvalue()
