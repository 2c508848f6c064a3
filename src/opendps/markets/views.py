"""TEMPORARY placeholders (replaced by the pages work)."""

from django.http import HttpResponse


def market_list(request, **kwargs):
    return HttpResponse(status=501)


def market_create(request, **kwargs):
    return HttpResponse(status=501)


def market_detail(request, **kwargs):
    return HttpResponse(status=501)


def market_edit(request, **kwargs):
    return HttpResponse(status=501)


def category_add(request, **kwargs):
    return HttpResponse(status=501)


def questionnaire(request, **kwargs):
    return HttpResponse(status=501)


def market_publish(request, **kwargs):
    return HttpResponse(status=501)


def market_validity(request, **kwargs):
    return HttpResponse(status=501)


def market_cease(request, **kwargs):
    return HttpResponse(status=501)


def market_members(request, **kwargs):
    return HttpResponse(status=501)


def authority_markets(request, **kwargs):
    return HttpResponse(status=501)
