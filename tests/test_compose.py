"""compose.yaml, checked as far as a machine without a Docker engine can: it parses, every
Inkwell service reaches PostgreSQL and Redis by service name, the app runs twice with no worker
of its own, one worker runs `manage.py db_worker`, and nginx forwards the client's address."""

import re
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def inkwell_services(services):
    return {name: s for name, s in services.items() if s.get("image") == "inkwell"}


def test_every_inkwell_service_reaches_postgres_and_redis_by_name():
    services = compose()["services"]
    assert {"postgres", "redis", "app", "worker", "proxy", "migrate"} <= set(services)
    for name, service in inkwell_services(services).items():
        environment = service["environment"]
        database = urllib.parse.urlsplit(environment["DATABASE_URL"])
        assert database.scheme == "postgres" and database.hostname in services, name
        assert urllib.parse.urlsplit(environment["REDIS_URL"]).hostname in services, name
        assert database.path.strip("/") == services["postgres"]["environment"]["POSTGRES_DB"]


def test_two_app_servers_without_a_worker_and_one_worker_of_its_own():
    services = compose()["services"]
    app, worker = services["app"], services["worker"]
    assert app["deploy"]["replicas"] == 2
    assert app["environment"]["INKWELL_RUN_WORKER"] == "0"
    assert app["command"][:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    assert (ROOT / app["command"][2]).exists()
    assert worker["command"] == ["python", "manage.py", "db_worker"]
    assert worker["restart"] == "unless-stopped"
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_proxy_serves_static_files_and_forwards_the_client_address():
    proxy = compose()["services"]["proxy"]
    mounted = [volume.split(":") for volume in proxy["volumes"]]
    config_file = next(source for source, target, *_ in mounted if target.endswith(".conf"))
    config = (ROOT / config_file).read_text()
    assert re.search(r"server app:8000;", config)
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in config
    static_root = re.search(r"location /static/ \{\s*alias (\S+);", config).group(1)
    assert any(target.rstrip("/") == static_root.rstrip("/") for _, target, *_ in mounted)
