"""The media library: uploads checked, normalised and resized; images served with srcset."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.models import Media
from tests.factories import PostFactory
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

ADD = "/admin/blog/media/add/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_file(name="photo.jpg", size=(3000, 2000), image_format="JPEG", exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def upload(client, file, **fields):
    return client.post(ADD, {"upload": file, "title": "", "alt_text": "", "caption": "", **fields})


def test_image_upload_makes_every_wordpress_size(admin_client, media_root):
    response = upload(admin_client, image_file(size=(3000, 2000)), alt_text="Harbour")
    assert response.status_code == 302
    item = Media.objects.get()
    assert (item.width, item.height) == (2560, 1707)  # scaled down from 3000 px
    assert item.file.name.endswith("photo-scaled.jpg")
    assert {name: (s["width"], s["height"]) for name, s in item.sizes.items()} == {
        "thumbnail": (150, 150),
        "medium": (300, 200),
        "medium_large": (768, 512),
        "large": (1024, 683),
        "1536x1536": (1536, 1024),
        "2048x2048": (2048, 1366),
    }
    for size in item.sizes.values():
        assert (media_root / size["file"]).exists()


def test_small_images_get_only_the_sizes_below_them(admin_client):
    upload(admin_client, image_file(size=(400, 300), name="small.png", image_format="PNG"))
    item = Media.objects.get()
    assert set(item.sizes) == {"thumbnail", "medium"}
    assert item.mime_type == "image/png"


def test_exif_orientation_is_applied_and_location_stripped(admin_client, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: stored landscape, meant portrait
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS
    upload(admin_client, image_file(size=(800, 400), exif=exif.tobytes()))
    item = Media.objects.get()
    assert (item.width, item.height) == (400, 800)
    stored = Image.open(media_root / item.file.name)
    assert not stored.getexif()


def test_library_images_in_posts_get_srcset_sizes_and_lazy_loading(admin_client, client):
    upload(admin_client, image_file(size=(1600, 900)), alt_text="Quay")
    item = Media.objects.get()
    post = PostFactory(
        body=f'<p><img class="wp-image-{item.pk}" src="{item.large_url}" alt="Quay"></p>'
    )
    html = client.get(post.get_absolute_url()).content.decode()
    tag = html[html.index(f'class="wp-image-{item.pk}"') - 5 :].split(">", 1)[0]
    for width in (300, 768, 1024, 1536, 1600):
        assert f" {width}w" in tag
    assert 'sizes="(max-width: 1600px) 100vw, 1600px"' in tag
    assert 'loading="lazy"' in tag and 'width="1600" height="900"' in tag


def test_featured_image_is_shown_with_srcset(admin_client, client):
    upload(admin_client, image_file(size=(1200, 800)), alt_text="Boats at dawn")
    item = Media.objects.get()
    post = PostFactory(featured_image=item)
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="featured-image"' in html and 'alt="Boats at dawn"' in html
    assert "1200w" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"just some text, not a picture", "not a valid image"),
        ("cut.png", None, "not a valid image"),
        ("bomb.png", "bomb", "too many pixels"),
        ("huge.pdf", b"%PDF-" + b"0" * (50 * 1024 * 1024), "the limit is 20 MB"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG files are not accepted",
        ),
        ("fake.pdf", b"MZ this is an executable", "not a real PDF"),
        ("tool.exe", b"MZ", "not accepted"),
    ],
)
def test_bad_uploads_get_a_clear_error_and_store_nothing(
    admin_client, media_root, name, content, message
):
    if content is None:
        whole = image_file(name=name, size=(300, 300), image_format="PNG").read()
        content = whole[: len(whole) // 2]
    elif content == "bomb":
        buffer = io.BytesIO()
        Image.new("1", (12000, 12000)).save(buffer, "PNG")
        content = buffer.getvalue()
    response = upload(admin_client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Media.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_pdf_and_audio_are_stored_as_attachments(admin_client):
    upload(admin_client, SimpleUploadedFile("minutes.pdf", b"%PDF-1.7 minutes"))
    upload(admin_client, SimpleUploadedFile("interview.ogg", b"OggS" + b"\x00" * 100))
    assert sorted(Media.objects.values_list("mime_type", flat=True)) == [
        "application/pdf",
        "audio/ogg",
    ]


def test_contributors_cannot_upload_authors_can(client):
    client.force_login(user_with_role("Contributor"))
    assert upload(client, image_file(size=(200, 200))).status_code == 403
    client.force_login(user_with_role("Author"))
    assert upload(client, image_file(size=(200, 200))).status_code == 302
    assert Media.objects.get().uploaded_by.username == "author"
