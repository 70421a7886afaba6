import time, pytest
from tests.security.access import checks_for
from tests.security.conftest import client_as, isolated
from tests.security.test_forms_never_500 import FORM_ROUTES, reaching, field_names, COMMON_NAMES, _routes_by_key
pytestmark = pytest.mark.django_db
def test_t(world):
    routes = _routes_by_key(); slow=[]
    for key in FORM_ROUTES:
        route = routes[key]
        for variant, check in checks_for(route).items():
            url = route.url(check.kwargs(world)); persona = reaching(check, "post")[-1]
            client = client_as(world, persona)
            fields = dict.fromkeys(field_names(client, url, (key, variant, persona)) + COMMON_NAMES, "9"*40)
            for m in ("get","post"):
                t=time.time(); isolated(client, m, url, fields); slow.append((time.time()-t, m, url))
    for x in sorted(slow)[-8:]: print(x)
