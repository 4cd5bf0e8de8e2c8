"""Rate limits in Redis fail closed: with Redis down, login (and the other limited
posts) answer 503 in Bulgarian instead of letting unlimited guesses through."""

import pytest

from bureau import create_app
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, make_user
from tests.parallel import at_once
from tests.smtp import free_port

REFUSED = "Временно не можем да ограничим опитите"


def app_with_redis(database_uri: str, port: int, **config):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri,
                       "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0",
                       "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1,
                                                     "socket_timeout": 1}, **config})  # fmt: skip


def log_in(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def redis_down_app(app, migrated_database):
    return app_with_redis(migrated_database, free_port())


def test_login_is_refused_while_the_limit_store_is_unreachable(redis_down_app):
    user = make_user()
    client = redis_down_app.test_client()
    assert client.get("/login").status_code == 200  # the page itself needs no counter
    response = log_in(client, user)
    assert response.status_code == 503
    assert REFUSED in response.text
    assert "Traceback" not in response.text and "redis" not in response.text.lower()
    assert "Добре дошли" not in client.get("/").text  # not logged in, even with the password


def test_the_status_lookup_also_fails_closed(redis_down_app):
    client = redis_down_app.test_client()
    response = client.post("/status", data={"reference": "KRS-2026-00001", "pin": "123456"})
    assert response.status_code == 503


def test_limits_are_shared_through_redis_and_close_when_it_stops(
    app, migrated_database, redis_server
):
    config = {"LOGIN_LIMIT_PER_IP": "3 per minute"}
    one = app_with_redis(migrated_database, redis_server["port"], **config)
    two = app_with_redis(migrated_database, redis_server["port"], **config)
    user = make_user()
    for client in (one.test_client(), two.test_client(), one.test_client()):
        assert log_in(client, make_user(), "a wrong password").status_code == 200
    # Three failures from one address over two "servers": the address is throttled on both.
    assert log_in(two.test_client(), user).status_code == 429
    redis_server["process"].terminate()
    redis_server["process"].wait(5)
    response = log_in(one.test_client(), make_user())
    assert response.status_code == 503 and REFUSED in response.text
    redis_server["restart"]()
    assert log_in(one.test_client(), make_user()).status_code == 303


@pytest.mark.parametrize("store", ["memory://", "database://", "redis"])
def test_parallel_failures_from_one_address_never_overshoot_the_limit(
    request, app, migrated_database, store
):
    """Eight wrong passwords at once, for eight accounts, from one address limited to 3:
    each takes its place in the count before it is checked, so exactly 3 are checked."""
    if store == "redis":
        store = f"redis://127.0.0.1:{request.getfixturevalue('redis_server')['port']}/0"
    limited = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "RATELIMIT_STORAGE_URI": store,
            "LOGIN_LIMIT_PER_IP": "3 per minute",
        }
    )
    emails = [make_user().email for _ in range(8)]

    def guess(n):
        response = limited.test_client().post("/login", data={
            "email": emails[n], "password": "wrong password!"})  # fmt: skip
        return response.status_code

    assert sorted(at_once(8, guess)) == [200] * 3 + [429] * 5


def test_the_database_store_counts_failures_and_gives_successes_back(app, migrated_database):
    limited = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "RATELIMIT_STORAGE_URI": "database://",
            "LOGIN_LIMIT_PER_IP": "3 per minute",
        }
    )
    user = make_user()
    for _ in range(5):
        assert log_in(limited.test_client(), user).status_code == 303
    for _ in range(3):
        assert log_in(limited.test_client(), make_user(), "a wrong password").status_code == 200
    assert log_in(limited.test_client(), make_user(), "a wrong password").status_code == 429
