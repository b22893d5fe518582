"""The people of a generated run: clients and freelancers, with their profiles and skills."""

from __future__ import annotations

import json
from random import Random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import ClientProfile, FreelancerProfile, User
from projects.sample_data.generate.load import Loader
from projects.sample_data.generate.words import Text

# Every generated account's password, so a benchmark can log in as anyone.
GENERATED_PASSWORD = "garap-bench-2026"  # noqa: S105 - generated benchmark data only
# Generated users' e-mail domain: how a later run knows the database already has generated data.
GENERATED_EMAIL_DOMAIN = "generated.garap.test"

USERS_PER_GIG = 1 / 5
CLIENT_SHARE = 0.4  # of users; the rest are freelancers
HISTORY_DAYS = 365  # the oldest gig was published this long before ``now``


class People:
    """Writes the users; keeps what the gigs need to know about them."""

    def __init__(
        self,
        *,
        loader: Loader,
        rng: Random,
        text: Text,
        gigs: int,
        now: int,
        categories: list[tuple[int, str, int, list[int]]],
    ) -> None:
        self.loader, self.rng, self.text = loader, rng, text
        self.gigs, self.now = gigs, now
        self.categories = categories
        self.at = loader.timestamp()
        self.day = settings.TIMER_DAY_SECONDS
        t = loader.table
        self.users = t(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "preferred_language",
                "email_verified_at",
            ],
        )
        self.client_profiles = t(
            ClientProfile, ["id", "user_id", "shop_name", "created_at", "updated_at"]
        )
        self.freelancer_profiles = t(
            FreelancerProfile,
            [
                "id",
                "user_id",
                "headline",
                "bio",
                "starting_price",
                "city",
                "province",
                "languages",
                "availability",
                "max_active_contracts",
                "created_at",
                "updated_at",
            ],
        )
        self.profile_skills = t(
            FreelancerProfile.skills.through, ["id", "freelancerprofile_id", "skill_id"]
        )
        self.client_ids: list[int] = []
        # Freelancers by index (0, 1, …): user id, name, capacity, active contracts, and per
        # category the indices of those whose main work it is.
        self.freelancer_ids: list[int] = []
        self.freelancer_names: list[str] = []
        self.capacity = bytearray()
        self.active = bytearray()
        self.pools: list[list[int]] = [[] for _ in categories]
        # Categories in taxonomy order, the first the most popular: 1 / rank ** 0.7.
        self.category_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(categories))]

    def make(self) -> None:
        rng, text, at, now, day = self.rng, self.text, self.at, self.now, self.day
        total = max(int(self.gigs * USERS_PER_GIG), 50)
        clients = round(total * CLIENT_SHARE)
        # One hash for everyone, with a fixed salt: deterministic, and a login works.
        password = make_password(GENERATED_PASSWORD, salt="garapgenerated")
        first_history = now - HISTORY_DAYS * day
        for index in range(total):
            uid = self.users.new_id()
            is_client = index < clients
            first = text.first_names.pick(rng)
            last = text.last_names.pick(rng)
            city, province = text.cities.pick(rng)
            if is_client:
                prefix = f"{first}.{city}".lower().replace(" ", "")
            else:
                prefix = f"{first}.{last}".lower()
            username = f"{prefix[: 29 - len(str(uid))]}{uid}"
            joined = first_history - rng.randrange(365 * day)
            verified = at(joined + rng.randrange(3 * day)) if rng.random() < 0.7 else None
            self.users.add(
                (
                    uid,
                    password,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@{GENERATED_EMAIL_DOMAIN}",
                    False,
                    True,
                    at(joined),
                    f"{first} {last}",
                    "en" if rng.random() < 0.08 else "id",
                    verified,
                )
            )
            if is_client:
                self.client_ids.append(uid)
                self.client_profiles.add(
                    (
                        self.client_profiles.new_id(),
                        uid,
                        text.shop_name(rng, first) if rng.random() < 0.8 else "",
                        at(joined),
                        at(joined),
                    )
                )
                continue
            category = self._category(rng)
            slug = self.categories[category][1]
            self.pools[category].append(len(self.freelancer_ids))
            self.freelancer_ids.append(uid)
            self.freelancer_names.append(f"{first} {last}")
            capacity = 3 if rng.random() < 0.8 else rng.choice((2, 4, 5, 10))
            self.capacity.append(capacity)
            self.active.append(0)
            listed = rng.random() < 0.9
            languages = ["id", *rng.sample(["en", "jv", "su", "ms"], rng.randint(0, 2))]
            profile_id = self.freelancer_profiles.new_id()
            self.freelancer_profiles.add(
                (
                    profile_id,
                    uid,
                    text.headline(rng, slug) if listed else "",
                    text.bio(rng, slug, city) if listed else "",
                    self.categories[category][2] * rng.choice((1, 1, 2, 3)),
                    city,
                    province,
                    json.dumps(languages),
                    rng.choices(("available", "limited", "unavailable"), (80, 15, 5))[0],
                    capacity,
                    at(joined),
                    at(joined),
                )
            )
            own = self.categories[category][3]
            skills = set(rng.sample(own, min(rng.randint(2, 3), len(own))))
            for _ in range(rng.randint(0, 3)):
                other = self.categories[rng.randrange(len(self.categories))][3]
                if other:
                    skills.add(rng.choice(other))
            for skill_id in sorted(skills):
                self.profile_skills.add((self.profile_skills.new_id(), profile_id, skill_id))
            self.loader.maybe_flush()
        for pool in self.pools:  # a category nobody chose as theirs still gets bids
            if not pool:
                pool.extend(range(len(self.freelancer_ids)))

    def _category(self, rng: Random) -> int:
        return rng.choices(range(len(self.categories)), self.category_weights)[0]
