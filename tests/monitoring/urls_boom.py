"""URLs for the middleware tests: the real ones plus a view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("boom for the test")


def fine(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("test/boom", boom),
    path("test/fine", fine),
    path("", include("liaptui.urls")),
]
