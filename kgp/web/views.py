from django.http import HttpResponse
def health(request): return HttpResponse("ok")
def landing(request): return HttpResponse("ok")
after_login = portal_home = portal_company_create = portal_company_edit = landing
