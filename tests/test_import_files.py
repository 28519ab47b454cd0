"""An uploaded WordPress export holds e-mails, IPs, drafts and post passwords: it waits in the
private directory (never under /media/), only the import page follows it, and it is deleted
when the import ends, whether it succeeded or failed."""

import datetime
import importlib
import io
import re

import pytest
from django.utils import timezone

from blog.models import ImportJob, Post
from tests.test_wxr_import import WXR_11
from wordpress import jobs
from wordpress.progress import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"
    return settings


def upload(client, text, name="old-blog.xml"):
    source = io.BytesIO(text.encode())
    source.name = name
    response = client.post("/admin/blog/importjob/add/", {"file": source})
    assert response.status_code == 302
    return ImportJob.objects.get()


def files_under(path):
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_a_waiting_export_is_not_served_under_media(admin_client, client, places):
    job = upload(admin_client, WXR_11)  # queued: the task runs only after commit
    assert files_under(places.MEDIA_ROOT) == []
    [stored] = files_under(places.INKWELL_PRIVATE_DIR)
    assert stored.read_text() == WXR_11
    for address in (f"/media/{job.file.name}", "/media/imports/old-blog.xml"):
        assert client.get(address).status_code == 404
        assert admin_client.get(address).status_code == 404
    page = admin_client.get(f"/admin/blog/importjob/{job.pk}/change/").content.decode()
    assert "old-blog" not in page  # no link to the file, even for the administrator


def test_progress_is_shown_while_running_and_never_written_to_media(admin_client, places):
    job = upload(admin_client, WXR_11)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=10),
    )
    job.refresh_from_db()
    jobs.record_progress(job, Progress(done=300, total=1200))
    page = admin_client.get(f"/admin/blog/importjob/{job.pk}/change/").content.decode()
    assert "Progress" in page and "300 of 1,200 items" in page
    assert re.search(r"(29|30|31) items/s · about (29|30|31) s left", page)
    listing = admin_client.get("/admin/blog/importjob/").content.decode()
    assert "300 of 1,200 items" in listing
    assert files_under(places.MEDIA_ROOT) == []


def test_the_export_and_its_progress_are_deleted_after_success(
    admin_client, places, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(admin_client, WXR_11)
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert Post.objects.filter(wp_id=501).exists()
    assert files_under(places.INKWELL_PRIVATE_DIR) == []
    assert files_under(places.MEDIA_ROOT) == []
    assert (job.items_done, job.items_total) == (5, 5)  # the count stays on the job
    page = admin_client.get(f"/admin/blog/importjob/{job.pk}/change/").content.decode()
    assert "5 of 5 items" in page


def test_the_export_is_deleted_after_failure(
    admin_client, places, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(admin_client, WXR_11[:900], name="cut.xml")
    job.refresh_from_db()
    assert job.state == "failed" and "not well-formed" in job.error
    assert files_under(places.INKWELL_PRIVATE_DIR) == []
    assert files_under(places.MEDIA_ROOT) == []


def test_deleting_a_job_in_the_admin_deletes_its_file(admin_client, places, tmp_path):
    job = upload(admin_client, WXR_11)
    assert len(files_under(tmp_path)) == 1
    response = admin_client.post(
        "/admin/blog/importjob/",
        {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not ImportJob.objects.exists()
    assert files_under(tmp_path) == []


def test_the_migration_takes_earlier_uploads_out_of_media(places):
    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    migration = importlib.import_module("blog.migrations.0011_private_imports")
    finished = ImportJob.objects.create(state=ImportJob.State.DONE)
    waiting = ImportJob.objects.create()
    for job, name in ((finished, "imports/2025/01/a.xml"), (waiting, "imports/2025/01/b.xml")):
        default_storage.save(name, ContentFile(b"<rss/>"))
        default_storage.save(f"imports/progress-{job.pk}.json", ContentFile(b"{}"))
        ImportJob.objects.filter(pk=job.pk).update(file=name)
    migration.take_exports_out_of_media(apps, None)
    assert files_under(places.MEDIA_ROOT) == []
    finished.refresh_from_db()
    waiting.refresh_from_db()
    assert not finished.file
    assert waiting.file.name == "imports/2025/01/b.xml" and waiting.file.read() == b"<rss/>"
