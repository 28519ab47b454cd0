"""Static file URLs are worked out once per manifest: the hashed name the manifest gives, a new
one as soon as collectstatic writes a new manifest, and the plain name under DEBUG."""

import json

from config.static_storage import StaticFilesStorage


def storage_with(tmp_path, paths):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "0"})
    )
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_static_url_follows_the_manifest_it_was_read_from(tmp_path, settings):
    settings.DEBUG = False
    storage = storage_with(tmp_path, {"themes/a.css": "themes/a.1111.css"})
    assert storage.url("themes/a.css") == "/static/themes/a.1111.css"
    assert storage.url("themes/a.css") == "/static/themes/a.1111.css"
    storage.hashed_files = {"themes/a.css": "themes/a.2222.css"}  # as collectstatic leaves it
    assert storage.url("themes/a.css") == "/static/themes/a.2222.css"
    settings.DEBUG = True
    assert storage.url("themes/a.css") == "/static/themes/a.css"
