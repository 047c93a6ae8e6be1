from ninja import NinjaAPI

api = NinjaAPI(title="Kompetenzregion grüne Produktion API", version="1", urls_namespace="api")
