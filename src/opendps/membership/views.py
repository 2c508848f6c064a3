"""TEMPORARY placeholders (replaced by the pages work)."""

from django.http import HttpResponse


def apply(request, **kwargs):
    return HttpResponse(status=501)


def supplier_applications(request, **kwargs):
    return HttpResponse(status=501)


def supplier_application(request, **kwargs):
    return HttpResponse(status=501)


def application_withdraw(request, **kwargs):
    return HttpResponse(status=501)


def supplier_memberships(request, **kwargs):
    return HttpResponse(status=501)


def declaration_answer(request, **kwargs):
    return HttpResponse(status=501)


def evaluator_queue(request, **kwargs):
    return HttpResponse(status=501)


def assess_application(request, **kwargs):
    return HttpResponse(status=501)


def extend_assessment(request, **kwargs):
    return HttpResponse(status=501)


def application_document(request, **kwargs):
    return HttpResponse(status=501)


def member_detail(request, **kwargs):
    return HttpResponse(status=501)


def member_action(request, **kwargs):
    return HttpResponse(status=501)


def debarment_list(request, **kwargs):
    return HttpResponse(status=501)
