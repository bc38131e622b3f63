"""course_public_urls"""

from django.urls import path  # noqa: F401

urlpatterns: list = []
