"""``POST /bench/noop``: reads and parses the JSON body, touches no database, answers 201.

It goes through the same middleware stack as every page and API call (sessions, CSRF
exemption like the token API, CSP, axes...), so it is the floor a tender submission
stands on: HTTP, WSGI, Django and JSON, without authentication, sealing or storage.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from opendps.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def noop(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "fields": len(data)}, status=201)


urlpatterns = [path("bench/noop", noop), *app_urlpatterns]
