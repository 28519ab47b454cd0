"""Media on S3-compatible storage, chosen by settings alone (django-storages), against a local
S3 server (moto in server mode on 127.0.0.1): upload, every WordPress size, srcset addresses
that serve the files, and delete."""

import io
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from blog import media
from blog.models import Media

pytestmark = pytest.mark.django_db
BUCKET = "inkwell-media"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": "public-read",  # readers fetch the files straight from S3
            },
        },
    }
    yield client
    server.terminate()
    server.wait(timeout=10)


def stored_names(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_uploads_sizes_srcset_and_delete_on_s3(s3, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "steelblue").save(buffer, "PNG")
    item = Media(title="Harbour")
    media.store(item, ContentFile(buffer.getvalue(), name="harbour.png"))
    item.save()
    names = stored_names(s3)
    assert item.file.name in names
    assert {size["file"] for size in item.sizes.values()} <= names
    assert set(item.sizes) >= {"thumbnail", "medium", "medium_large", "large"}
    for url in [item.url, *(part.split()[0] for part in item.srcset().split(", "))]:
        assert url.startswith(f"{s3.meta.endpoint_url}/{BUCKET}/")
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert answer.status == 200 and answer.read(8) == b"\x89PNG\r\n\x1a\n"
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert stored_names(s3) == set()
