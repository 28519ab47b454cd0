from .models import SiteOptions


def site(request):
    return {"site": SiteOptions.get()}
