"""Profiles: each field shown to the audience its member chose; photos checked and cleaned."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from lets_platform.testing import assert_problem


@pytest.fixture
def two(scheme_with_members) -> SimpleNamespace:
    wilts = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    return SimpleNamespace(w=wilts, b=bright)


ALICE = "/schemes/wiltshire/members/alice/profile"


def _image(kind="JPEG", size=(200, 120), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif and kind == "JPEG":
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0132] = "2024:01:01 10:00:00"  # DateTime
        image.save(out, kind, exif=data.tobytes())
    else:
        image.save(out, kind)
    return out.getvalue()


def _put_photo(client, data: bytes, name="me.jpg"):
    return client.call(
        "PUT",
        ALICE + "/photo",
        data={"photo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=client._headers(None),
    )


def test_each_field_is_seen_by_the_audience_its_member_chose(two):
    alice = two.w.as_["alice"]
    changed = alice.patch(
        ALICE,
        {
            "area": "Devizes",
            "about": "Baker",
            "skills": "bread, cakes",
            "contact": "01380 123456",
            "visibility": {"contact": "private", "about": "federation"},
        },
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["visibility"]["contact"] == "private"

    by_bob = two.w.as_["bob"].get(ALICE).json
    by_carol = two.b.as_["carol"].get(ALICE).json
    by_olive = two.w.as_["olive"].get(ALICE).json

    assert (by_bob["about"], by_bob["contact"], by_bob["visibility"]) == ("Baker", None, None)
    assert (by_carol["about"], by_carol["area"], by_carol["contact"]) == ("Baker", "Devizes", None)
    assert by_carol["display_name"] == "Alice" and by_carol["member"] == "wiltshire/alice"
    assert by_olive["contact"] == "01380 123456"  # the organiser edits the directory


def test_the_default_keeps_contact_details_within_the_scheme(two):
    two.w.as_["alice"].patch(ALICE, {"contact": "alice@example.org"})

    assert two.w.as_["bob"].get(ALICE).json["contact"] == "alice@example.org"
    assert two.b.as_["carol"].get(ALICE).json["contact"] is None


def test_only_the_member_changes_their_profile(two):
    assert_problem(two.w.as_["bob"].patch(ALICE, {"about": "Not me"}), 403, "not_permitted")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"about": "x" * 2001}, "text_too_long"),
        ({"display_name": ""}, "text_missing"),
        ({"visibility": {"contact": "everyone"}}, "audience_invalid"),
        ({"visibility": {"password": "public"}}, "audience_invalid"),
    ],
)
def test_bad_profile_input_is_named(two, body, code):
    assert_problem(two.w.as_["alice"].patch(ALICE, body), 422, code)


def test_a_photo_is_stored_without_its_exif_and_shown_as_chosen(two):
    response = _put_photo(two.w.as_["alice"], _image())

    assert response.status_code == 200, response.json
    url = response.json["photo_url"]
    assert url == "/api/v1/schemes/wiltshire/members/alice/photo"
    stored = two.w.as_["bob"].get(url[len("/api/v1") :])
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(stored.data))
    assert image.format == "JPEG" and not image.getexif()
    # the default keeps photos within the scheme
    assert two.b.as_["carol"].get(ALICE).json["photo_url"] is None
    assert two.b.as_["carol"].get(url[len("/api/v1") :]).status_code == 404


def test_a_large_photo_is_scaled_down(two):
    _put_photo(two.w.as_["alice"], _image(size=(2000, 1000), exif=False))

    stored = two.w.as_["alice"].get("/schemes/wiltshire/members/alice/photo")
    assert Image.open(io.BytesIO(stored.data)).size == (800, 400)


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GIF89a" + b"\0" * 100, 415, "photo_type_invalid"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415, "photo_type_invalid"),
        (b"\xff" * (100 * 1024 + 1), 413, "photo_too_large"),
        ("small", 422, "photo_dimensions_invalid"),
        ("gif", 415, "photo_type_invalid"),
    ],
)
def test_wrong_photos_are_refused_by_name(two, app, monkeypatch, data, status, code):
    monkeypatch.setitem(app.config, "LETS_PHOTO_MAX_BYTES", 100 * 1024)
    if data == "small":
        data = _image(size=(20, 20))
    if data == "gif":
        data = _image(kind="GIF", exif=False)

    assert_problem(_put_photo(two.w.as_["alice"], data), status, code)


def test_the_feedback_summary_starts_at_zero(two):
    assert two.w.as_["bob"].get(ALICE).json["feedback"] == {
        "positive": 0,
        "neutral": 0,
        "negative": 0,
    }
