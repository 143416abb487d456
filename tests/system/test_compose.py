"""docker-compose.yml: every service runs a real command with settings we read."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml
from flask_migrate.cli import db as db_group

from plugin import create_app
from plugin.config import ENV_NAMES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
OUR_SERVICES = ("migrate", "web", "worker", "scheduler")


def test_compose_has_every_part_of_the_deployment():
    assert {"web", "worker", "scheduler", "postgres", "redis", "mailpit"} <= set(
        SERVICES
    )


def test_each_followup_command_exists(settings):
    verbs = create_app(settings).cli.commands
    for name in OUR_SERVICES:
        program, *args = SERVICES[name]["command"]
        if program == "gunicorn":
            module, _, attribute = args[-1].partition(":")
            assert importlib.util.find_spec(module) is not None, args[-1]
            assert attribute == "app"
            continue
        assert program == "followup", name
        if args[0] == "db":
            assert args[1] in db_group.commands, name
        else:
            assert args[0] in verbs, name


def test_environment_names_match_the_config():
    for name in OUR_SERVICES:
        assert set(SERVICES[name]["environment"]) <= set(ENV_NAMES), name


def test_services_of_others_use_images():
    for name in ("postgres", "redis", "mailpit"):
        assert SERVICES[name]["image"]


def test_web_image_entrypoint_matches_compose():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert '"plugin.wsgi:app"' in dockerfile
    assert SERVICES["web"]["command"][-1] == "plugin.wsgi:app"


def test_nginx_is_the_only_way_in_and_the_app_trusts_it_alone():
    proxy, web = SERVICES["proxy"], SERVICES["web"]

    assert proxy["image"].startswith("nginx")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "ports" not in web  # gunicorn is reached through the proxy only
    assert web["environment"]["PROXY_HOPS"] == 1


def test_the_proxy_mounts_the_shipped_nginx_config():
    mounts = dict(volume.split(":")[:2] for volume in SERVICES["proxy"]["volumes"])

    assert mounts["./deploy/nginx.conf"] == "/etc/nginx/conf.d/default.conf"
    assert (ROOT / "deploy" / "nginx.conf").is_file()
    nginx_conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in nginx_conf
    assert "proxy_request_buffering on;" in nginx_conf


def test_web_runs_the_shipped_gunicorn_settings_in_compose_and_image():
    command = SERVICES["web"]["command"]
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert command[:3] == ["gunicorn", "-c", "python:plugin.gunicorn_conf"]
    assert '"-c", "python:plugin.gunicorn_conf"' in dockerfile
    assert importlib.util.find_spec("plugin.gunicorn_conf") is not None
