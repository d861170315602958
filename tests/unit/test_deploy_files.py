"""The shipped deployment (deploy/) is the safe set-up and only that: migrations run as the
owner role, the web, worker and scheduler as the app role, no configuration shown connects
as a superuser or turns the refusal off, and a scheduler runs beside the workers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OWNER, APP = "lets_owner", "lets_app"
SUPERUSERS = {"postgres", "root"}


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _user(url: str) -> str:
    return make_url(re.sub(r"\$\{[^}]*\}", "pw", url)).username or ""


def _unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's settings, each key with every value it is given."""
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _env_file(name: str) -> dict[str, str]:
    lines = (DEPLOY / name).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_compose_migrates_as_the_owner_and_grants_the_app_role():
    migrate = _compose()["services"]["migrate"]

    assert migrate["command"] == ["lets", "db", "upgrade"]
    assert _user(migrate["environment"]["LETS_DATABASE_URL"]) == OWNER
    assert migrate["environment"]["LETS_DATABASE_APP_ROLE"] == APP


@pytest.mark.parametrize("service", ["web", "worker", "scheduler"])
def test_compose_serves_as_the_app_role_after_the_migrations(service):
    spec = _compose()["services"][service]

    assert _user(spec["environment"]["LETS_DATABASE_URL"]) == APP
    assert spec["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_runs_a_scheduler_and_no_hub_service_is_a_superuser_or_privileged():
    services = _compose()["services"]

    assert services["scheduler"]["command"] == ["lets", "scheduler"]
    for name, spec in services.items():
        env = spec.get("environment") or {}
        assert "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE" not in env, name
        if "LETS_DATABASE_URL" in env:
            assert _user(env["LETS_DATABASE_URL"]) not in SUPERUSERS, name
    db = services["db"]
    assert "POSTGRES_USER" not in db["environment"]  # the image's superuser stays "postgres"
    assert any("docker-entrypoint-initdb.d" in volume for volume in db["volumes"])
    assert (DEPLOY / "postgres" / "initdb.sh").stat().st_mode & 0o111
    assert "-f /lets/roles.sql" in (DEPLOY / "postgres" / "initdb.sh").read_text()


def test_the_migrate_unit_runs_as_the_owner_and_the_others_as_the_app_role():
    migrate = _unit("lets-migrate.service")
    assert migrate["ExecStart"] == ["/opt/lets/.venv/bin/lets db upgrade"]
    assert migrate["EnvironmentFile"][-1] == "/etc/lets/lets-owner.env"
    owner_env = _env_file("lets-owner.env.example")
    assert _user(owner_env["LETS_DATABASE_URL"]) == OWNER
    assert owner_env["LETS_DATABASE_APP_ROLE"] == APP
    assert _user(_env_file("lets.env.example")["LETS_DATABASE_URL"]) == APP

    for name in ("lets-web.service", "lets-worker.service", "lets-scheduler.service"):
        unit = _unit(name)
        assert unit["EnvironmentFile"] == ["/etc/lets/lets.env"], name
        assert "lets-migrate.service" in unit["Requires"][0], name
        assert not any("db upgrade" in line for key in unit for line in unit[key]), name
    assert _unit("lets-scheduler.service")["ExecStart"] == ["/opt/lets/.venv/bin/lets scheduler"]


def test_no_shown_configuration_connects_as_a_superuser():
    shown = [*DEPLOY.rglob("*"), ROOT / "README.md"]
    production = (ROOT / "README.md").read_text().split("## Running it in production")[1]
    for path in shown:
        if not path.is_file() or path.suffix in {".pyc"}:
            continue
        text = production if path.name == "README.md" else path.read_text()
        text = re.sub(r"\$\{[^}]*\}", "pw", text)  # compose's ${VARIABLE:?message}
        for url in re.findall(r"postgres(?:ql)?://[^\s\"'`]+", text):
            assert _user(url) not in SUPERUSERS, f"{path.name}: {url}"
        assert "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE=1" not in text or path.name == "README.md"
