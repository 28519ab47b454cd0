"""Real WordPress client libraries, unmodified, against a live Inkwell: `wpapi` (REST) and
`wordpress` (node-wordpress, XML-RPC), run by node as the apps that use them would."""

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from blog.models import Media, Post, Status
from blog.roles import AUTHOR, EDITOR
from tests.roles import user_with_role
from wordpress.models import ApplicationPassword

CLIENTS = Path(__file__).parent / "clients"


def run_node(script, *args):
    done = subprocess.run(
        ["node", str(CLIENTS / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=CLIENTS.parent.parent,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "picture.png"
    Image.new("RGB", (48, 32), "seagreen").save(path)
    return path


def test_wpapi_writes_reads_uploads_and_deletes(live_server, png):
    editor = user_with_role(EDITOR)
    _record, plain = ApplicationPassword.create_for(editor, "wpapi")
    seen = run_node("rest_client.js", live_server.url, editor.username, plain, png)
    post_id = seen["created"]["id"]
    assert seen["created"] == {"id": post_id, "status": "publish", "title": "Written by wpapi"}
    assert seen["updated"] == "Edited by wpapi" and seen["read"] == "Edited by wpapi"
    assert seen["listed"] == [post_id] and seen["total"] == 1
    assert seen["media"]["type"] == "image" and seen["media"]["width"] == 48
    assert seen["trashed"] == "trash" and seen["missing"] == "rest_post_invalid_id"
    assert Post.objects.get(pk=post_id).status == Status.TRASH
    assert Media.objects.filter(pk=seen["media"]["id"]).exists()


def test_node_wordpress_over_xmlrpc_with_an_account_password(live_server, png):
    author = user_with_role(AUTHOR)
    seen = run_node("xmlrpc_client.js", live_server.url, author.username, "pw-for-tests-only", png)
    post = Post.objects.get(pk=int(seen["created"]))
    assert post.author == author
    assert seen["read"] == {"title": "Written by node-wordpress", "status": "publish", "date": True}
    assert seen["edited"] == "Edited by node-wordpress"
    assert seen["listed"] == [seen["created"]]
    assert seen["tags"] == ["xmlrpc"]
    assert seen["upload"]["url"].endswith(".png")
    assert seen["deleted"] == "trash" and seen["missing"] == 404
