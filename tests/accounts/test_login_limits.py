"""Login limits: the per-address throttle cannot be dodged with X-Forwarded-For, and each account
has a growing delay after wrong passwords that an attacker cannot stretch into a lock-out.

The same limits hold on the API's token login, the login page and the admin's login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import RequestFactory

from accounts.models import AuthToken, User
from marketplace.ratelimit import client_address
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import english_client
from tests.pages.conftest import browser

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _token(username: str, password: str, forwarded: str = "", remote: str = "203.0.113.9"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return english_client().post(
        TOKEN, {"username": username, "password": password}, format="json", **extra
    )


# --- the client's address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9"),  # no proxy: the header is the client's own words
        (1, "", "203.0.113.9"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is left of ours
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (3, "198.51.100.1", "198.51.100.1"),  # fewer hops than proxies: the leftmost
    ],
)
def test_client_address_trusts_only_our_proxies(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    meta = {"REMOTE_ADDR": "203.0.113.9"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_a_new_forwarded_for_per_request_does_not_escape_the_throttle(settings):
    settings.AUTH_THROTTLE_RATE = "10/min"
    user = UserFactory()

    # A new username too, so only the per-address throttle can stop these.
    statuses = [
        _token(f"tebak{n}", "salah-salah-99", forwarded=f"198.51.100.{n}").status_code
        for n in range(40)
    ]

    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429] * 30
    assert not AuthToken.objects.filter(user=user).exists()


AUTH_POSTS = {
    "api-token": ("api", TOKEN, {"username": "tebak", "password": "salah-salah-99"}),
    "api-register": ("api", "/api/v1/auth/register/", {"username": "baru", "email": "bukan"}),
    "api-verify-email": ("api", "/api/v1/auth/verify-email/", {"token": "palsu"}),
    "login-page": ("page", LOGIN, {"username": "tebak", "password": "salah-salah-99"}),
    "signup-page": ("page", "/accounts/signup/", {"username": "baru", "email": "bukan"}),
    "password-reset-page": ("page", "/accounts/password-reset/", {"email": "rina@menulis.id"}),
    "verify-email-page": ("page", "/verify-email/", {"token": "palsu"}),
}


@pytest.mark.parametrize("name", AUTH_POSTS)
def test_every_auth_form_keeps_its_throttle_under_a_new_forwarded_for(settings, name):
    settings.AUTH_THROTTLE_RATE = "3/min"
    settings.NUM_PROXIES = 0
    kind, path, data = AUTH_POSTS[name]
    client = english_client() if kind == "api" else browser()
    users = User.objects.count()

    def post(n: int):
        extra = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        if kind == "api":
            return client.post(path, data, format="json", **extra)
        return client.post(path, data, **extra)

    statuses = [post(n).status_code for n in range(8)]

    assert 429 not in statuses[:3]
    assert statuses[3:] == [429] * 5
    assert User.objects.count() == users
    assert not AuthToken.objects.exists()
    assert mail.outbox == []


def test_with_one_proxy_the_hop_it_appended_is_the_client(settings):
    settings.AUTH_THROTTLE_RATE = "3/min"
    settings.NUM_PROXIES = 1

    # The client varies the left part; our proxy appended the same real address each time.
    same_client = [
        _token(f"a{n}", "x", forwarded=f"6.6.6.{n}, 198.51.100.7").status_code for n in range(5)
    ]
    other_client = _token("b", "x", forwarded="6.6.6.6, 198.51.100.8")

    assert same_client == [400, 400, 400, 429, 429]
    assert other_client.status_code == 400


# --- the per-account delay --------------------------------------------------------------------


def test_the_account_delay_grows_then_expires(settings, time_machine):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    settings.LOGIN_DELAY_MAX_SECONDS = 8
    time_machine.move_to(T0, tick=False)
    user = UserFactory(username="budi")

    # Each from another address: the throttle is not what stops them.
    def attempt(n: int, password: str = "salah"):  # noqa: S107
        return _token("BUDI", password, remote=f"198.51.100.{n}")

    assert [attempt(n).status_code for n in range(2)] == [400, 400]
    waits = []
    for n in range(6):
        failed = attempt(10 + n)  # the third, fourth… wrong password
        assert failed.status_code == 400
        refused = attempt(20 + n, PASSWORD)  # even the right one must wait
        assert refused.status_code == 429
        body = refused.json()
        assert body["code"] == "throttled"
        assert int(refused["Retry-After"]) == body["retry_after"]
        waits.append(body["retry_after"])
        time_machine.shift(body["retry_after"])

    assert waits == [1, 2, 4, 8, 8, 8]  # doubling, capped
    assert not AuthToken.objects.filter(user=user).exists()
    # Over: the owner logs in, and that clears the count.
    assert attempt(40, PASSWORD).status_code == 200
    assert attempt(41).status_code == 400
    assert attempt(42, PASSWORD).status_code == 200


def test_guesses_during_the_delay_do_not_lock_the_owner_out(settings, time_machine):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 5
    time_machine.move_to(T0, tick=False)
    UserFactory(username="rina", email="rina@menulis.id")

    for n in range(5):
        _token("rina", "tebakan", remote=f"198.51.100.{n}")  # the fifth starts a 1 s delay
    # An attacker hammers while the delay runs: refused unchecked, the delay does not grow.
    hammering = [_token("rina", f"tebakan{n}", remote=f"192.0.2.{n}") for n in range(50)]
    assert {r.status_code for r in hammering} == {429}
    assert {r.json()["retry_after"] for r in hammering} == {1}

    time_machine.shift(1)
    # The e-mail address is the same account: the same count.
    assert _token("RINA@menulis.id", PASSWORD).status_code == 200


def test_an_unknown_name_is_delayed_like_a_real_one(settings):
    """The delay must not tell whether an account exists."""
    settings.LOGIN_FAILURES_BEFORE_DELAY = 2
    UserFactory(username="nyata")
    for name in ("nyata", "tidak.ada"):
        statuses = [_token(name, "x", remote=f"198.51.100.{n}").status_code for n in range(3)]
        assert statuses == [400, 400, 429]


def test_the_login_page_answers_the_delay_with_429(settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 2
    UserFactory(username="sari")
    client = browser()
    for _n in range(2):
        assert client.post(LOGIN, {"username": "sari", "password": "x"}).status_code == 400

    response = client.post(LOGIN, {"username": "sari", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 1
    assert "Wait 1 seconds" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_cache_outage_lets_logins_through(settings, caplog):
    """Throttles and the delay fail open: Redis down is no reason to refuse (or 500) a login."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.AUTH_THROTTLE_RATE = "1/min"
    settings.LOGIN_FAILURES_BEFORE_DELAY = 1
    UserFactory(username="joko")
    statuses = [_token("joko", "salah").status_code for _n in range(3)]
    right = _token("joko", PASSWORD)
    page = browser().post(LOGIN, {"username": "joko", "password": PASSWORD})
    signup = english_client().post(
        "/api/v1/auth/register/",
        {"username": "baru.saja", "email": "baru@contoh.id", "password": "kopi-susu-gula-aren"},
        format="json",
    )

    assert statuses == [400, 400, 400]
    assert right.status_code == 200
    assert page.status_code == 302
    assert signup.status_code == 201
    assert "the cache is unavailable" in caplog.text


# --- tokens per user --------------------------------------------------------------------------


def test_logging_in_again_and_again_keeps_a_bounded_number_of_tokens(settings):
    settings.AUTH_TOKENS_PER_USER = 3
    user = UserFactory()
    raws = [_token(user.username, PASSWORD).json()["token"] for _n in range(5)]

    assert AuthToken.objects.filter(user=user).count() == 3
    me = [
        english_client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        for raw in raws
    ]
    assert me == [401, 401, 200, 200, 200]  # the oldest were revoked


def test_expired_tokens_are_removed_at_the_next_login(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    user = UserFactory()
    _token(user.username, PASSWORD)
    time_machine.shift(timedelta(days=settings.AUTH_TOKEN_TTL_DAYS, seconds=1))
    _token(user.username, PASSWORD)
    assert AuthToken.objects.filter(user=user).count() == 1
