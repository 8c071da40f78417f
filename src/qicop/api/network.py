"""Read-only endpoints of the network registry, scoped exactly like the pages."""

from typing import Annotated

from django.conf import settings
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from qicop.network import permissions, selectors
from qicop.network.models import Member

router = Router(tags=["network"])


class Pages(PageNumberPagination):
    class Input(Schema):
        # At most QICOP_API_MAX_PAGE (a million): past any database integer the offset was a 500 on
        # PostgreSQL. A page past the end of the list is an empty page.
        page: int = Field(1, ge=1, le=settings.QICOP_API_MAX_PAGE)
        page_size: int = Field(settings.PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, pagination, **params)


class ShapedPage:
    """A queryset the paginator slices first, then ``shape`` (a function of the page's rows) turns into the
    answer's rows: one page of rows is shaped, never the whole list."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return self.shape(list(self.queryset[item]))


class ErrorOut(Schema):
    detail: str = Field(..., description="What was wrong, in the caller's language.")


class InvalidField(Schema):
    type: str = Field(..., description="The kind of problem, e.g. int_parsing or less_than_equal.")
    loc: list[str | int] = Field(..., description='Where: e.g. ["query", "page"].')
    msg: str


class InvalidInputOut(Schema):
    detail: list[InvalidField]


# The errors every endpoint may answer, in its OpenAPI document: 400 for an address no API takes (a NUL
# character), 401 without a valid token or session, 404 for what is missing or not the caller's to see,
# 422 for a parameter that does not fit (a page past QICOP_API_MAX_PAGE, a member id that is not a number).
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut}


class NetworkOut(Schema):
    slug: str
    name: str
    programme: str
    kind: str
    description: str


class CountryOut(Schema):
    iso2: str
    iso3: str
    name: str = Field(..., alias="display_name")
    time_zone: str
    languages: list[str]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    country: str = Field(..., alias="country.iso2")


class RoleOut(Schema):
    role: str


class MemberOut(Schema):
    id: int
    full_name: str
    title: str
    country: str
    organisation: str | None
    roles: list[str]
    languages: list[str]
    email: str | None = Field(
        None,
        description="Only for coordinators, focal points of the member's country, and the member themself.",
    )


# Text in an address holds no NUL character (core/request_checks.py refuses it, 400): the schema says so.
NO_NUL = r"^[^\x00]*$"
Slug = Annotated[str, Path(..., pattern=NO_NUL)]
Code = Annotated[str, Path(..., pattern=NO_NUL)]


class MemberFilters(Schema):
    q: str = Field("", pattern=NO_NUL)
    country: str = Field("", pattern=NO_NUL)
    role: str = Field("", pattern=NO_NUL)
    organisation: int | None = None


def _member_out(viewer, network, member: Member) -> MemberOut:
    return MemberOut(
        id=member.pk,
        full_name=member.full_name,
        title=member.title,
        country=member.country.iso2,
        organisation=member.organisation.name if member.organisation else None,
        roles=sorted(m.role for m in member.network_roles),
        languages=member.languages,
        email=member.user.email if permissions.can_see_email(viewer, network, member) else None,
    )


@router.get("/networks", response={200: list[NetworkOut], **ERRORS})
@paginate(Pages)
def list_networks(request):
    return selectors.networks_for_viewer(permissions.viewer_for(request.user))


@router.get("/networks/{slug}", response={200: NetworkOut, **ERRORS})
def get_network(request, slug: Slug):
    _viewer, network = selectors.network_page(request.user, slug)
    return network


@router.get("/networks/{slug}/countries", response={200: list[CountryOut], **ERRORS})
@paginate(Pages)
def list_countries(request, slug: Slug):
    _viewer, network = selectors.network_page(request.user, slug)
    return selectors.countries_of_network(network)


@router.get("/networks/{slug}/countries/{iso2}", response={200: CountryOut, **ERRORS})
def get_country(request, slug: Slug, iso2: Code):
    _viewer, network = selectors.network_page(request.user, slug)
    return selectors.country_in_network(network, iso2)


@router.get("/networks/{slug}/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginate(Pages)
def list_organisations(request, slug: Slug, country: str = Query("", pattern=NO_NUL)):
    _viewer, network = selectors.network_page(request.user, slug)
    organisations = selectors.organisations_of_network(network)
    if country:
        organisations = organisations.filter(country__iso2=country.upper())
    return organisations


@router.get("/networks/{slug}/members", response={200: list[MemberOut], **ERRORS})
@paginate(Pages)
def list_members(request, slug: Slug, filters: Query[MemberFilters]):
    viewer, network = selectors.network_page(request.user, slug)
    members = selectors.members_of_network(
        network,
        query=filters.q,
        country=filters.country,
        role=filters.role,
        organisation=filters.organisation,
    )
    return _LazyMembers(members, viewer, network)


@router.get("/networks/{slug}/members/{member_id}", response={200: MemberOut, **ERRORS})
def get_member(request, slug: Slug, member_id: int):
    viewer, network = selectors.network_page(request.user, slug)
    return _member_out(viewer, network, selectors.member_in_network(network, member_id))


class _LazyMembers:
    """Lets the paginator slice the queryset first, then shapes only the rows of the page."""

    def __init__(self, queryset, viewer, network):
        self.queryset, self.viewer, self.network = queryset, viewer, network

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        rows = self.queryset[item]
        return [_member_out(self.viewer, self.network, m) for m in rows]


class MeOut(Schema):
    email: str
    language: str
    time_zone: str
    member: MemberOut | None
    networks: list[NetworkOut]


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["accounts"])
def me(request):
    """The signed-in account, its profile and its networks."""
    viewer = permissions.viewer_for(request.user)
    member = (
        Member.objects.filter(user=request.user).select_related("country", "organisation", "user").first()
    )
    networks = list(selectors.networks_for_viewer(viewer))
    member_out = None
    if member is not None:
        member.network_roles = []
        member_out = _member_out(viewer, None, member)
        member_out.roles = sorted({role for roles in viewer.roles.values() for role in roles})
        member_out.email = request.user.email
    return MeOut(
        email=request.user.email,
        language=request.user.language,
        time_zone=request.user.time_zone,
        member=member_out,
        networks=networks,
    )
