from django.http import HttpResponse
def home(request, **kw): return HttpResponse('ok')
company_list = home
company_export = home
company_create = home
company_detail = home
company_edit = home
note_create = home
figures_create = home
holding_create = home
consent_update = home
contact_create = home
contact_edit = home
contact_delete = home
company_merge = home
membership_list = home
membership_decide = home
import_upload = home
import_detail = home
import_progress = home
