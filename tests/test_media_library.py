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
        ("song.mp3", b"<html><script>alert(document.cookie)</script></html>", "not a real MP3"),
        ("talk.m4a", b"<!DOCTYPE html><title>x</title>", "not a real M4A"),
        ("noise.wav", b"RIFF\x10\x00\x00\x00AVI LIST", "not a real WAV"),
        ("silence.mp3", b"\xff\xff\xff\xff" + b"\x00" * 100, "not a real MP3"),
        ("huge.png", "huge", "too large to be processed: 7000 × 7000 pixels"),
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
    elif content == "huge":  # a few hundred KB that would decode to 196 MB
        buffer = io.BytesIO()
        Image.new("RGB", (7000, 7000), (250, 250, 250)).save(buffer, "PNG")
        content = buffer.getvalue()
    response = upload(admin_client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Media.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_pdf_and_audio_are_stored_as_attachments(admin_client):
    upload(admin_client, SimpleUploadedFile("minutes.pdf", b"%PDF-1.7 minutes"))
    upload(admin_client, SimpleUploadedFile("interview.ogg", b"OggS" + b"\x00" * 100))
    upload(admin_client, SimpleUploadedFile("tagged.mp3", b"ID3\x04\x00" + b"\x00" * 100))
    upload(admin_client, SimpleUploadedFile("bare.mp3", b"\xff\xfb\x90\x64" + b"\x00" * 100))
    upload(admin_client, SimpleUploadedFile("voice.m4a", b"\x00\x00\x00\x20ftypM4A " + b"\0" * 50))
    upload(admin_client, SimpleUploadedFile("beep.wav", b"RIFF\x24\x00\x00\x00WAVEfmt "))
    assert sorted(Media.objects.values_list("mime_type", flat=True)) == [
        "application/pdf",
        "audio/mp4",
        "audio/mpeg",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
    ]


def test_large_jpeg_photos_are_decoded_at_reduced_scale_and_stored(admin_client):
    assert upload(admin_client, image_file(size=(8000, 5000))).status_code == 302
    item = Media.objects.get()
    assert (item.width, item.height) == (2560, 1600)


def test_an_image_is_stored_under_the_extension_of_what_it_really_is(admin_client):
    upload(admin_client, image_file(name="diagram.jpg", size=(400, 300), image_format="PNG"))
    item = Media.objects.get()
    assert item.mime_type == "image/png" and item.file.name.endswith("diagram.png")


def frames(count=3, size=(40, 30)):
    return [Image.new("RGB", size, (80 * n, 40, 200 - 50 * n)) for n in range(count)]


def with_gif_extras(gif):
    """A GIF with a comment, an unknown application block and bytes after its end."""
    extras = (
        b"\x21\xfe" + bytes([14]) + b"secret comment" + b"\x00"
        b"\x21\xff\x0bEVILAPP01.0" + bytes([9]) + b"<script>1" + b"\x00"
    )
    first_image = gif.index(b"\x2c", gif.index(b"NETSCAPE2.0"))
    return gif[:first_image] + extras + gif[first_image:] + b"<html><script>x</script>"


def test_animated_gifs_keep_their_frames_and_looping_but_nothing_else(admin_client, media_root):
    buffer = io.BytesIO()
    first, *rest = frames()
    first.save(buffer, "GIF", save_all=True, append_images=rest, loop=0, duration=100)
    gif = with_gif_extras(buffer.getvalue())
    assert b"secret comment" in gif and Image.open(io.BytesIO(gif)).n_frames == 3
    assert upload(admin_client, SimpleUploadedFile("wave.gif", gif)).status_code == 302
    stored = (media_root / Media.objects.get().file.name).read_bytes()
    for hidden in (b"secret comment", b"EVILAPP", b"<script>", b"<html>"):
        assert hidden not in stored
    assert b"NETSCAPE2.0" in stored and stored.endswith(b"\x3b")
    again = Image.open(io.BytesIO(stored))
    assert again.n_frames == 3 and again.info.get("loop") == 0


def test_animated_png_and_webp_lose_text_and_metadata(admin_client, media_root):
    from PIL import PngImagePlugin

    exif = Image.Exif()
    exif[0x010E] = "home address: 1 Secret Lane"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret text chunk")
    for name, image_format, options in [
        ("spin.png", "PNG", {"pnginfo": text, "exif": exif.tobytes()}),
        ("spin.webp", "WEBP", {"exif": exif.tobytes(), "xmp": b"<x:xmpmeta>secret</x:xmpmeta>"}),
    ]:
        buffer = io.BytesIO()
        first, *rest = frames()
        first.save(buffer, image_format, save_all=True, append_images=rest, duration=100, **options)
        assert upload(admin_client, SimpleUploadedFile(name, buffer.getvalue())).status_code == 302
        stored = (
            media_root
            / Media.objects.get(title="spin", mime_type__endswith=image_format.lower()).file.name
        ).read_bytes()
        assert b"Secret Lane" not in stored and b"secret" not in stored
        assert Image.open(io.BytesIO(stored)).n_frames == 3


def test_contributors_cannot_upload_authors_can(client):
    client.force_login(user_with_role("Contributor"))
    assert upload(client, image_file(size=(200, 200))).status_code == 403
    client.force_login(user_with_role("Author"))
    assert upload(client, image_file(size=(200, 200))).status_code == 302
    assert Media.objects.get().uploaded_by.username == "author"
