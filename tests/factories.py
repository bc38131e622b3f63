"""Factories for tests: real rows, made the way the system makes them."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

PASSWORD = "correct-horse-battery-staple"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Daugavpils {n}. skola")
    short_name = factory.Sequence(lambda n: f"{n}. sk.")
    type = InstitutionType.BASIC_SCHOOL
    registration_number = factory.Sequence(lambda n: f"{4500000000 + n:010d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.lv")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    role = Role.INSTITUTION_STAFF
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def institutions(self, create: bool, extracted: list[Institution] | None, **kwargs: object) -> None:
        if create and extracted:
            self.institutions.set(extracted)


def totp_device_for(user: User) -> TOTPDevice:
    """A confirmed TOTP device with a fixed key, so tests can compute its codes."""
    return TOTPDevice.objects.create(
        user=user, name="test", key="3132333435363738393031323334353637383930", confirmed=True
    )
